import { describe, expect, it } from 'vitest';
import {
  AUDIT_DEFAULTS,
  auditConfigFromEnv,
  parseAuditConfig,
  severityAtLeast,
} from '../../lib/config/audit.js';
import { UsageError } from '../../lib/errors.js';

describe('parseAuditConfig', () => {
  it('fills in the defaults', () => {
    expect(parseAuditConfig({ regions: 'us-east-1' })).toEqual({
      regions: ['us-east-1'],
      drRegions: [],
      publish: false,
      eventBusName: 'default',
      eventSource: 'cloudhsm-ops',
      eventRegion: 'us-east-1',
      freshnessGraceHours: AUDIT_DEFAULTS.freshnessGraceHours,
      drRpoHours: AUDIT_DEFAULTS.drRpoHours,
      copyRetention: 'fixed',
      copyRetentionDays: AUDIT_DEFAULTS.copyRetentionDays,
      holdTag: 'cloudhsm-ops:hold',
      requireFips: false,
    });
  });

  it('reads copy retention that follows the source cluster, with the days as the fallback', () => {
    expect(parseAuditConfig({ regions: 'us-east-1', copyRetention: 'source' })).toMatchObject({
      copyRetention: 'source',
      copyRetentionDays: 90,
    });
    expect(
      parseAuditConfig({ regions: 'us-east-1', copyRetention: ' SOURCE ', copyRetentionDays: '30' }),
    ).toMatchObject({ copyRetention: 'source', copyRetentionDays: 30 });
    // The environment's one-variable form: COPY_RETENTION_DAYS=source.
    expect(parseAuditConfig({ regions: 'us-east-1', copyRetentionDays: 'source' })).toMatchObject({
      copyRetention: 'source',
      copyRetentionDays: 90,
    });
    expect(
      parseAuditConfig({ regions: 'us-east-1', copyRetention: 'fixed', copyRetentionDays: '45' }),
    ).toMatchObject({
      copyRetention: 'fixed',
      copyRetentionDays: 45,
    });
  });

  it('refuses a copy retention mode it does not know, and fixed with days "source"', () => {
    expect(() => parseAuditConfig({ regions: 'us-east-1', copyRetention: 'cluster' })).toThrow(
      /copy retention "cluster" is not "fixed" or "source"/,
    );
    expect(() =>
      parseAuditConfig({ regions: 'us-east-1', copyRetention: 'fixed', copyRetentionDays: 'source' }),
    ).toThrow(/copy retention fixed and copy retention days source contradict each other/);
    expect(() => parseAuditConfig({ regions: 'us-east-1', copyRetentionDays: 'sauce' })).toThrow(
      /copy retention days "sauce" is not a whole number or "source"/,
    );
  });

  it('reads every setting', () => {
    const config = parseAuditConfig({
      regions: 'us-east-1, eu-west-1',
      drRegions: 'us-west-2',
      publish: 'true',
      eventBus: 'arn:aws:events:us-east-1:111122223333:event-bus/ops',
      eventSource: 'acme.cloudhsm',
      eventRegion: 'eu-central-1',
      failOn: 'high',
      freshnessGraceHours: '1.5',
      drRpoHours: '48',
      copyRetentionDays: '30',
      holdTag: 'legal-hold',
    });
    expect(config).toMatchObject({
      regions: ['us-east-1', 'eu-west-1'],
      drRegions: ['us-west-2'],
      publish: true,
      eventRegion: 'eu-central-1',
      failOn: 'HIGH',
      freshnessGraceHours: 1.5,
      drRpoHours: 48,
      copyRetentionDays: 30,
      holdTag: 'legal-hold',
    });
  });

  it('reports every bad setting at once, as a UsageError', () => {
    const attempt = () =>
      parseAuditConfig({
        regions: 'us-east-1,us-east-1',
        drRegions: 'mars-1',
        failOn: 'urgent',
        copyRetentionDays: '0',
        eventSource: 'aws.cloudhsm',
        publish: 'maybe',
      });
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow(/region us-east-1 is given more than once/);
    expect(attempt).toThrow(/DR region value "mars-1" is not valid/);
    expect(attempt).toThrow(/severity "urgent" is not one of/);
    expect(attempt).toThrow(/copy retention days must be between 1 and 36500, got 0/);
    expect(attempt).toThrow(/event source "aws.cloudhsm" is not valid/);
    expect(attempt).toThrow(/publish must be "true" or "false", got "maybe"/);
  });

  it('needs at least one region', () => {
    expect(() => parseAuditConfig({})).toThrow(/no region to audit/);
  });
});

