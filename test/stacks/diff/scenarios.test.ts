/**
 * The diff on revisions of the reference estate: each revision makes one change, and the diff must report exactly
 * that change, with the right kind (update, replace, destructive delete) and the capacity delta.
 */
import * as fs from 'fs';
import * as path from 'path';
import { referenceEstate } from '../../../stacks/estates';
import { ChangeAction, DiffReport, diffSnapshots, ObjectChange, PolicyFinding, PolicyFindings, renderJson, renderMarkdown, renderText, reportCounts, Snapshot } from '../../../stacks/diff';
import { REFERENCE_TIMES } from '../../helpers/reference';
import { INSTANCE_TYPES } from '../../../stacks/estates/instance-types';
import { withPoolInstance } from '../../helpers/revisions';
import { appTarget, goldenEstate, side, withEtcdMembers, withNodePool, withoutCluster } from './fixtures';

const T = REFERENCE_TIMES.dormantBefore;
const GOLDEN = path.join(__dirname, 'golden', 'estate-diff.md');

const sideCache = new Map<string, Snapshot>();
function referenceSide(asOf: Date): Snapshot {
  const key = String(asOf.getTime());
  if (!sideCache.has(key)) sideCache.set(key, side(referenceEstate(), asOf));
  return sideCache.get(key)!;
}

const summarizeChanges = (changes: readonly ObjectChange[]) => changes.map((c) => `${c.action} ${c.ref.kind} ${c.ref.name}${c.destructive ? ' !' : ''}`);
/** Template names end in a hash of their content (`<owner>-<10 hex digits>`): shown here as `<owner>-<hash>`. */
const withoutHash = (summary: string) => summary.replace(/-[0-9a-f]{10}$/, '-<hash>');
const management = (report: DiffReport) => report.changes.filter((c) => c.target === 'management');
const stack = (report: DiffReport, target: string) => report.stacks.find((s) => s.target === target)!;

