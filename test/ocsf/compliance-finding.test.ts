import { describe, expect, it } from 'vitest';
import type { Finding } from '../../lib/events/findings.js';
import { OCSF_VERSION, toOcsf, toOcsfLines } from '../../lib/ocsf/compliance-finding.js';
import { finding, NOW } from '../securityhub/fixtures.js';

/**
 * OCSF 1.1.0, Compliance Finding (class_uid 2003, category Findings): the attributes the
 * class marks required, those of the objects it requires, and the `cloud` profile's.
 */
const REQUIRED_EVENT = [
  'activity_id',
  'category_uid',
  'class_uid',
  'compliance',
  'finding_info',
  'metadata',
  'severity_id',
  'time',
  'type_uid',
  'cloud',
] as const;
const REQUIRED_OBJECTS: Record<string, string[]> = {
  compliance: ['standards'],
  finding_info: ['title', 'uid'],
  metadata: ['product', 'version'],
  cloud: ['provider'],
};

/** Fails with every missing or malformed required attribute of one event. */
function problems(event: Record<string, unknown>): string[] {
  const found: string[] = [];
  for (const name of REQUIRED_EVENT) if (event[name] === undefined) found.push(`missing ${name}`);
  for (const [object, names] of Object.entries(REQUIRED_OBJECTS)) {
    const value = event[object] as Record<string, unknown> | undefined;
    for (const name of names) if (value?.[name] === undefined) found.push(`missing ${object}.${name}`);
  }
  if (event.class_uid !== 2003) found.push('class_uid is not 2003');
  if (event.category_uid !== 2) found.push('category_uid is not 2 (Findings)');
  if (event.type_uid !== 2003 * 100 + (event.activity_id as number))
    found.push('type_uid is not class_uid*100+activity_id');
  if (![0, 1, 2, 3, 4, 5, 6, 99].includes(event.severity_id as number))
    found.push('severity_id out of range');
  if (typeof event.time !== 'number') found.push('time is not epoch milliseconds');
  if (!Array.isArray((event.compliance as { standards?: unknown })?.standards))
    found.push('compliance.standards not an array');
  return found;
}

const asEvent = (f: Finding) => toOcsf(f) as unknown as Record<string, unknown>;

describe('OCSF Compliance Finding events', () => {
  it(`names the OCSF version it writes (${OCSF_VERSION}) and carries every required attribute`, () => {
    expect(OCSF_VERSION).toBe('1.1.0');
    for (const status of ['FAILED', 'PASSED', 'NOT_APPLICABLE'] as const) {
      const event = asEvent(finding({ status }));
      expect(problems(event)).toEqual([]);
      expect((event.metadata as { version: string }).version).toBe(OCSF_VERSION);
    }
  });

  it('maps a FAILED finding: severity, compliance Fail, a New finding, the cluster as the resource and the account', () => {
    const event = asEvent(finding());
    expect(event).toMatchObject({
      class_uid: 2003,
      class_name: 'Compliance Finding',
      severity_id: 5,
      severity: 'Critical',
      status_id: 1,
      compliance: { status_id: 3, status: 'Fail', control: 'hsm-count' },
      finding_info: {
        uid: '111122223333/us-east-1/cluster-abcdefghijk/hsm-count',
        title: 'Cluster has at least two ACTIVE HSMs',
        desc: expect.stringContaining('1 ACTIVE HSM'),
      },
      cloud: { provider: 'AWS', region: 'us-east-1', account: { uid: '111122223333' } },
      resources: [
        {
          uid: 'arn:aws:cloudhsm:us-east-1:111122223333:cluster/cluster-abcdefghijk',
          name: 'cluster-abcdefghijk',
          type: 'AWS::CloudHSM::Cluster',
          region: 'us-east-1',
        },
      ],
      remediation: { desc: 'Add an HSM.', references: [expect.stringMatching(/^https:/)] },
      time: Date.parse(NOW),
    });
  });

  it('maps PASSED to compliance Pass and a Resolved finding, NOT_APPLICABLE to neither', () => {
    expect(asEvent(finding({ status: 'PASSED' }))).toMatchObject({
      status_id: 4,
      compliance: { status_id: 1 },
    });
    const na = asEvent(finding({ status: 'NOT_APPLICABLE' }));
    expect(na).toMatchObject({ status_id: 99, status: 'Not Applicable', compliance: { status_id: 0 } });
  });

  it('writes JSON Lines: one event per line, each parseable on its own', () => {
    const text = toOcsfLines([finding(), finding({ status: 'PASSED' })]);
    const lines = text.split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).map((line) => JSON.parse(line).class_uid)).toEqual([2003, 2003]);
  });
});
