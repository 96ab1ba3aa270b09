/**
 * One meaning per setting across the jobs (issue 12 §1): a boolean, a copy retention, an event
 * bus without publishing read the same in prune, restore, copy and audit, from flags or the
 * environment.
 */
import { describe, expect, it } from 'vitest';
import { auditConfigFromEnv, parseAuditConfig } from '../../lib/config/audit.js';
import { parseCopyConfig } from '../../lib/config/copy.js';
import { parsePruneConfig } from '../../lib/config/prune.js';
import { UsageError } from '../../lib/errors.js';
import { parseRestoreConfig } from '../../lib/restore/restore.js';
import { runCli } from '../helpers/cli.js';

const BACKUP = 'backup-abcdefghijk';

describe('booleans: "true" or "false" in every job', () => {
  const jobs = {
    prune: (value: string) => parsePruneConfig({ regions: 'us-east-1', olderThan: '90d', publish: value }),
    restore: (value: string) => parseRestoreConfig({ region: 'us-east-1', backupIds: BACKUP, dryRun: value }),
    copy: (value: string) => parseCopyConfig({ regions: 'us-east-1', drRegions: 'us-west-2', dryRun: value }),
    audit: (value: string) => parseAuditConfig({ regions: 'us-east-1', publish: value }),
  };

  for (const [job, parse] of Object.entries(jobs)) {
    for (const value of ['yes', '1', 'no', '0', 'TRUE']) {
      it(`${job} refuses "${value}"`, () => {
        expect(() => parse(value)).toThrow(UsageError);
        expect(() => parse(value)).toThrow(`must be "true" or "false", got "${value}"`);
      });
    }
    it(`${job} reads "true" and "false"`, () => {
      expect(() => parse('true')).not.toThrow();
      expect(() => parse('false')).not.toThrow();
    });
  }

  it('the audit Lambda refuses PUBLISH=yes as the others refuse DRY_RUN=yes', () => {
    expect(() => auditConfigFromEnv({ REGIONS: 'us-east-1', PUBLISH: 'yes' })).toThrow(
      /PUBLISH must be "true" or "false", got "yes"/,
    );
  });
});

describe('copy retention days: one range, 1 to 36500, in prune and audit', () => {
  it('both accept 36500 days', () => {
    const prune = parsePruneConfig({ regions: 'us-east-1', copyRetentionDays: '36500' });
    const audit = parseAuditConfig({ regions: 'us-east-1', copyRetentionDays: '36500' });
    expect(prune.copyRetentionDays).toBe(36_500);
    expect(audit.copyRetentionDays).toBe(36_500);
  });

  it('both refuse 0 and 36501 with the same words', () => {
    for (const days of ['0', '36501']) {
      const messages = [
        () => parsePruneConfig({ regions: 'us-east-1', copyRetentionDays: days }),
        () => parseAuditConfig({ regions: 'us-east-1', copyRetentionDays: days }),
      ].map((parse) => {
        try {
          parse();
          return 'accepted';
        } catch (error) {
          return (error as Error).message;
        }
      });
      expect(messages[0]).toMatch(`between 1 and 36500, got ${Number(days)}`);
      expect(messages[1]).toBe(messages[0]!.replace('--copy-retention-days', 'copy retention days'));
    }
  });
});

describe('an event bus without publishing is refused by every publishing job', () => {
  const cases: Record<string, string[]> = {
    prune: ['prune', '--region', 'us-east-1', '--older-than', '90d'],
    restore: ['restore', '--region', 'us-east-1', '--backup-id', BACKUP],
    copy: ['copy', '--region', 'us-east-1', '--dr-region', 'us-west-2'],
    audit: ['audit', '--region', 'us-east-1'],
  };
  for (const [job, args] of Object.entries(cases)) {
    for (const extra of [
      ['--event-bus', 'ops-feed'],
      ['--event-source', 'acme.ops'],
    ]) {
      it(`${job} ${extra[0]} without --publish: exit 2 naming the flag`, async () => {
        const run = await runCli([...args, ...extra]);
        expect(run.code).toBe(2);
        expect(run.stderr).toMatch(new RegExp(`${extra[0]} needs --publish`));
      });
    }
  }
});
