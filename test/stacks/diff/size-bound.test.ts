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
    const bareMetal = spec.clusters.filter((c) => c.idc.provider === 'metal3');
    const zones = (c: (typeof spec.clusters)[number]) => c.idc.zones.length;
    const bareMetalDeployments = bareMetal.reduce((n, c) => n + c.pools.length * zones(c), 0);
    const ingressDeployments = spec.clusters.reduce((n, c) => n + zones(c), 0);
    // The new image gives every bare-metal machine template (pools and control planes) a new content name: the new
    // templates are created, the old ones deleted, and every bare-metal MachineDeployment and control plane repointed.
    expect(counts.create).toBe(bareMetalDeployments + bareMetal.length);
    expect(counts.delete).toBe(bareMetalDeployments + bareMetal.length);
    // Updated: every bare-metal MachineDeployment (repointed; its ingress ones scaled too), the other clusters' ingress
    // MachineDeployments (one more machine per zone), every bare-metal control plane (repointed).
    const otherIngress = ingressDeployments - bareMetal.reduce((n, c) => n + zones(c), 0);
    expect(counts.update).toBe(bareMetalDeployments + otherIngress + bareMetal.length);
    // The etcd members' provider machines are not templates: a new image replaces them, which is destructive.
    expect(counts.replace).toBe(bareMetal.reduce((n, c) => n + c.etcdMembers, 0));
    expect(counts.replace).toBeGreaterThan(100);
    expect(counts.destructive).toBeGreaterThan(0);

    const md = renderMarkdown(report);
    expect(md.length).toBeLessThanOrEqual(60_000);
    const lines = md.split('\n');
    expect(lines[0]).toBe('<!-- cluster-estate:estate-diff estate=bench -->');
    expect(lines[3]).toMatch(/^\*\*1 stack changes · [\d,]+ destructive · [\d,]+ replaced · [\d,]+ machines to roll · capacity \+[\d,]+ nodes/);
    const n = (x: number) => x.toLocaleString('en-US');
    expect(md).toContain(`| management | ${n(counts.create)} | ${n(counts.update)} | **${n(counts.replace)}** | **${n(counts.delete)}** |`);
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