function expectNoSecretsIn(report: DiffReport): void {
  for (const text of [renderMarkdown(report), renderText(report), renderJson(report)]) {
    expect(text).not.toMatch(/#cloud-config|initial-cluster|BEGIN [A-Z ]*PRIVATE KEY|write_files/);
    // No ANSI escape codes, ever.
    expect(text).not.toMatch(/\u001b\[/);
  }
}

describe('estate diff on revisions of the reference estate', () => {
  test('adding a node pool creates its MachineDeployments, templates and health check, and adds its capacity', () => {
    const report = diffSnapshots(referenceSide(T), side(withNodePool(), T));
    expect(summarizeChanges(report.changes).map(withoutHash).sort()).toEqual([
      ...['a', 'b', 'c'].flatMap((z) => [`create KubeadmConfigTemplate trade-hz1-batch-hz1-${z}-<hash>`, `create MachineDeployment trade-hz1-batch-hz1-${z}`, `create Metal3MachineTemplate trade-hz1-batch-hz1-${z}-<hash>`]),
      'create MachineHealthCheck trade-hz1-batch',
    ].sort());
    expect(reportCounts(report)).toMatchObject({ stacksChanged: 1, create: 10, update: 0, replace: 0, delete: 0, destructive: 0 });
    expect(stack(report, 'management').create).toBe(10);
    const daily = report.capacity!.byGroup.find((r) => r.name === 'daily')!;
    expect(daily.delta).toEqual({ machines: 6, maxMachines: 6, vcpu: 192, maxVcpu: 192, memoryGiB: 384, maxMemoryGiB: 384 });
    expect(report.capacity!.byRegion.find((r) => r.name === 'cn-east')!.delta.machines).toBe(6);
    expect(report.topology).toEqual([
      expect.objectContaining({ name: 'cn-east', children: [expect.objectContaining({ name: 'hz1', children: [expect.objectContaining({ name: 'trade-hz1', status: 'changed', children: [expect.objectContaining({ kind: 'pool', name: 'batch', status: 'created' })] })] })] }),
    ]);
    expect(renderMarkdown(report)).toMatch(/^<!-- cluster-estate:estate-diff estate=reference -->\n## Estate diff · `reference`\n\n\*\*1 stack changes · 0 destructive · no machines replaced · capacity \+6 nodes \/ \+192 vCPU · policies: not checked\*\*/);
  });

  test('growing an etcd from 3 to 5 members creates two members and updates the control plane, without destroying anything', () => {
    const report = diffSnapshots(referenceSide(T), side(withEtcdMembers('charging-sh1', 5), T));
    expect(summarizeChanges(report.changes).sort()).toEqual([
      'create Machine charging-sh1-etcd-3', 'create Machine charging-sh1-etcd-4',
      'create Metal3Machine charging-sh1-etcd-3', 'create Metal3Machine charging-sh1-etcd-4',
      'create Secret charging-sh1-etcd-3-bootstrap', 'create Secret charging-sh1-etcd-4-bootstrap',
      'update KubeadmControlPlane charging-sh1-control-plane',
      'update Machine charging-sh1-etcd-0', 'update Machine charging-sh1-etcd-1', 'update Machine charging-sh1-etcd-2',
      'update Secret charging-sh1-etcd-0-bootstrap', 'update Secret charging-sh1-etcd-1-bootstrap', 'update Secret charging-sh1-etcd-2-bootstrap',
    ].sort());
    const kcp = report.changes.find((c) => c.ref.kind === 'KubeadmControlPlane')!;
    expect(kcp.fields.map((f) => f.path)).toEqual(['spec.kubeadmConfigSpec.clusterConfiguration.etcd.external.endpoints']);
    expect(kcp.fields[0].after).toEqual(['https://10.250.4.10:2379', 'https://10.250.4.11:2379', 'https://10.250.4.12:2379', 'https://10.250.4.13:2379', 'https://10.250.4.14:2379']);
    // The members' bootstrap data (cloud-init with the etcd configuration) changes, and is never shown.
    const secret = report.changes.find((c) => c.ref.name === 'charging-sh1-etcd-0-bootstrap')!;
    expect(secret.fields).toEqual([{ path: 'stringData.value', op: 'change', sensitive: true }]);
    expect(reportCounts(report).destructive).toBe(0);
    expect(report.capacity!.total.delta.machines).toBe(2);
    expect(report.topology[0].children[0].children[0].children.map((n) => [n.name, n.status])).toEqual([['etcd', 'changed'], ['control plane', 'changed']]);
    expectNoSecretsIn(report);
  });

  test('a new instance model for a pool: new content-named templates, the MachineDeployments repointed, the old templates deleted', () => {
    // What the change is made of, object by object. (How the comment presents it, as machines that roll rather than
    // templates created and deleted, is the report's business; these are the objects Pulumi applies.)
    const report = diffSnapshots(referenceSide(T), side(withPoolInstance('trade-hz1', 'ingress', { ...INSTANCE_TYPES.ingress, model: 'c7.8xlarge', vcpu: 32, memoryGiB: 64 }), T));
    const zones = ['hz1-a', 'hz1-b', 'hz1-c'];
    expect(summarizeChanges(report.changes).map(withoutHash).sort()).toEqual([
      ...zones.flatMap((z) => ['create', 'delete'].flatMap((action) => [`${action} KubeadmConfigTemplate trade-hz1-ingress-${z}-<hash>`, `${action} Metal3MachineTemplate trade-hz1-ingress-${z}-<hash>`])),
      ...zones.map((z) => `update MachineDeployment trade-hz1-ingress-${z}`),
    ].sort());
    // Each MachineDeployment changes only where it points, which is what makes Cluster API roll its machines.
    for (const md of report.changes.filter((c) => c.ref.kind === 'MachineDeployment')) {
      expect(md.fields.map((f) => f.path)).toEqual(['spec.template.spec.bootstrap.configRef.name', 'spec.template.spec.infrastructureRef.name']);
      const created = report.changes.filter((c) => c.action === ChangeAction.CREATE && c.ref.name.startsWith(`${md.ref.name}-`)).map((c) => c.ref.name).sort();
      expect(md.fields.map((f) => f.after).sort()).toEqual(created);
    }
    // Nothing is replaced under the same name, nothing destroyed: old templates go once nothing references them.
    expect(reportCounts(report)).toMatchObject({ create: 6, update: 3, replace: 0, delete: 6, destructive: 0 });
    expect(report.capacity!.total.delta).toMatchObject({ machines: 0, vcpu: 6 * 16 });
  });

  test('removing a daily cluster deletes its objects and calls out the cluster, control plane, etcd members and namespace as destructive', () => {
    const report = diffSnapshots(referenceSide(T), side(withoutCluster('trade-sz1'), T));
    const capi = management(report);
    expect(capi.every((c) => c.action === ChangeAction.DELETE && c.cluster === 'trade-sz1')).toBe(true);
    expect(capi).toHaveLength(51);
    expect(summarizeChanges(capi.filter((c) => c.destructive)).sort()).toEqual([
      'delete Cluster trade-sz1 !', 'delete KubeadmControlPlane trade-sz1-control-plane !',
      ...[0, 1, 2, 3, 4].flatMap((i) => [`delete Machine trade-sz1-etcd-${i} !`, `delete Metal3Machine trade-sz1-etcd-${i} !`]),
      'delete Namespace trade-sz1 !',
    ].sort());
    expect(capi.find((c) => c.ref.kind === 'Cluster')!.destructive).toMatch(/daily cluster trade-sz1/);
    // The cluster's own stack (its applications) goes too: every object deleted, its namespaces destructive.
    const own = report.changes.filter((c) => c.target === 'trade-sz1');
    expect(own.every((c) => c.action === ChangeAction.DELETE)).toBe(true);
    expect(own.filter((c) => c.ref.kind === 'Namespace').every((c) => c.destructive)).toBe(true);
    // Elsewhere only updates (applications spread over the remaining clusters), nothing destroyed.
    expect(report.changes.filter((c) => c.target !== 'management' && c.target !== 'trade-sz1').every((c) => c.action === ChangeAction.UPDATE && !c.destructive)).toBe(true);
    expect(report.capacity!.clustersRemoved).toEqual(['trade-sz1']);
    expect(report.capacity!.byRegion.find((r) => r.name === 'cn-south')!.after.machines).toBe(0);
    const md = renderMarkdown(report);
    const destructive = reportCounts(report).destructive;
    expect(md).toContain(` change · ${destructive} destructive · no machines replaced · capacity −34 nodes / −792 vCPU`);
    expect(md.indexOf(`### Destructive changes (${destructive})`)).toBeLessThan(md.indexOf('### Capacity and promotion'));
  });

  test("changing an app's image updates the Deployment at a readable path; changing its selector replaces it", () => {
    const base = side(referenceEstate(), T, { 'trade-hz1': appTarget() });
    const image = diffSnapshots(base, side(referenceEstate(), T, { 'trade-hz1': appTarget({ image: 'registry.estate.internal/checkout:1.5.0' }) }));
    expect(image.changes).toEqual([
      expect.objectContaining({
        target: 'trade-hz1', action: ChangeAction.UPDATE, ref: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'checkout', name: 'checkout' },
        fields: [{ path: 'spec.template.spec.containers[name=main].image', op: 'change', before: 'registry.estate.internal/checkout:1.4.2', after: 'registry.estate.internal/checkout:1.5.0' }],
      }),
    ]);
    expect(reportCounts(image)).toMatchObject({ stacksChanged: 1, update: 1 });
    expect(stack(image, 'trade-hz1').update).toBe(1);
    expect(image.topology).toEqual([]);

    const selector = diffSnapshots(base, side(referenceEstate(), T, { 'trade-hz1': appTarget({ selector: { track: 'blue' } }) }));
    const byKind = Object.fromEntries(selector.changes.map((c) => [c.ref.kind, c]));
    expect(byKind.Deployment.action).toBe(ChangeAction.REPLACE);
    expect(byKind.Deployment.replaceReasons).toEqual(['spec.selector: spec.selector is immutable (apps/v1)']);
    expect(byKind.Deployment.fields.find((f) => f.path === 'spec.selector.matchLabels.track')).toMatchObject({ op: 'add', after: 'blue', immutable: 'spec.selector is immutable (apps/v1)' });
    // A Service's and a PDB's selectors may change in place.
    expect(byKind.Service.action).toBe(ChangeAction.UPDATE);
    expect(byKind.PodDisruptionBudget.action).toBe(ChangeAction.UPDATE);
    expect(byKind.Deployment.destructive).toBeUndefined();
    expect(renderMarkdown(selector)).toContain('### Replacements (1)');
  });

  test('moving as-of into the promotion: the peak group is created (not destructive) and its capacity added, verdict first', () => {
    const report = diffSnapshots(referenceSide(REFERENCE_TIMES.dormantBefore), referenceSide(REFERENCE_TIMES.peak), { baseLabel: 'before', headLabel: 'during' });
    const capi = management(report);
    expect(capi.every((c) => c.action === ChangeAction.CREATE)).toBe(true);
    expect([...new Set(capi.map((c) => c.cluster))].sort()).toEqual(['peak-bj1', 'peak-nx1']);
    // The peak clusters' own stacks (their applications) are created whole; nothing anywhere is destroyed.
    for (const peakCluster of ['peak-bj1', 'peak-nx1']) {
      const own = report.changes.filter((c) => c.target === peakCluster);
      expect(own.length).toBeGreaterThan(0);
      expect(own.every((c) => c.action === ChangeAction.CREATE)).toBe(true);
    }
    expect(reportCounts(report).destructive).toBe(0);
    expect(report.promotions).toEqual([expect.objectContaining({ name: 'double-11', before: { phase: 'dormant', batch: 0, scale: 0 }, after: { phase: 'peak', batch: 0, scale: 1 } })]);
    expect(report.capacity!.clustersAdded).toEqual(['peak-bj1', 'peak-nx1']);
    const peak = report.capacity!.byGroup.find((r) => r.name === 'double-11-peak')!;
    expect(peak.before.machines).toBe(0);
    expect(peak.delta.machines).toBe(110);
    expect(report.capacity!.byGroup.find((r) => r.name === 'daily')!.delta.machines).toBe(0);
    const md = renderMarkdown(report);
    expect(md.length).toBeLessThanOrEqual(60_000);
    // The peak clusters' stacks bind the trade team's groups in the promotion namespace: new access, for review.
    expect(report.access!.changes.filter((c) => c.widening).every((c) => c.kind === 'rbac' && c.text.includes(' in promotion') && c.targets.join() === 'peak-bj1,peak-nx1')).toBe(true);
    expect(md.split('\n')[3]).toMatch(/^\*\*\d+ stacks change · 0 destructive · no machines replaced · 7 access widenings to review · capacity \+110 nodes \/ \+2,832 vCPU \(autoscaler max \+230 nodes \/ \+6,672 vCPU\) · policies: not checked\*\*$/);
    expect(md).toContain('promotion double-11 (Double 11 shopping festival 2026): dormant → peak');
    expect(md).toContain('```mermaid');
  });

  test('moving as-of within the promotion scales the peak pools in place', () => {
    const report = diffSnapshots(referenceSide(REFERENCE_TIMES.preparingFirstBatch), referenceSide(REFERENCE_TIMES.peak));
    expect(management(report).every((c) => c.action === ChangeAction.UPDATE)).toBe(true);
    expect(management(report).filter((c) => c.ref.kind === 'MachineDeployment')).toHaveLength(18);
    expect(reportCounts(report).destructive).toBe(0);
    expect(report.capacity!.total.delta.machines).toBe(60);
  });

  test('after the promotion the peak group is removed as planned: deletions, none destructive', () => {
    const report = diffSnapshots(referenceSide(REFERENCE_TIMES.peak), referenceSide(REFERENCE_TIMES.dormantAfter));
    expect(management(report)).toHaveLength(102);
    expect(management(report).every((c) => c.action === ChangeAction.DELETE)).toBe(true);
    expect(report.changes.filter((c) => c.target.startsWith('peak-')).every((c) => c.action === ChangeAction.DELETE)).toBe(true);
    expect(reportCounts(report).destructive).toBe(0);
  });

  test('no change: the verdict says so and the comment has no details section', () => {
    const report = diffSnapshots(referenceSide(T), referenceSide(T));
    expect(report.changes).toEqual([]);
    expect(report.stacks[0]).toEqual({ target: 'management', create: 0, update: 0, replace: 0, delete: 0, unchanged: 274 });
    expect(report.stacks.every((s) => s.create + s.update + s.replace + s.delete === 0)).toBe(true);
    const md = renderMarkdown(report);
    expect(md).toContain('**no changes · 0 destructive · no machines replaced · capacity unchanged · policies: not checked**');
    expect(md).not.toContain('### Changes');
  });

  /** A finding on Deployment trade/<name> in trade-hz1; suppressed when a reason is given. */
  const finding = (policy: string, name: string, enforcement = 'mandatory', reason?: string): PolicyFinding => ({
    policy, enforcement, severity: 'high', target: 'trade-hz1', object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'trade', name },
    message: `${policy} on ${name}`, ...(reason ? { suppressed: { reason } } : {}),
  });

  test('policy findings introduced and resolved, by policy and object', () => {
    const base: PolicyFindings = { findings: [finding('require-pod-disruption-budget', 'checkout'), finding('require-probes', 'cart', 'advisory')] };
    const head: PolicyFindings = { findings: [{ ...finding('require-probes', 'cart', 'advisory'), message: 'reworded' }, finding('restrict-image-registry', 'checkout')] };
    const report = diffSnapshots(referenceSide(T), referenceSide(T), { baseFindings: base, headFindings: head });
    expect(report.policies).toEqual({
      introduced: [head.findings[1]],
      resolved: [base.findings[0]],
      newlySuppressed: [],
      mandatoryAfter: 1,
      advisoryAfter: 1,
      suppressedAfter: 0,
    });
    const md = renderMarkdown(report);
    expect(md).toContain('policies: 1 mandatory (+1 new, −1 resolved)');
    expect(md).toContain('**Introduced (1)**');
    expect(md).toContain('`restrict-image-registry` (mandatory, high)');
    // A base without `estate check`: the head's findings all count as introduced, and the verdict says so.
    const unchecked = renderMarkdown(diffSnapshots(
      referenceSide(T),
      referenceSide(T),
      { baseFindings: { findings: [] }, headFindings: head, baseUnchecked: true },
    ));
    expect(unchecked).toContain('policies: 1 mandatory (base not checked)');
    expect(unchecked).toContain('every finding is listed as introduced');
  });

  test('suppressed findings are reported, never counted: a new suppression is listed with its reason, not as resolved', () => {
    // The gateway's placeholder image was suppressed before and still is; checkout's unpinned image becomes suppressed;
    // cart loses its suppression and breaks the rule again.
    const base: PolicyFindings = { findings: [
      finding('require-pinned-image-tags', 'gateway', 'mandatory', 'image "auto" is replaced at admission'),
      finding('require-pinned-image-tags', 'checkout'),
      finding('require-probes', 'cart', 'mandatory', 'a batch worker without a port'),
    ] };
    const head: PolicyFindings = { findings: [
      finding('require-pinned-image-tags', 'gateway', 'mandatory', 'image "auto" is replaced at admission'),
      finding('require-pinned-image-tags', 'checkout', 'mandatory', 'pinned by digest at deploy time'),
      finding('require-probes', 'cart'),
    ] };
    const report = diffSnapshots(referenceSide(T), referenceSide(T), { baseFindings: base, headFindings: head });
    expect(report.policies).toEqual({
      introduced: [head.findings[2]],
      resolved: [],
      newlySuppressed: [head.findings[1]],
      mandatoryAfter: 1,
      advisoryAfter: 0,
      suppressedAfter: 2,
    });
    const md = renderMarkdown(report);
    expect(md).toContain('policies: 1 mandatory (+1 new, 1 newly suppressed)');
    expect(md).toContain('After the change: 1 mandatory finding, 0 advisory findings (2 suppressed, each with its reason, not counted).');
    expect(md).toContain('**Newly suppressed (1)**');
    expect(md).toContain('`Deployment trade/checkout` in `trade-hz1`: require-pinned-image-tags on checkout — suppressed: pinned by digest at deploy time');
    expect(renderText(report)).toContain('newly suppressed: require-pinned-image-tags (mandatory) Deployment trade/checkout in trade-hz1: '
      + 'require-pinned-image-tags on checkout (suppressed: pinned by digest at deploy time)');
    // Only suppressions on both sides: nothing is counted and nothing moves.
    const quiet = diffSnapshots(referenceSide(T), referenceSide(T), {
      baseFindings: { findings: [base.findings[0]] },
      headFindings: { findings: [head.findings[0]] },
    });
    expect(renderMarkdown(quiet)).toContain('policies: 0 mandatory**');
    expect(renderMarkdown(quiet)).toContain('No finding introduced, resolved or suppressed.');
    // A suppression whose reason the change rewords is for the reviewer to accept again.
    const reworded = finding('require-pinned-image-tags', 'gateway', 'mandatory', 'the admission webhook pins it');
    const again = diffSnapshots(referenceSide(T), referenceSide(T), {
      baseFindings: { findings: [base.findings[0]] },
      headFindings: { findings: [reworded] },
    });
    expect(again.policies).toMatchObject({ introduced: [], resolved: [], newlySuppressed: [reworded], mandatoryAfter: 0, suppressedAfter: 1 });
  });

  test('the golden comment: a pool added, an etcd grown, a daily cluster removed, an app changed, as-of moved into the peak', () => {
    const base = side(goldenEstate(), REFERENCE_TIMES.preparingLastBatch, { 'shop-hz1': appTarget() });
    const estate = withNodePool(withEtcdMembers('shop-hz1', 5, withoutCluster('shop-hz2', goldenEstate())), 'shop-bj1');
    const head = side(estate, REFERENCE_TIMES.peak, { 'shop-hz1': appTarget({ image: 'registry.estate.internal/checkout:1.5.0', selector: { track: 'blue' } }) });
    const report = diffSnapshots(base, head, { baseLabel: 'main (1a2b3c4)', headLabel: 'working tree (HEAD 5d6e7f8)' });
    const md = renderMarkdown(report);
    if (process.env.UPDATE_GOLDEN === '1') {
      fs.mkdirSync(path.dirname(GOLDEN), { recursive: true });
      fs.writeFileSync(GOLDEN, md);
    }
    expect(md).toBe(fs.readFileSync(GOLDEN, 'utf8'));
    expect(md.length).toBeLessThanOrEqual(60_000);
    expectNoSecretsIn(report);
  });
});
