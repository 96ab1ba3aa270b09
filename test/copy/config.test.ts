import { describe, expect, it } from 'vitest';
import { copyConfigFromEnv, parseCopyConfig } from '../../lib/config/copy.js';
import { UsageError } from '../../lib/errors.js';

describe('parseCopyConfig', () => {
  it('fills in the defaults', () => {
    // Act
    const config = parseCopyConfig({ regions: 'us-east-1', drRegions: 'us-west-2,eu-west-1' });

    // Assess
    expect(config).toMatchObject({
      sourceRegions: ['us-east-1'],
      drRegions: ['us-west-2', 'eu-west-1'],
      clusterIds: [],
      dryRun: false,
      wait: false,
      publish: false,
      eventBus: 'default',
      eventSource: 'cloudhsm-ops',
      eventRegion: 'us-east-1',
      concurrency: 8,
    });
    expect(config.since.toMillis()).toBe(48 * 3_600_000);
    expect(config.waitTimeout.toMillis()).toBe(30 * 60_000);
  });

  it.each([
    [{ regions: 'us-east-1', drRegions: 'us-east-1' }, /DR region us-east-1 is also a source region/],
    [{ regions: 'us-east-7', drRegions: 'us-west-2' }, /"us-east-7" is not a known AWS region/],
    [{ regions: 'useast1', drRegions: 'us-west-2' }, /source region value "useast1" is not valid/],
    [{ regions: 'us-east-1', drRegions: '' }, /no DR region given/],
    [{ regions: '', drRegions: 'us-west-2' }, /no source region given/],
    [{ regions: 'us-east-1,us-east-1', drRegions: 'us-west-2' }, /given more than once/],
    [{ regions: 'us-east-1', drRegions: 'us-west-2', clusterIds: 'cluster-1' }, /cluster id "cluster-1"/],
    [{ regions: 'us-east-1', drRegions: 'us-west-2', since: 'yesterday' }, /since "yesterday" is not valid/],
    [{ regions: 'us-east-1', drRegions: 'us-west-2', waitTimeout: '0m' }, /wait timeout/],
    [{ regions: 'us-east-1', drRegions: 'us-west-2', concurrency: '0' }, /concurrency must be between 1/],
    [{ regions: 'us-east-1', drRegions: 'us-west-2', eventSource: 'aws.cloudhsm' }, /event source/],
    [{ regions: 'us-east-1', drRegions: 'us-west-2', eventBus: 'bad bus' }, /event bus/],
  ])('rejects %j', (input, message) => {
    expect(() => parseCopyConfig(input)).toThrow(UsageError);
    expect(() => parseCopyConfig(input)).toThrow(message);
  });

  it('reports every problem at once', () => {
    // Act
    const attempt = () => parseCopyConfig({ regions: 'mars-1', drRegions: 'us-west-2', since: '-1d' });

    // Assess
    expect(attempt).toThrow(/source region value "mars-1".*; since "-1d"/);
  });

  it('lets a caller accept a DR region that is also a source, for the plan to skip per backup', () => {
    // Act
    const config = parseCopyConfig(
      { regions: 'us-east-1,us-west-2', drRegions: 'us-west-2,us-east-1' },
      { sameRegion: 'skip' },
    );

    // Assess
    expect(config.drRegions).toEqual(['us-west-2', 'us-east-1']);
  });
});

describe('copyConfigFromEnv', () => {
  it('reads the Lambda environment, preferring SOURCE_REGIONS over REGIONS', () => {
    // Act
    const config = copyConfigFromEnv({
      SOURCE_REGIONS: 'eu-central-1',
      REGIONS: 'us-east-1,us-west-2',
      DR_REGIONS: 'eu-west-1',
      CLUSTER_ID: 'cluster-abcdefghijk',
      COPY_SINCE: '72h',
      EVENT_BUS_NAME: 'ops-feed',
      EVENT_SOURCE: 'acme.cloudhsm-ops',
      CONCURRENCY: '4',
      AWS_REGION: 'eu-west-1',
    });

    // Assess
    expect(config).toMatchObject({
      sourceRegions: ['eu-central-1'],
      drRegions: ['eu-west-1'],
      clusterIds: ['cluster-abcdefghijk'],
      publish: true,
      eventBus: 'ops-feed',
      eventSource: 'acme.cloudhsm-ops',
      eventRegion: 'eu-west-1',
      concurrency: 4,
    });
    expect(config.since.toMillis()).toBe(72 * 3_600_000);
  });

  it('falls back to REGIONS, publishes nothing without a bus, and tolerates mutual DR regions', () => {
    // Act
    const config = copyConfigFromEnv({ REGIONS: 'us-east-1,us-west-2', DR_REGIONS: 'us-west-2,us-east-1' });

    // Assess
    expect(config.sourceRegions).toEqual(['us-east-1', 'us-west-2']);
    expect(config.publish).toBe(false);
    expect(config.since.toMillis()).toBe(48 * 3_600_000);
  });

  it('rejects a malformed environment with a UsageError', () => {
    expect(() =>
      copyConfigFromEnv({ REGIONS: 'us-east-1', DR_REGIONS: 'eu-west-1', COPY_SINCE: '2 days' }),
    ).toThrow(UsageError);
  });
});
