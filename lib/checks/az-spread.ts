import { DOCS, isInService, notApplicable, servingHsms } from './common.js';
import type { Check } from './types.js';

/**
 * AWS: "spread your HSMs across as many Availability Zones as possible. For a cluster with
 * three HSMs, you should spread HSMs across three Availability Zones." HSMs can go only in
 * zones where the cluster has a subnet, so the goal is min(ACTIVE HSMs, subnet zones). All in
 * one zone is HIGH (a zone outage takes every HSM down); fewer zones than possible is MEDIUM.
 * A cluster with fewer than two ACTIVE HSMs is left to hsm-count, whose remediation (add an
 * HSM in another zone) fixes both.
 */
export const azSpread: Check = {
  id: 'az-spread',
  title: 'HSMs are spread across as many Availability Zones as the cluster can use',
  severity: 'HIGH',
  evaluate({ cluster, subnets }) {
    const hsms = servingHsms(cluster);
    const zoneOf = (subnetId: string | undefined) => subnets.find((s) => s.id === subnetId)?.zone;
    const perZone = new Map<string, number>();
    for (const hsm of hsms) {
      const zone = hsm.zone ?? zoneOf(hsm.subnetId);
      if (zone) perZone.set(zone, (perZone.get(zone) ?? 0) + 1);
    }
    const zones = [...perZone.keys()].sort();
    const subnetZones = Object.keys(cluster.subnetMapping).sort();
    const otherZones = subnetZones.filter((zone) => !perZone.has(zone));
    const possible = Math.min(hsms.length, Math.max(subnetZones.length, zones.length));
    const expected = `ACTIVE HSMs spread over as many Availability Zones as possible: ${possible || 2} for this cluster`;
    const remediation = {
      text:
        `Add an HSM in another Availability Zone${otherZones.length ? ` (${otherZones.join(', ')})` : ''}, ` +
        'then remove surplus HSMs from the crowded zone if you do not need the capacity.',
      url: DOCS.bestPractices,
    };
    if (!isInService(cluster)) return notApplicable(`the cluster is ${cluster.state}`, expected, remediation);
    if (hsms.length < 2) {
      return notApplicable(
        `the cluster has ${hsms.length} ACTIVE HSM(s); see hsm-count`,
        expected,
        remediation,
      );
    }
    if (zones.length === 0) {
      return notApplicable('no HSM reports its Availability Zone', expected, remediation);
    }
    const where = zones.map((zone) => (perZone.get(zone)! > 1 ? `${zone} (${perZone.get(zone)})` : zone));
    if (zones.length === 1) {
      return {
        status: 'FAILED',
        observed: `${hsms.length} ACTIVE HSMs in one zone: ${zones[0]}`,
        expected,
        remediation,
      };
    }
    const observed = `${hsms.length} ACTIVE HSMs in ${zones.length} zones: ${where.join(', ')}`;
    if (zones.length >= possible) return { status: 'PASSED', observed, expected, remediation };
    return {
      status: 'FAILED',
      severity: 'MEDIUM',
      observed: `${observed}; the cluster has subnets in ${subnetZones.length} zones`,
      expected,
      remediation,
    };
  },
};
