/**
 * The built-in demo organization (`startSandbox({ fleet: 'demo-organization' })`, also
 * examples/fleet-organization.json): the demo fleet's clusters spread over member accounts.
 *
 * 111111111111 management   the hub: no regions of its own
 * 222222222222 payments     OU payments: the demo's us-east-1 (primary) and us-west-2 (its DR copies)
 * 333333333333 europe       OU europe: the demo's eu-west-1 (a DEGRADED cluster, an hsm1 one with open ports)
 * 444444444444 legacy       root: one healthy cluster in ap-southeast-2, but the member role was
 *                           never deployed there, so AssumeRole is denied
 */
import type { OrganizationFleetFile } from '../fleet.js';
import { generatedRegion } from '../generate.js';
import { IdFactory, seededRandom } from '../random.js';
import { DEMO_NOW, demoFleet } from './demo.js';

/** The demo organization's accounts and the role its members carry. */
export const DEMO_ORGANIZATION = {
  management: '111111111111',
  roleName: 'cloudhsm-ops-member',
  members: [
    { id: '222222222222', name: 'payments', regions: ['us-east-1', 'us-west-2'], hasRole: true },
    { id: '333333333333', name: 'europe', regions: ['eu-west-1'], hasRole: true },
    { id: '444444444444', name: 'legacy', regions: ['ap-southeast-2'], hasRole: false },
  ],
} as const;

const ROOT = 'r-ab12';
const OU_PAYMENTS = 'ou-ab12-payments';
const OU_EUROPE = 'ou-ab12-europe01';

/** Builds the demo organization fleet file (deterministic: the same ids every time). */
export function demoOrganizationFleet(): OrganizationFleetFile {
  const demo = demoFleet();
  const { management, roleName, members } = DEMO_ORGANIZATION;
  const [payments, europe, legacy] = members;
  const role = (member: { hasRole: boolean }) => (member.hasRole ? [roleName] : []);
  const ids = new IdFactory(seededRandom(4444));
  return {
    now: DEMO_NOW,
    organization: {
      managementAccount: management,
      root: ROOT,
      ous: [
        { id: OU_PAYMENTS, name: 'payments', parent: ROOT },
        { id: OU_EUROPE, name: 'europe', parent: ROOT },
      ],
    },
    accounts: {
      [management]: { name: 'management', email: 'aws-management@example.com' },
      [payments.id]: {
        name: payments.name,
        ou: OU_PAYMENTS,
        roles: role(payments),
        regions: { 'us-east-1': demo.regions['us-east-1']!, 'us-west-2': demo.regions['us-west-2']! },
      },
      [europe.id]: {
        name: europe.name,
        ou: OU_EUROPE,
        roles: role(europe),
        regions: { 'eu-west-1': demo.regions['eu-west-1']! },
      },
      [legacy.id]: {
        name: legacy.name,
        roles: role(legacy),
        regions: {
          'ap-southeast-2': generatedRegion(
            'ap-southeast-2',
            ids,
            { clusters: 1, backups: 7 },
            Date.parse(DEMO_NOW),
          ),
        },
      },
    },
  };
}
