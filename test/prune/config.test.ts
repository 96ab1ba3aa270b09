import { describe, expect, it } from 'vitest';
import { PRUNE_FLAG_NAMES, parsePruneConfig as parse, pruneConfigFromEnv } from '../../lib/config/prune.js';
import { UsageError } from '../../lib/errors.js';

/** The settings as the CLI gives them: messages name its flags. */
const parsePruneConfig = (input: Record<string, string | undefined>) => parse(input, PRUNE_FLAG_NAMES);

const CLUSTER = 'cluster-abcdefghijk';

describe('parsePruneConfig (CLI flags)', () => {
  it('fills the defaults: dry run, keep-last 1, max-deletions 50, the hold tag', () => {
    // Act
    const config = parsePruneConfig({ regions: 'us-east-1', olderThan: '90d' });
    // Assess
    expect(config).toEqual({
      regions: ['us-east-1'],
      cutoff: { kind: 'older-than', olderThan: '90d' },
      keepLast: 1,
      maxDeletions: 50,
      holdTags: ['cloudhsm-ops:hold'],
      execute: false,
      dryRunOverrode: false,
      concurrency: 6,
      publish: false,
      eventBus: 'default',
      eventSource: 'cloudhsm-ops',
      eventRegion: 'us-east-1',
    });
  });

  it('reads a timestamp with its zone and a comma list of regions', () => {
    const config = parsePruneConfig({
      regions: 'us-east-1, eu-west-1',
      clusterId: CLUSTER,
      timestamp: '03/08/2026 02:30',
      timezone: 'America/New_York',
    });
    expect(config.regions).toEqual(['us-east-1', 'eu-west-1']);
    expect(config.cutoff).toEqual({
      kind: 'timestamp',
      timestamp: '03/08/2026 02:30',
      timezone: 'America/New_York',
    });
  });

  it('lets a dry run win over --execute, and says it did', () => {
    const config = parsePruneConfig({
      regions: 'us-east-1',
      olderThan: '9d',
      execute: 'true',
      dryRun: 'true',
    });
    expect(config.execute).toBe(false);
    expect(config.dryRunOverrode).toBe(true);
  });

  it('accepts --keep-last 0 only with --deleteall --confirm naming --cluster-id', () => {
    const config = parsePruneConfig({
      regions: 'us-east-1',
      clusterId: CLUSTER,
      deleteAll: 'true',
      keepLast: '0',
      confirm: CLUSTER,
    });
    expect(config).toMatchObject({ keepLast: 0, cutoff: { kind: 'all' }, confirm: CLUSTER });
  });

  it.each([
    [
      { timestamp: '01/01/2026', deleteAll: 'true', clusterId: CLUSTER },
      /--timestamp and --deleteall cannot be used together/,
    ],
    [
      { timestamp: '01/01/2026', olderThan: '9d' },
      /give only one of --timestamp, --older-than or --deleteall/,
    ],
    [{ olderThan: '9d', deleteAll: 'true', clusterId: CLUSTER }, /give only one of/],
    [{}, /say which backups are stale/],
    [{ olderThan: '9d', keepLast: '0' }, /--keep-last 0 would leave a lineage with no backup/],
    [{ deleteAll: 'true', clusterId: CLUSTER, keepLast: '0' }, /--keep-last 0/],
    [
      { deleteAll: 'true', clusterId: CLUSTER, keepLast: '0', confirm: 'cluster-bbbbbbbbbbb' },
      /--confirm "cluster-bbbbbbbbbbb" does not match --cluster-id/,
    ],
    [{ deleteAll: 'true' }, /--deleteall needs --cluster-id/],
    [{ olderThan: '9d', confirm: CLUSTER }, /--confirm only applies to --deleteall/],
    [{ timestamp: '02/30/2026' }, /--timestamp "02\/30\/2026" is not a real date/],
    [{ timestamp: '01/01/2026', timezone: 'Mars/Base' }, /--timezone "Mars\/Base" is not a timezone/],
    [{ olderThan: 'soon' }, /--older-than "soon" is not valid/],
    [{ olderThan: '9d', maxDeletions: '0' }, /--max-deletions must be between 1/],
    [{ olderThan: '9d', keepLast: '-1' }, /--keep-last "-1" is not a whole number/],
    [{ olderThan: '9d', clusterId: 'cluster-x' }, /--cluster-id "cluster-x" is not valid/],
    [{ olderThan: '9d', execute: 'yes' }, /--execute must be "true" or "false"/],
    [{ olderThan: '9d', holdTag: 'bad\ttag' }, /--hold-tag/],
    [
      { olderThan: '9d', eventSource: 'aws.cloudhsm' },
      /--event-source "aws.cloudhsm" is not valid \(at most 256 characters, no spaces, not starting with "aws."\)/,
    ],
    [{ deleteAll: 'true', clusterId: CLUSTER, copyRetentionDays: '30' }, /cannot be used together/],
  ])('rejects %j', (input, message) => {
    expect(() => parsePruneConfig({ regions: 'us-east-1', ...input })).toThrow(message);
  });

  it('rejects a missing or repeated region, and unknown settings', () => {
    expect(() => parsePruneConfig({ olderThan: '9d' })).toThrow(/--region is required/);
    expect(() => parsePruneConfig({ regions: 'us-east-1,us-east-1', olderThan: '9d' })).toThrow(
      /more than once/,
    );
    expect(() => parsePruneConfig({ regions: 'us-east-1', olderThan: '9d', force: 'true' })).toThrow(
      /unknown prune setting\(s\): force/,
    );
  });

  it('names every problem at once', () => {
    // Act
    const error = (() => {
      try {
        parsePruneConfig({ regions: 'us-east-1', olderThan: 'soon', maxDeletions: 'many' });
      } catch (e) {
        return e;
      }
    })();
    // Assess
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/--older-than "soon"/);
    expect((error as Error).message).toMatch(/--max-deletions "many"/);
  });
});

