/** A huge change stays under the comment's size bound, with the summary intact and the cut announced. */
import { synthesisFiles, synthesize } from '../../../constructs';
import { buildEstate, estateSpec } from '../../bench/generate-estate';
import { changedEstateSpec } from '../../bench/stages/diff';
import { diffSnapshots, renderMarkdown, reportCounts, snapshotFromFiles } from '../../../stacks/diff';

describe('size bound', () => {
  test('150 changed clusters: at most 60,000 characters, verdict and stack table first, the cut says so', () => {
    const spec = estateSpec(150);
    const base = snapshotFromFiles(synthesisFiles(synthesize(buildEstate(spec), { asOf: spec.asOf })));
    const head = snapshotFromFiles(synthesisFiles(synthesize(buildEstate(changedEstateSpec(spec)), { asOf: spec.asOf })));
    const report = diffSnapshots(base, head);
    const counts = reportCounts(report);
    expect(counts.update).toBe(450); // three ingress MachineDeployments per cluster
    // New images on machine templates and provider machines replace them (templates are immutable), etcd members included.
    expect(counts.replace).toBeGreaterThan(100);
    expect(counts.destructive).toBeGreaterThan(0);

    const md = renderMarkdown(report);
    expect(md.length).toBeLessThanOrEqual(60_000);
    const lines = md.split('\n');
    expect(lines[0]).toBe('<!-- cluster-estate:estate-diff estate=bench -->');
    expect(lines[3]).toMatch(/^\*\*1 stack changes · [\d,]+ destructive · [\d,]+ replaced · [\d,]+ machines to roll · capacity \+[\d,]+ nodes/);
    expect(md).toContain(`| management | 0 | ${counts.update.toLocaleString('en-US')} | **${counts.replace.toLocaleString('en-US')}** | 0 |`);
    expect(md).toContain('### Destructive changes');
    expect(md).toContain('### Capacity and promotion');
    expect(md).toMatch(/> \*\*Details cut:\*\* [\d,]+ changed objects are not shown to keep this comment under 60,000 characters/);
    // Every <details> opened is closed: the cut never leaves a block half written.
    expect((md.match(/<details>/g) ?? []).length).toBe((md.match(/<\/details>/g) ?? []).length);

    const small = renderMarkdown(report, { maxChars: 20_000 });
    expect(small.length).toBeLessThanOrEqual(20_000);
    expect(small.split('\n')[3]).toBe(lines[3]);
  });
});
