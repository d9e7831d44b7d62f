/**
 * The PR preview of day-2 changes: the reference estate's charging-sh1 etcd grown from 3 to 5 members (golden), a
 * refused transition listed first and counted in the verdict, and the same data under stable JSON keys.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Estate, ProblemSeverity, synthesisFiles, synthesize, validateTransition } from '../../../constructs/internal';
import { referenceEstate } from '../../../stacks/estates';
import { diffSnapshots, renderMarkdown, renderText, Snapshot, snapshotFromFiles } from '../../../stacks/diff';
import { runningOf } from '../../constructs/day2/helpers';
import { REFERENCE_TIMES } from '../../helpers/reference';

const GOLDEN = path.join(__dirname, 'golden', 'etcd-3-to-5.md');
const T = REFERENCE_TIMES.dormantBefore;

function sides(edit: (e: Estate) => void): { base: Snapshot; head: Snapshot } {
  const baseSynthesis = synthesize(referenceEstate(), { asOf: T });
  const estate = referenceEstate();
  edit(estate);
  const head = synthesize(estate, { asOf: T, base: runningOf(baseSynthesis) });
  return { base: snapshotFromFiles(synthesisFiles(baseSynthesis)), head: snapshotFromFiles(synthesisFiles(head)) };
}

const charging = (e: Estate) => e.clusters.find((c) => c.name === 'charging-sh1')!;

describe('estate diff of day-2 changes', () => {
  test('charging-sh1 3 -> 5 etcd members: the membership steps under Operational impact, nothing refused (golden)', () => {
    const { base, head } = sides((e) => Object.assign(charging(e).etcd, { memberCount: 5 }));
    const report = diffSnapshots(base, head, { baseLabel: 'main (1a2b3c4)', headLabel: 'working tree (HEAD 5d6e7f8)' });
    expect(report.transitions).toEqual({ refused: [], warnings: [] });
    const procedure = report.operationalImpact!.etcdProcedures[0];
    expect(procedure).toMatchObject({ cluster: 'charging-sh1', from: 3, to: 5 });
    expect(procedure.steps).toHaveLength(8);
    // The three running members' bootstrap Secrets are unchanged; only their placement annotation moves.
    const secrets = report.changes.filter((c) => c.ref.kind === 'Secret');
    expect(secrets.map((c) => `${c.action} ${c.ref.name}`)).toEqual(['create charging-sh1-etcd-3-bootstrap', 'create charging-sh1-etcd-4-bootstrap']);
    const md = renderMarkdown(report);
    expect(md).toContain('· 3 machines to roll · 8 etcd membership steps ·');
    expect(md.indexOf('### Operational impact')).toBeGreaterThan(md.indexOf('| stack |'));
    expect(md).toContain('1. add charging-sh1-etcd-3 (zone sh1-a) to the cluster as a learner — operator');
    expect(md).not.toContain('### Refused transitions');
    if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(GOLDEN, md);
    expect(md).toBe(fs.readFileSync(GOLDEN, 'utf8'));
  });

  test('a new etcd member subnet and pod CIDR on a live cluster: Refused transitions first, counted in the verdict', () => {
    const { base, head } = sides((e) => {
      Object.assign(charging(e).etcd, { memberSubnet: '10.250.99.0/27' });
      Object.assign(charging(e), { podCidr: '10.240.0.0/14' });
    });
    const report = diffSnapshots(base, head);
    expect(report.transitions!.refused.map((p) => p.rule).sort()).toEqual(['etcd-member-readdress', 'immutable-field']);
    const md = renderMarkdown(report);
    expect(md).toMatch(/\*\*2 refused transitions · 1 stack changes/);
    expect(md.indexOf('### Refused transitions (2)')).toBeLessThan(md.indexOf('| stack |'));
    expect(md).toContain('`etcd-member-readdress` at `reference/daily/charging-sh1/Etcd`');
    expect(renderText(report)).toContain('Refused transitions (2)');
    const json = JSON.parse(JSON.stringify(report));
    expect(Object.keys(json.operationalImpact).sort()).toEqual(['etcdProcedures', 'machineRollouts', 'machinesReplaced', 'versionUpgrades']);
    expect(json.transitions.refused[0]).toEqual(expect.objectContaining({ path: expect.any(String), rule: expect.any(String), fix: expect.any(String), severity: 'error' }));
  });

  test('a bigger instance model for the gateway pool: new content-named templates, MachineDeployments repointed, 12 machines to roll', () => {
    const { base, head } = sides((e) => {
      const pool = charging(e).nodePools.find((p) => p.name === 'gateway')!;
      Object.assign(pool, { instance: { ...pool.instance, model: 'gw-xlarge', vcpu: pool.instance.vcpu * 2 } });
    });
    const report = diffSnapshots(base, head);
    const by = (
      action: string,
      kind: RegExp,
    ) => report.changes.filter((c) => c.action === action && kind.test(c.ref.kind)).map((c) => c.ref.name).sort();
    expect(by('create', /Template$/)).toHaveLength(6);
    expect(by('delete', /Template$/)).toHaveLength(6);
    expect(by('update', /^MachineDeployment$/)).toEqual(['charging-sh1-gateway-sh1-a', 'charging-sh1-gateway-sh1-b', 'charging-sh1-gateway-sh1-c']);
    expect(report.changes.filter((c) => c.destructive || c.action === 'replace')).toEqual([]);
    // Each repointed MachineDeployment names a template that the head creates: nothing references a deleted one.
    const created = new Set(by('create', /Template$/));
    for (const c of report.changes.filter((x) => x.ref.kind === 'MachineDeployment')) {
      for (const f of c.fields) expect(created.has(String(f.after))).toBe(true);
    }
    const impact = report.operationalImpact!;
    expect(impact.machinesReplaced).toBe(12);
    expect(impact.machineRollouts.every((r) => r.part === 'pool' && r.pool === 'gateway' && /^instance model \S+ -> gw-xlarge$/.test(r.reasons[0]))).toBe(true);
    const md = renderMarkdown(report);
    expect(md).toContain('· 12 machines to roll ·');
    expect(md).toMatch(/\| charging-sh1 \| pool gateway · sh1-a \| 4 \| instance model \S+ -> gw-xlarge \| 1 \/ 0 \|/);
  });

  test('a Kubernetes upgrade of one wave: the control plane rolls, listed by wave', () => {
    const { base, head } = sides((e) => {
      const c = e.clusters.find((x) => x.name === 'trade-hz1')!;
      Object.assign(c, { kubernetesVersion: 'v1.32.1' });
      for (const pool of c.nodePools) {
        const p = pool as unknown as { props: Record<string, unknown> };
        p.props = { ...p.props, kubernetesVersion: 'v1.31.4' };
      }
    });
    const report = diffSnapshots(base, head);
    expect(report.transitions!.refused).toEqual([]);
    const md = renderMarkdown(report);
    const replicas = report.operationalImpact!.machineRollouts[0].machines;
    expect(replicas).toBeGreaterThanOrEqual(3);
    expect(md).toContain(`| trade-hz1 | control plane | ${replicas} | Kubernetes v1.31.4 -> v1.32.1 | 1 / 0 |`);
    expect(md).toContain(`· ${replicas} machines to roll ·`);
    expect(md).toContain('- wave 0: `trade-hz1` (control plane v1.31.4 → v1.32.1)');
  });

  test('a change that only scales a pool says "no machines replaced"', () => {
    const { base, head } = sides((e) => {
      const pool = charging(e).nodePools[0] as unknown as { props: Record<string, unknown> };
      pool.props = { ...pool.props, replicasPerZone: 6 };
    });
    const md = renderMarkdown(diffSnapshots(base, head));
    expect(md).toContain('no machines replaced');
    expect(md).toContain('No machines replaced.');
  });
  test('a head synthesized against what runs: etcd settings only its plan shows reach the preview through planTransitions, once', () => {
    const baseSynthesis = synthesize(referenceEstate(), { asOf: T });
    const estate = referenceEstate();
    Object.assign(Reflect.get(charging(estate).etcd, 'props'), { heartbeatIntervalMs: 150 });
    const headSynthesis = synthesize(estate, { asOf: T, base: runningOf(baseSynthesis) });
    const base = snapshotFromFiles(synthesisFiles(baseSynthesis));
    const head = snapshotFromFiles(synthesisFiles(headSynthesis));
    // The running members keep their bootstraps: the manifests alone show no settings change.
    expect(diffSnapshots(base, head).transitions).toEqual({ refused: [], warnings: [] });
    const problems = validateTransition(runningOf(baseSynthesis), runningOf(headSynthesis), { plan: headSynthesis.plan });
    const planTransitions = {
      refused: problems.filter((p) => p.severity === ProblemSeverity.ERROR),
      warnings: problems.filter((p) => p.severity === ProblemSeverity.WARNING),
    };
    const report = diffSnapshots(base, head, { planTransitions });
    expect(report.transitions!.refused).toEqual([]);
    expect(report.transitions!.warnings.map((p) => [p.rule, p.path])).toEqual([['etcd-settings-not-applied', 'reference/daily/charging-sh1/Etcd']]);
    expect(renderMarkdown(report)).toContain('etcd-settings-not-applied');
    // A problem the manifests show too is listed once.
    const fresh = synthesize(estate, { asOf: T });
    const both = diffSnapshots(base, snapshotFromFiles(synthesisFiles(fresh)), { planTransitions });
    expect(both.transitions!.warnings.map((p) => p.rule)).toEqual(['etcd-settings-not-applied']);
  });
});
