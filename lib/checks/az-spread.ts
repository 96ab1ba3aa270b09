import { DOCS, isInService, liveHsms, notApplicable } from './common.js';
import type { Check } from './types.js';

const EXPECTED = 'HSMs spread over at least 2 Availability Zones';

/**
 * Two HSMs in one Availability Zone fail together. A cluster with fewer than two HSMs is
 * left to hsm-count, whose remediation (add an HSM in another zone) fixes both.
 */
export const azSpread: Check = {
  id: 'az-spread',
  title: 'HSMs are spread across Availability Zones',
  severity: 'HIGH',
  evaluate({ cluster, subnets }) {
    const hsms = liveHsms(cluster);
    const zoneOf = (subnetId: string | undefined) => subnets.find((s) => s.id === subnetId)?.zone;
    const zones = [
      ...new Set(hsms.map((hsm) => hsm.zone ?? zoneOf(hsm.subnetId)).filter((z): z is string => !!z)),
    ];
    const otherZones = Object.keys(cluster.subnetMapping).filter((zone) => !zones.includes(zone));
    const remediation = {
      text:
        `Add an HSM in another Availability Zone${otherZones.length ? ` (${otherZones.join(', ')})` : ''}, ` +
        'then remove surplus HSMs from the crowded zone if you do not need the capacity.',
      url: DOCS.highAvailability,
    };
    if (!isInService(cluster)) return notApplicable(`the cluster is ${cluster.state}`, EXPECTED, remediation);
    if (hsms.length < 2) {
      return notApplicable(`the cluster has ${hsms.length} HSM(s); see hsm-count`, EXPECTED, remediation);
    }
    if (zones.length === 0) {
      return notApplicable('no HSM reports its Availability Zone', EXPECTED, remediation);
    }
    const observed = `${hsms.length} HSMs in ${zones.length === 1 ? 'one zone' : `${zones.length} zones`}: ${zones.join(', ')}`;
    return { status: zones.length >= 2 ? 'PASSED' : 'FAILED', observed, expected: EXPECTED, remediation };
  },
};
