/**
 * Audit findings as OCSF Compliance Finding events (class_uid 2003, category Findings), for
 * data lakes and SIEMs that ingest OCSF (Amazon Security Lake among them), written as JSON
 * Lines. Schema version: OCSF 1.1.0, with the `cloud` profile.
 */
import type { Severity } from '../config/common.js';
import type { Finding } from '../events/findings.js';

/** The OCSF schema version the events follow (metadata.version). */
export const OCSF_VERSION = '1.1.0';

const CLASS_UID = 2003;
const CATEGORY_UID = 2;
/** Activity 1, Create: each run reports its findings afresh. */
const ACTIVITY_CREATE = 1;

/** OCSF severity_id by our severity. */
const SEVERITY_IDS: Record<Severity, [number, string]> = {
  INFORMATIONAL: [1, 'Informational'],
  LOW: [2, 'Low'],
  MEDIUM: [3, 'Medium'],
  HIGH: [4, 'High'],
  CRITICAL: [5, 'Critical'],
};

/** OCSF compliance.status_id (1 Pass, 3 Fail, 0 Unknown) and finding status_id (1 New, 4 Resolved, 99 Other). */
const STATUS: Record<Finding['status'], { compliance: [number, string]; finding: [number, string] }> = {
  FAILED: { compliance: [3, 'Fail'], finding: [1, 'New'] },
  PASSED: { compliance: [1, 'Pass'], finding: [4, 'Resolved'] },
  NOT_APPLICABLE: { compliance: [0, 'Unknown'], finding: [99, 'Not Applicable'] },
};

/** The standard every check measures against. */
export const OCSF_STANDARD = 'AWS CloudHSM best practices (cloudhsm-ops)';

/** One OCSF Compliance Finding event (the attributes this tool sets). */
export interface OcsfComplianceFinding {
  activity_id: number;
  activity_name: string;
  category_uid: number;
  category_name: string;
  class_uid: number;
  class_name: string;
  type_uid: number;
  type_name: string;
  time: number;
  severity_id: number;
  severity: string;
  status_id: number;
  status: string;
  message: string;
  metadata: {
    version: string;
    product: { name: string; vendor_name: string };
    profiles: string[];
    uid: string;
  };
  cloud: { provider: string; region: string; account: { uid: string; type: string } };
  finding_info: { uid: string; title: string; desc: string; types: string[]; src_url: string };
  compliance: {
    standards: string[];
    control: string;
    status_id: number;
    status: string;
    status_detail: string;
  };
  resources: { uid: string; name: string; type: string; region: string; cloud_partition: string }[];
  remediation: { desc: string; references: string[] };
  unmapped: { run_id: string; expected: string };
}

/** The OCSF event for one finding. */
export function toOcsf(finding: Finding): OcsfComplianceFinding {
  const [severityId, severity] = SEVERITY_IDS[finding.severity];
  const status = STATUS[finding.status];
  return {
    activity_id: ACTIVITY_CREATE,
    activity_name: 'Create',
    category_uid: CATEGORY_UID,
    category_name: 'Findings',
    class_uid: CLASS_UID,
    class_name: 'Compliance Finding',
    type_uid: CLASS_UID * 100 + ACTIVITY_CREATE,
    type_name: 'Compliance Finding: Create',
    time: Date.parse(finding.observedAt),
    severity_id: severityId,
    severity,
    status_id: status.finding[0],
    status: status.finding[1],
    message: `${finding.title}: ${finding.status}`,
    metadata: {
      version: OCSF_VERSION,
      product: { name: 'cloudhsm-ops', vendor_name: 'cloudhsm-ops' },
      profiles: ['cloud'],
      uid: `${finding.runId}/${finding.findingId}`,
    },
    cloud: {
      provider: 'AWS',
      region: finding.region,
      account: { uid: finding.account, type: 'AWS Account' },
    },
    finding_info: {
      uid: finding.findingId,
      title: finding.title,
      desc: `Observed: ${finding.observed}. Expected: ${finding.expected}.`,
      types: [`cloudhsm-ops/${finding.checkId}`],
      src_url: finding.remediation.url,
    },
    compliance: {
      standards: [OCSF_STANDARD],
      control: finding.checkId,
      status_id: status.compliance[0],
      status: status.compliance[1],
      status_detail: finding.observed,
    },
    resources: [
      {
        uid: finding.resource.arn,
        name: finding.resource.id,
        type: finding.resource.type,
        region: finding.region,
        cloud_partition: finding.resource.arn.split(':')[1] ?? 'aws',
      },
    ],
    remediation: { desc: finding.remediation.text, references: [finding.remediation.url] },
    unmapped: { run_id: finding.runId, expected: finding.expected },
  };
}

/** The findings as JSON Lines: one event per line, each ending in a newline. */
export function toOcsfLines(findings: readonly Finding[]): string {
  return findings.map((finding) => `${JSON.stringify(toOcsf(finding))}\n`).join('');
}