describe('auditConfigFromEnv', () => {
  it('reads the Lambda environment variables', () => {
    const config = auditConfigFromEnv({
      REGIONS: 'us-east-1,us-west-2',
      DR_REGIONS: 'eu-west-1',
      EVENT_BUS_NAME: 'ops',
      EVENT_SOURCE: 'cloudhsm-ops.prod',
      FRESHNESS_GRACE_HOURS: '2',
      DR_RPO_HOURS: '26',
      COPY_RETENTION_DAYS: '120',
      PUBLISH: 'true',
      AWS_REGION: 'eu-central-1',
    });
    expect(config).toMatchObject({
      regions: ['us-east-1', 'us-west-2'],
      drRegions: ['eu-west-1'],
      eventBusName: 'ops',
      eventSource: 'cloudhsm-ops.prod',
      eventRegion: 'eu-central-1',
      freshnessGraceHours: 2,
      drRpoHours: 26,
      copyRetentionDays: 120,
      publish: true,
    });
  });

  it('reads COPY_RETENTION_DAYS=source as retention following each source cluster, falling back to 90 days', () => {
    expect(auditConfigFromEnv({ REGIONS: 'us-east-1', COPY_RETENTION_DAYS: 'source' })).toMatchObject({
      copyRetention: 'source',
      copyRetentionDays: 90,
    });
    expect(auditConfigFromEnv({ REGIONS: 'us-east-1', COPY_RETENTION_DAYS: '30' })).toMatchObject({
      copyRetention: 'fixed',
      copyRetentionDays: 30,
    });
  });

  it('falls back to the Lambda region', () => {
    expect(auditConfigFromEnv({ AWS_REGION: 'eu-west-1' })).toMatchObject({
      regions: ['eu-west-1'],
      eventRegion: 'eu-west-1',
    });
  });
});

describe('require FIPS (cluster-mode)', () => {
  it('is off unless asked for, on the command line or in the Lambda environment', () => {
    expect(parseAuditConfig({ regions: 'us-east-1', requireFips: 'true' }).requireFips).toBe(true);
    expect(auditConfigFromEnv({ REGIONS: 'us-east-1', REQUIRE_FIPS: 'true' }).requireFips).toBe(true);
    expect(auditConfigFromEnv({ REGIONS: 'us-east-1', REQUIRE_FIPS: 'false' }).requireFips).toBe(false);
    expect(auditConfigFromEnv({ REGIONS: 'us-east-1' }).requireFips).toBe(false);
  });

  it('refuses anything but true or false, naming the variable', () => {
    expect(() => auditConfigFromEnv({ REGIONS: 'us-east-1', REQUIRE_FIPS: 'yes' })).toThrow(/REQUIRE_FIPS/);
  });
});

describe('severityAtLeast', () => {
  it('orders severities from INFORMATIONAL to CRITICAL', () => {
    expect(severityAtLeast('CRITICAL', 'HIGH')).toBe(true);
    expect(severityAtLeast('HIGH', 'HIGH')).toBe(true);
    expect(severityAtLeast('MEDIUM', 'HIGH')).toBe(false);
    expect(severityAtLeast('INFORMATIONAL', 'INFORMATIONAL')).toBe(true);
  });
});

describe('parseAuditConfig with a DR region that is also an audited region', () => {
  it('refuses it when asked to (the CLI), with the message copy gives', () => {
    expect(() =>
      parseAuditConfig(
        { regions: 'us-east-1,eu-west-1', drRegions: 'eu-west-1,us-west-2' },
        { sameRegion: 'error' },
      ),
    ).toThrow(
      new UsageError(
        'DR region eu-west-1 is also a source region: a backup cannot be copied to its own region ' +
          '(to make two regions back each other up, audit each with the other as its DR region)',
      ),
    );
  });

  it('accepts it by default (the Lambda: regions backing each other up is a normal setup)', () => {
    expect(
      parseAuditConfig({ regions: 'us-east-1,us-west-2', drRegions: 'us-west-2,us-east-1' }).drRegions,
    ).toEqual(['us-west-2', 'us-east-1']);
  });
});
