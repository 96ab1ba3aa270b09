/**
 * Writes infra/member-role.yml from functions/shared/permissions.ts (MEMBER_GRANTS):
 * `node scripts/run-ts.mjs scripts/member-role.ts`. test/packaging/member-role.test.ts fails
 * when the committed file differs from what this writes.
 */
import { writeFileSync } from 'node:fs';
import { memberRoleTemplate } from '../functions/shared/member-role.js';

// Run from the repository's root (run-ts bundles this file elsewhere, so import.meta.url is not here).
const path = 'infra/member-role.yml';
writeFileSync(path, memberRoleTemplate());
console.log(`wrote ${path}`);