describe('pruneConfigFromEnv (the scheduled Lambda)', () => {
  it('maps the variables onto the same config', () => {
    // Act
    const config = pruneConfigFromEnv({
      REGIONS: 'us-east-1,us-west-2',
      CLUSTER_ID: CLUSTER,
      OLDER_THAN: '90d',
      TIMEZONE: 'Europe/Paris',
      KEEP_LAST: '3',
      MAX_DELETIONS: '200',
      COPY_RETENTION_DAYS: '30',
      HOLD_TAG: 'legal-hold',
      PRUNE_EXECUTE: 'true',
      EVENT_BUS_NAME: 'ops-feed',
      EVENT_SOURCE: 'acme.cloudhsm-ops',
      EVENT_REGION: 'eu-west-1',
      PATH: '/usr/bin',
    });
    // Assess
    expect(config).toEqual({
      regions: ['us-east-1', 'us-west-2'],
      clusterId: CLUSTER,
      cutoff: { kind: 'older-than', olderThan: '90d', timezone: 'Europe/Paris' },
      copyRetentionDays: 30,
      duplicateCopies: true,
      keepLast: 3,
      maxDeletions: 200,
      holdTags: ['cloudhsm-ops:hold', 'legal-hold'],
      execute: true,
      dryRunOverrode: false,
      concurrency: 6,
      publish: true,
      eventBus: 'ops-feed',
      eventSource: 'acme.cloudhsm-ops',
      eventRegion: 'eu-west-1',
    });
  });

  it("sends a Lambda's events to its own region (AWS_REGION) unless EVENT_REGION says otherwise", () => {
    const env = { REGIONS: 'us-east-1,us-west-2', OLDER_THAN: '90d', AWS_REGION: 'us-west-2' };
    expect(pruneConfigFromEnv(env).eventRegion).toBe('us-west-2');
    expect(pruneConfigFromEnv({ ...env, EVENT_REGION: 'eu-west-1' }).eventRegion).toBe('eu-west-1');
    expect(pruneConfigFromEnv({ REGIONS: 'us-east-1,us-west-2', OLDER_THAN: '90d' }).eventRegion).toBe(
      'us-east-1',
    );
  });

  it('defaults to a dry run and allows copy retention alone', () => {
    const config = pruneConfigFromEnv({ REGIONS: 'eu-west-1', COPY_RETENTION_DAYS: '30' });
    expect(config).toMatchObject({
      execute: false,
      publish: false,
      cutoff: { kind: 'copies-only' },
      keepLast: 1,
    });
  });

  it.each([
    [
      { REGIONS: 'eu-west-1', OLDER_THAN: '9d', PRUNE_EXECUTE: 'TRUE' },
      /PRUNE_EXECUTE must be "true" or "false"/,
    ],
    [{ REGIONS: 'eu-west-1', OLDER_THAN: '9d', PRUNE_EXECUTE: '1' }, /PRUNE_EXECUTE/],
    [{ REGIONS: 'eu-west-1', TIMESTAMP: '13/01/26' }, /^TIMESTAMP "13\/01\/26"/],
    [{ REGIONS: 'eu-west-1', OLDER_THAN: '9d', KEEP_LAST: '0' }, /KEEP_LAST 0/],
    [{ OLDER_THAN: '9d' }, /REGIONS is required/],
    [{ REGIONS: 'eu-west-1', DUPLICATE_COPIES: 'false' }, /TIMESTAMP <date>, OLDER_THAN/],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => pruneConfigFromEnv(env)).toThrow(message);
  });

  it('has no environment form of --deleteall', () => {
    const config = pruneConfigFromEnv({ REGIONS: 'eu-west-1', OLDER_THAN: '9d', DELETE_ALL: 'true' });
    expect(config.cutoff.kind).toBe('older-than');
  });
});

