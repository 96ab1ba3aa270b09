/**
 * The queue message (lib/org/message.ts): what the dispatch Lambda writes and the worker
 * reads back. A body the worker cannot trust is refused with a message naming the field.
 */
import { describe, expect, it } from 'vitest';
import { externalId, roleName } from '../../lib/config/org.js';
import { encodeUnitMessage, MessageError, parseUnitMessage } from '../../lib/org/message.js';
import type { UnitMessage } from '../../lib/org/types.js';

const MESSAGE: UnitMessage = {
  version: 1,
  runId: '6f1c2a7e-3b9d-4c51-8e0a-2d4f6b8c9e10',
  plannedAt: '2026-11-29T05:30:00.000Z',
  unit: { job: 'audit', account: { id: '222222222222', name: 'payments-prod' }, region: 'us-east-1' },
  access: { roleName: 'cloudhsm-ops-member', externalId: 'cloudhsm-ops-ext-1' },
};

/** A message as loose JSON, for breaking one field. */
type Loose = Record<string, unknown> & {
  unit: Record<string, unknown> & { account: Record<string, unknown> };
  access: Record<string, unknown>;
};

const withBody = (patch: (m: Loose) => void) => {
  const copy = structuredClone(MESSAGE) as unknown as Loose;
  patch(copy);
  return JSON.stringify(copy);
};

describe('parseUnitMessage', () => {
  it('reads back what encodeUnitMessage wrote, with or without the optional fields', () => {
    expect(parseUnitMessage(encodeUnitMessage(MESSAGE))).toEqual(MESSAGE);
    const bare: UnitMessage = {
      ...MESSAGE,
      unit: { ...MESSAGE.unit, account: { id: '333333333333' } },
      access: { roleName: 'ops' },
    };
    expect(parseUnitMessage(encodeUnitMessage(bare))).toEqual(bare);
  });

  it('refuses a version it does not know, saying which it reads', () => {
    const body = withBody((m) => {
      m.version = 2;
    });
    expect(() => parseUnitMessage(body)).toThrow(MessageError);
    expect(() => parseUnitMessage(body)).toThrow(/version 2 .*reads version 1/);
  });

  it.each([
    [
      'an account id that is not 12 digits',
      (m: Loose) => {
        m.unit.account.id = '22222222222';
      },
      'unit.account.id',
    ],
    [
      'an unknown job',
      (m: Loose) => {
        m.unit.job = 'restore';
      },
      'unit.job',
    ],
    [
      'a region that does not exist',
      (m: Loose) => {
        m.unit.region = 'us-east-7';
      },
      'unit.region',
    ],
    [
      'a run id that is not a UUID',
      (m: Loose) => {
        m.runId = 'run-1';
      },
      'runId',
    ],
    [
      'a planning instant that is not ISO 8601',
      (m: Loose) => {
        m.plannedAt = 'yesterday';
      },
      'plannedAt',
    ],
    [
      'a role name IAM would refuse',
      (m: Loose) => {
        m.access.roleName = 'role/with/slashes';
      },
      'access.roleName',
    ],
    [
      'an external id too short for STS',
      (m: Loose) => {
        m.access.externalId = 'x';
      },
      'access.externalId',
    ],
    [
      'an extra field',
      (m: Loose) => {
        m.unit.clusterId = 'cluster-abc';
      },
      'unit',
    ],
  ])('refuses %s, naming the field', (_what, patch, field) => {
    const body = withBody(patch);
    expect(() => parseUnitMessage(body)).toThrow(MessageError);
    expect(() => parseUnitMessage(body)).toThrow(field);
  });

  it('refuses a body that is not JSON, or not an object', () => {
    expect(() => parseUnitMessage('{"version":1,')).toThrow(/not JSON/);
    expect(() => parseUnitMessage('[]')).toThrow(MessageError);
    expect(() => parseUnitMessage('')).toThrow(MessageError);
  });
});

describe('the worker and the settings agree on the access fields', () => {
  // A value the dispatch's settings accept must reach the member account; one they refuse must not.
  const cases: [string, string][] = [
    ['a', 'b'],
    ['r'.repeat(64), 'e'.repeat(1224)],
    ['r'.repeat(65), 'e'],
    ['role/with-path', 'e'.repeat(1225)],
    ['Ops+=,.@_-1', 'id:/_+=,.@-'],
  ];
  it.each(cases)('role name %s, external id of that form', (role, external) => {
    const settingsAccept = (parse: (v: string, what: string) => string, value: string) => {
      try {
        parse(value, 'x');
        return true;
      } catch {
        return false;
      }
    };
    const workerAccepts = (field: 'roleName' | 'externalId', value: string) => {
      try {
        parseUnitMessage(withBody((m) => (m.access[field] = value)));
        return true;
      } catch {
        return false;
      }
    };
    expect(workerAccepts('roleName', role)).toBe(settingsAccept(roleName, role));
    expect(workerAccepts('externalId', external)).toBe(settingsAccept(externalId, external));
  });
});
