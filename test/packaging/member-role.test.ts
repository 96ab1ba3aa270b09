/**
 * infra/member-role.yml, the role StackSets deploy into every member account: generated from
 * functions/shared/permissions.ts (MEMBER_GRANTS), trusting only the hub's roles with the
 * external id from inside the organization, and clean under cfn-lint (installed on these
 * machines; skipped with a warning where it is missing).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { memberRoleTemplate } from '../../functions/shared/member-role.js';
import {
  actionsOfGrants,
  JOB_GRANTS,
  MEMBER_GRANTS,
  SECURITY_HUB_GRANTS,
} from '../../functions/shared/permissions.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const FILE = `${ROOT}infra/member-role.yml`;
const text = readFileSync(FILE, 'utf8');

/** True when `cfn-lint` runs here. */
function cfnLintAvailable(): boolean {
  const probe = spawnSync('cfn-lint', ['--version'], { stdio: 'ignore', timeout: 30_000 });
  const ok = probe.status === 0;
  if (!ok) console.warn('cfn-lint is not installed: skipping the lint of infra/member-role.yml');
  return ok;
}

/** The actions a piece of the template lists (`- service:Operation` lines). */
const actionsIn = (part: string) =>
  [...part.matchAll(/^\s+- ([a-z0-9-]+:[A-Za-z]+)$/gm)].map((m) => m[1]!).sort();
/** The template's parts: the role (with its jobs' policy), then the Security Hub import's policy. */
const [rolePart, securityHubPart = ''] = text.split(/^ {2}SecurityHubImportPolicy:$/m);
const listedActions = () => actionsIn(rolePart!);

describe('infra/member-role.yml', () => {
  it('is what scripts/member-role.ts generates from permissions.ts (regenerate it after changing the grants)', () => {
    expect(text).toBe(memberRoleTemplate());
  });

  it('refuses a member grant whose scope it has no statement for, rather than leaving the grant out', () => {
    const unknown = [
      ...MEMBER_GRANTS,
      { action: 'sqs:SendMessage', scope: 'units-queue' as const, why: 'test' },
    ];
    expect(() => memberRoleTemplate(unknown)).toThrow(
      'the member role has no statement for the scope units-queue',
    );
  });

  it("grants every job's calls in the member account except events:PutEvents, which the hub makes", () => {
    const jobActions = new Set(Object.values(JOB_GRANTS).flatMap((grants) => grants.map((g) => g.action)));
    jobActions.delete('events:PutEvents');
    expect(actionsOfGrants(MEMBER_GRANTS)).toEqual([...jobActions].sort());
    expect(listedActions()).toEqual(actionsOfGrants(MEMBER_GRANTS));
    expect(text).not.toMatch(/^\s+(- |Action: )"?(events:PutEvents|\*)/m);
  });

  it("grants the audit's Security Hub import only when the SecurityHubImport parameter is true", () => {
    expect(actionsIn(securityHubPart)).toEqual(actionsOfGrants(SECURITY_HUB_GRANTS));
    expect(securityHubPart).toMatch(/^ {4}Condition: ImportsFindings$/m);
    expect(text).toMatch(/ImportsFindings: !Equals \[!Ref SecurityHubImport, "true"\]/);
    expect(text).toMatch(/SecurityHubImport:\n\s+Type: String\n\s+Default: "false"/);
    // The hub's own product and hub in the member's account, never another account's.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation substitution syntax
    expect(securityHubPart).toContain(':product/${AWS::AccountId}/default');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation substitution syntax
    expect(securityHubPart).toContain('securityhub:*:${AWS::AccountId}:hub/default');
  });

  it("trusts the hub account's named roles only, with the external id, from inside the organization", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation substitution syntax
    expect(text).toContain('AWS: !Sub arn:${AWS::Partition}:iam::${HubAccountId}:root');
    expect(text).toContain('sts:ExternalId: !Ref ExternalId');
    expect(text).toContain('aws:PrincipalOrgID: !Ref OrganizationId');
    expect(text).toMatch(/ArnEquals:\n\s+aws:PrincipalArn: !If/);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation substitution syntax
    expect(text).toContain(':role/${HubWorkerRoleName}');
    expect(text).toContain('Default: cloudhsm-ops-prod-us-east-1-worker');
    expect(text).toContain('Default: cloudhsm-ops-member');
  });

  it.runIf(cfnLintAvailable())(
    'cfn-lint reports no error or warning',
    () => {
      // cfn-lint exits non-zero on any finding and prints it.
      const output = execFileSync('cfn-lint', [FILE], { encoding: 'utf8', timeout: 120_000 });
      expect(output).toBe('');
    },
    130_000,
  );
});
