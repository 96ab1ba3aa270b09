/** The page's HTML: what AWS returns is text, never markup, and links go only to https pages. */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../lib/events/findings.js';
import { renderHtml } from '../../lib/report/html.js';
import { type FleetReport, scoreOf } from '../../lib/report/model.js';

function finding(extra: Partial<Finding>): Finding {
  return {
    checkId: 'az-spread',
    title: 'HSMs are spread',
    status: 'FAILED',
    severity: 'HIGH',
    region: 'us-east-1',
    resource: { type: 'AWS::CloudHSM::Cluster', id: 'cluster-a', arn: 'arn' },
    observed: 'fine',
    expected: 'fine',
    remediation: { text: 'add an HSM', url: 'https://docs.aws.amazon.com/cloudhsm/' },
    ...extra,
  } as Finding;
}

function report(findings: Finding[]): FleetReport {
  return {
    schemaVersion: '1',
    generatedAt: '2026-11-29T12:00:00Z',
    command: 'cloudhsm-ops report --html <x>.html',
    account: '111122223333',
    regions: ['us-east-1'],
    drRegions: [],
    window: { from: '2026-11-20', to: '2026-11-29', days: 10 },
    score: scoreOf(findings),
    clusters: [],
    findings,
    errors: ['could not gather eu-west-1: <timeout>'],
  };
}

describe('renderHtml', () => {
  it('escapes every text it did not write, and drops a link that is not https', () => {
    const page = renderHtml(
      report([
        finding({
          observed: '<script>alert(1)</script>',
          remediation: { text: 'a "quoted" & <b>bold</b> fix', url: 'javascript:alert(1)' },
        }),
      ]),
    );
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('a &quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt; fix');
    expect(page).not.toContain('javascript:alert');
    expect(page).toContain('<code>cloudhsm-ops report --html &lt;x&gt;.html</code>');
    expect(page).toContain('<li>could not gather eu-west-1: &lt;timeout&gt;</li>');
    // The only scripts are the page's own filter: one <script> element.
    expect(page.match(/<script/g)).toHaveLength(1);
  });

  it('forbids every request in its Content-Security-Policy and keeps the filter hidden without JavaScript', () => {
    const page = renderHtml(report([finding({})]));
    expect(page).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
    expect(page).toContain('<form id="filters" class="filters" hidden');
    expect(page).toContain('<p>No clusters in the audited regions.</p>');
    expect(page).toContain(
      '<a href="https://docs.aws.amazon.com/cloudhsm/" rel="noreferrer">AWS documentation</a>',
    );
  });
});
