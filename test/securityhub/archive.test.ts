import { describe, expect, it } from 'vitest';
import { archiveRule } from '../../lib/securityhub/archive.js';

const id = (region: string, cluster: string, check: string) => `111122223333/${region}/${cluster}/${check}`;

describe('which earlier Security Hub findings an audit may archive', () => {
  it('archives a gone cluster finding in an audited region', () => {
    const may = archiveRule({ errors: [], skipped: [], regions: ['us-east-1'] });
    expect(may(id('us-east-1', 'cluster-goneaaaaaaa', 'hsm-count'))).toBe(true);
    expect(may(id('eu-west-1', 'cluster-goneaaaaaaa', 'hsm-count'))).toBe(false);
    expect(may('not-an-id')).toBe(false);
  });

  it('archives nothing after an error: an unread region could still hold the cluster', () => {
    const may = archiveRule({ errors: [{ message: 'x' }], skipped: [], regions: ['us-east-1'] });
    expect(may(id('us-east-1', 'cluster-goneaaaaaaa', 'hsm-count'))).toBe(false);
  });

  it('never archives a check that was skipped for missing facts', () => {
    const may = archiveRule({
      errors: [],
      skipped: [
        { region: 'us-east-1', clusterId: 'cluster-aaaaaaaaaaa', checkId: 'dr-copies' },
        { region: 'us-west-2', clusterId: '(every lineage)', checkId: 'orphan-dr-copies' },
        { region: 'us-east-1', clusterId: 'cluster-deletedaaaa', checkId: '(every check)' },
      ],
      regions: ['us-east-1'],
    });
    expect(may(id('us-east-1', 'cluster-aaaaaaaaaaa', 'dr-copies'))).toBe(false);
    expect(may(id('us-east-1', 'cluster-aaaaaaaaaaa', 'hsm-count'))).toBe(true);
    expect(may(id('us-east-1', 'cluster-oldlineage0', 'orphan-dr-copies'))).toBe(false);
    expect(may(id('us-east-1', 'cluster-deletedaaaa', 'hsm-count'))).toBe(true);
  });
});