describe('duplicate copies and copy retention that follows the source (issue 17)', () => {
  it('--duplicate-copies alone is a valid prune: only duplicates, no cutoff', () => {
    const config = parsePruneConfig({ regions: 'us-west-2', duplicateCopies: 'true' });
    expect(config).toMatchObject({ duplicateCopies: true, cutoff: { kind: 'duplicates-only' } });
    expect(config.copyRetentionDays).toBeUndefined();
  });

  it('--duplicate-copies with a cutoff keeps the cutoff (both apply)', () => {
    const config = parsePruneConfig({ regions: 'us-west-2', olderThan: '90d', duplicateCopies: 'true' });
    expect(config).toMatchObject({ duplicateCopies: true, cutoff: { kind: 'older-than', olderThan: '90d' } });
  });

  it('refuses --duplicate-copies with --deleteall', () => {
    expect(() =>
      parsePruneConfig({
        regions: 'us-west-2',
        clusterId: CLUSTER,
        deleteAll: 'true',
        confirm: CLUSTER,
        keepLast: '0',
        duplicateCopies: 'true',
      }),
    ).toThrow(/--deleteall and --duplicate-copies cannot be used together/);
  });

  it('--copy-retention source alone prunes copies by their source, 90 days as the fallback', () => {
    const config = parsePruneConfig({ regions: 'us-west-2', copyRetention: 'source' });
    expect(config).toMatchObject({
      copyRetention: 'source',
      copyRetentionDays: 90,
      cutoff: { kind: 'copies-only' },
    });
  });

  it('--copy-retention source --copy-retention-days 30: 30 is the fallback', () => {
    const config = parsePruneConfig({
      regions: 'us-west-2',
      copyRetention: 'source',
      copyRetentionDays: '30',
    });
    expect(config).toMatchObject({ copyRetention: 'source', copyRetentionDays: 30 });
  });

  it('--copy-retention-days source means --copy-retention source, as in the audit', () => {
    const config = parsePruneConfig({ regions: 'us-west-2', copyRetentionDays: 'source' });
    expect(config).toMatchObject({ copyRetention: 'source', copyRetentionDays: 90 });
  });

  it.each([
    [{ copyRetention: 'cluster' }, /--copy-retention "cluster" is not "fixed" or "source"/],
    [{ copyRetention: 'fixed' }, /--copy-retention fixed needs --copy-retention-days <days>/],
    [{ copyRetention: 'fixed', copyRetentionDays: 'source' }, /contradict/],
    [{ copyRetentionDays: 'sauce' }, /--copy-retention-days "sauce"/],
    [{ duplicateCopies: 'yes' }, /--duplicate-copies must be "true" or "false"/],
  ])('rejects %j naming the flag', (input, message) => {
    expect(() => parsePruneConfig({ regions: 'us-west-2', ...input })).toThrow(message);
  });

  it('the Lambda prunes duplicates by default; DUPLICATE_COPIES=false turns it off', () => {
    expect(pruneConfigFromEnv({ REGIONS: 'us-west-2' })).toMatchObject({
      duplicateCopies: true,
      cutoff: { kind: 'duplicates-only' },
    });
    expect(pruneConfigFromEnv({ REGIONS: 'us-west-2', OLDER_THAN: '9d' }).duplicateCopies).toBe(true);
    const off = pruneConfigFromEnv({ REGIONS: 'us-west-2', OLDER_THAN: '9d', DUPLICATE_COPIES: 'false' });
    expect(off.duplicateCopies).toBeUndefined();
    expect(() => pruneConfigFromEnv({ REGIONS: 'us-west-2', DUPLICATE_COPIES: 'false' })).toThrow(
      /TIMESTAMP <date>, OLDER_THAN/,
    );
  });

  it('the Lambda reads COPY_RETENTION_DAYS=source as the audit does', () => {
    expect(pruneConfigFromEnv({ REGIONS: 'us-west-2', COPY_RETENTION_DAYS: 'source' })).toMatchObject({
      copyRetention: 'source',
      copyRetentionDays: 90,
      cutoff: { kind: 'copies-only' },
    });
  });

  it.each([
    [{ DUPLICATE_COPIES: 'TRUE' }, /DUPLICATE_COPIES must be "true" or "false"/],
    [{ DUPLICATE_COPIES: ' ' }, /DUPLICATE_COPIES/],
    [{ COPY_RETENTION_DAYS: 'sauce' }, /COPY_RETENTION_DAYS "sauce"/],
  ])('the Lambda rejects %j naming the variable', (env, message) => {
    expect(() => pruneConfigFromEnv({ REGIONS: 'us-west-2', ...env })).toThrow(message);
  });
});
