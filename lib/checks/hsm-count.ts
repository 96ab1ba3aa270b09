import { describeKeyStore } from '../inventory/key-stores.js';
import { isCopy } from '../inventory/types.js';
import {
  DOCS,
  describeNotServing,
  describeTime,
  isInService,
  isParked,
  listOf,
  newestReady,
  notApplicable,
  plural,
  servingHsms,
} from './common.js';
import type { Check, CheckFacts, CheckResult } from './types.js';

const EXPECTED = 'at least 2 ACTIVE HSMs, in different Availability Zones (or a parked cluster with no HSM)';

/**
 * A parked cluster is reported once, here, as information: parking is a cost choice AWS
 * documents. Behind a KMS key store it is HIGH: the key store cannot connect to a cluster
 * without an active HSM (INSUFFICIENT_CLOUDHSM_HSMS), so its keys cannot be used.
 */
function parked({ cluster, backups, now, keyStores = [] }: CheckFacts): CheckResult {
  const newest = newestReady(backups.filter((b) => b.clusterId === cluster.id && !isCopy(b)));
  const observed = newest
    ? `parked: no HSMs since about ${describeTime(newest.createdAt, now)}, the time of its newest backup ` +
      `${newest.id}; a new HSM restores that backup`
    : 'parked: no HSMs, and no READY backup, so when it was parked is unknown and a new HSM has no backup to restore';
  const stores = listOf(keyStores.map(describeKeyStore));
  return {
    status: 'FAILED',
    severity: keyStores.length ? 'HIGH' : 'INFORMATIONAL',
    observed: keyStores.length
      ? `${observed}; it backs KMS key store ${stores}, which cannot connect without an active HSM`
      : observed,
    expected: EXPECTED,
    remediation: {
      text:
        `Nothing can use ${cluster.id}'s keys until an HSM is added (aws cloudhsmv2 create-hsm --cluster-id ` +
        `${cluster.id} --availability-zone <zone>), which restores the newest backup. Keep that backup ` +
        '(and its DR copies) while the cluster is parked, or delete the cluster if it is no longer needed.',
      url: DOCS.manageBackups,
    },
  };
}

/**
 * A serving cluster needs at least two ACTIVE HSMs: with one, an HSM failure is an outage and
 * can lose every key made since the last backup (AWS: "If an HSM fails, you can experience
 * unrecoverable data loss"), so it is CRITICAL. HSMs being created, DEGRADED or being deleted
 * do not serve and are listed apart. A cluster with no HSM at all is parked: reported once,
 * as INFORMATIONAL.
 */
export const hsmCount: Check = {
  id: 'hsm-count',
  title: 'Cluster has at least two ACTIVE HSMs',
  severity: 'CRITICAL',
  evaluate(facts) {
    const { cluster } = facts;
    const remediation = {
      text:
        `Add HSMs to ${cluster.id} until it has at least two ACTIVE ones, each in a different Availability Zone ` +
        `(aws cloudhsmv2 create-hsm --cluster-id ${cluster.id} --availability-zone <zone>).`,
      url: DOCS.bestPractices,
    };
    if (!isInService(cluster)) {
      return notApplicable(`the cluster is ${cluster.state}`, EXPECTED, remediation);
    }
    if (isParked(cluster)) return parked(facts);
    const hsms = servingHsms(cluster);
    const others = describeNotServing(cluster);
    const serving = hsms.length
      ? `${plural(hsms.length, 'ACTIVE HSM')} (${hsms.map((h) => h.id).join(', ')})`
      : 'no ACTIVE HSM';
    const observed = others ? `${serving}; not serving: ${others}` : serving;
    if (hsms.length >= 2) return { status: 'PASSED', observed, expected: EXPECTED, remediation };
    return {
      status: 'FAILED',
      observed: hsms.length === 1 ? `${observed}: a single point of failure` : observed,
      expected: EXPECTED,
      remediation,
    };
  },
};
