import { describe, expect, it } from 'vitest';
import { formatRegion } from '../../cli/commands/inventory.js';
import { faultsFromFlags, sandboxOptionsFrom } from '../../cli/commands/sandbox.js';
import { summarizeRegion } from '../../lib/inventory/summary.js';
import type { RegionInventory } from '../../lib/inventory/types.js';

describe('sandbox flags', () => {
  it('turn fault flags into one rule, narrowed by operation and region', () => {
    // Act
    const faults = faultsFromFlags({
      port: '0',
      throttleRps: '5',
      internalFailureRate: '0.1',
      latencyMs: '20',
      lostResponseRate: '0.05',
      putEventsFailureRate: '0.2',
      faultOperation: 'DeleteBackup',
      faultRegion: 'us-west-2',
      seed: '42',
    });
    // Assess
    expect(faults).toEqual({
      rules: [
        {
          throttleRps: 5,
          internalFailureRate: 0.1,
          latencyMs: 20,
          lostResponseRate: 0.05,
          operation: 'DeleteBackup',
          region: 'us-west-2',
        },
      ],
      putEventsEntryFailureRate: 0.2,
      seed: 42,
    });
    expect(faultsFromFlags({ port: '0' })).toBeUndefined();
  });

  it.each([
    [{ internalFailureRate: '2' }, '--internal-failure-rate must be a number from 0 to 1'],
    [{ lostResponseRate: 'x' }, '--lost-response-rate must be a number from 0 to 1'],
    [{ throttleRps: '0' }, '--throttle-rps must be a positive number'],
    [{ faultOperation: 'DeleteBackup' }, '--fault-operation and --fault-region narrow a fault'],
    [{ throttleRps: '1', faultOperation: 'delete-backup' }, 'is not an operation name'],
  ])('reject %j as bad input', (flags, message) => {
    // Act + Assess
    expect(() => faultsFromFlags({ port: '0', ...flags })).toThrow(message);
  });

  it.each([
    [{ port: '70000' }, '--port must be between 0 and 65535'],
    [{ port: '0', generate: '10', fleet: 'demo' }, 'give either --fleet or --generate'],
    [{ port: '0', generate: '100001' }, '--generate must be between 1 and 100000'],
    [{ port: '0', clock: 'fast' }, '--clock must be "real" or "virtual"'],
    [{ port: '0', fleet: '/nonexistent.json' }, 'cannot read fleet file /nonexistent.json'],
  ])('reject %j before starting anything', async (flags, message) => {
    // Act + Assess
    await expect(sandboxOptionsFrom(flags)).rejects.toThrow(message);
  });

  it('default to the demo fleet', async () => {
    // Act
    const options = await sandboxOptionsFrom({ port: '4566', copyDelaySeconds: '30' });
    // Assess
    expect(options).toMatchObject({ port: 4566, fleet: 'demo', copyDelaySeconds: 30 });
  });
});

describe('inventory summary', () => {
  it('counts HSMs by zone, backups by state and copies by source region', () => {
    // Prepare
    const created = (day: number) => new Date(Date.UTC(2026, 10, day));
    const inventory: RegionInventory = {
      region: 'us-west-2',
      clusters: [
        {
          id: 'cluster-abcdefghijk',
          region: 'us-west-2',
          state: 'ACTIVE',
          subnetMapping: {},
          hsms: [
            { id: 'hsm-a', zone: 'us-west-2a', state: 'ACTIVE' },
            { id: 'hsm-b', zone: 'us-west-2a', state: 'ACTIVE' },
            { id: 'hsm-c', zone: 'us-west-2b', state: 'ACTIVE' },
          ],
          retentionDays: 30,
          tags: {},
        },
      ],
      backups: [
        {
          id: 'b1',
          region: 'us-west-2',
          state: 'READY',
          createdAt: created(1),
          neverExpires: false,
          tags: {},
        },
        {
          id: 'b2',
          region: 'us-west-2',
          state: 'READY',
          createdAt: created(3),
          neverExpires: false,
          tags: {},
          sourceRegion: 'us-east-1',
        },
        {
          id: 'b3',
          region: 'us-west-2',
          state: 'PENDING_DELETION',
          createdAt: created(2),
          neverExpires: false,
          tags: {},
          sourceRegion: 'us-east-1',
        },
      ],
    };
    // Act
    const summary = summarizeRegion(inventory);
    const text = formatRegion(summary).join('\n');
    // Assess
    expect(summary.clusters[0]!.hsmsByZone).toEqual({ 'us-west-2a': 2, 'us-west-2b': 1 });
    expect(summary.backups).toEqual({ total: 3, byState: { READY: 2, PENDING_DELETION: 1 } });
    expect(summary.copies).toEqual({
      'us-east-1': { count: 2, oldest: created(2).toISOString(), newest: created(3).toISOString() },
    });
    expect(text).toContain('HSMs us-west-2a 2, us-west-2b 1; retention 30d');
    expect(text).toContain('DR copies from us-east-1: 2 (backups created 2026-11-02 .. 2026-11-03)');
  });
});
