import { DOCS, isGone, listOf, notApplicable } from './common.js';
import type { Check } from './types.js';

/**
 * A cluster's subnets are fixed when it is created, and CloudHSM can place HSMs only in
 * zones where the cluster has a subnet. AWS recommends a subnet in every available zone
 * of the region (even zones where CloudHSM is not offered yet), so a zone outage or a
 * new zone never leaves the cluster without somewhere to add an HSM.
 */
export const subnetCoverage: Check = {
  id: 'subnet-coverage',
  title: 'Cluster subnets cover every Availability Zone',
  severity: 'MEDIUM',
  evaluate({ cluster, zones, subnets }) {
    const required = zones
      .filter((zone) => zone.state === 'available' && zone.type === 'availability-zone')
      .map((zone) => zone.name)
      .sort();
    const expected = required.length
      ? `a subnet in every available Availability Zone of ${cluster.region}: ${required.join(', ')}`
      : `a subnet in every available Availability Zone of ${cluster.region}`;
    const subnetIds = new Set(Object.values(cluster.subnetMapping));
    const covered = new Set([
      ...Object.keys(cluster.subnetMapping),
      ...subnets.filter((subnet) => subnetIds.has(subnet.id)).map((subnet) => subnet.zone),
    ]);
    const missing = required.filter((zone) => !covered.has(zone));
    const remediation = {
      text: missing.length
        ? `AWS CloudHSM cannot add subnets to an existing cluster. Create a subnet in ${listOf(missing)}` +
          `${cluster.vpcId ? ` in ${cluster.vpcId}` : ''}, then create a new cluster from the latest backup ` +
          'with one subnet in every Availability Zone, move clients to it and delete the old cluster.'
        : 'AWS CloudHSM cannot add subnets to an existing cluster: choose a subnet in every Availability Zone ' +
          'when you create a cluster.',
      url: DOCS.createCluster,
    };
    if (isGone(cluster)) return notApplicable(`the cluster is ${cluster.state}`, expected, remediation);
    if (required.length === 0) {
      return notApplicable(`EC2 reported no available zones in ${cluster.region}`, expected, remediation);
    }
    const inRegion = required.filter((zone) => covered.has(zone));
    const observed = missing.length
      ? `subnets in ${inRegion.length} of ${required.length} available zones` +
        `${inRegion.length ? ` (${inRegion.join(', ')})` : ''}; missing: ${missing.join(', ')}`
      : `subnets in all ${required.length} available zones`;
    return { status: missing.length ? 'FAILED' : 'PASSED', observed, expected, remediation };
  },
};
