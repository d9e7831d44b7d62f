/** Operational impact: which machines roll and why, control planes first; a scale-only change replaces none. */
import { operationalImpact } from '../../../constructs/internal';
import { clusterOf, edited, runningOf, set, setPoolVersions } from './helpers';

const base = runningOf(edited());

describe('operationalImpact', () => {
  test('a pool resized: no machine replaced', () => {
    const head = runningOf(edited((e) => {
      const pool = clusterOf(e, 'charging-sh1').nodePools[0] as unknown as { props: Record<string, unknown> };
      pool.props = { ...pool.props, replicasPerZone: 6 };
    }, base));
    const impact = operationalImpact(base, head);
    expect(impact.machineRollouts).toEqual([]);
    expect(impact.machinesReplaced).toBe(0);
  });

  test('a bigger instance model for the gateway pool rolls its machines in every zone, and names the models', () => {
    const head = runningOf(edited((e) => {
      const pool = clusterOf(e, 'charging-sh1').nodePools.find((p) => p.name === 'gateway')!;
      set(pool, { instance: { ...pool.instance, model: 'gw-xlarge', vcpu: pool.instance.vcpu * 2 } });
    }, base));
    const impact = operationalImpact(base, head);
    expect(impact.machineRollouts.map((r) => `${r.name}:${r.machines}`)).toEqual(['charging-sh1-gateway-sh1-a:4', 'charging-sh1-gateway-sh1-b:4', 'charging-sh1-gateway-sh1-c:4']);
    expect(impact.machineRollouts[0].reasons[0]).toMatch(/^instance model \S+ -> gw-xlarge$/);
    expect(impact.machineRollouts[0]).toMatchObject({ part: 'pool', maxSurge: '1', maxUnavailable: '0', order: 2 });
    expect(impact.machinesReplaced).toBe(12);
  });

  test('a Kubernetes upgrade: the control plane rolls first (order 1), then, in the next change, the pools', () => {
    const cpOnly = runningOf(edited((e) => {
      set(clusterOf(e, 'trade-hz1'), { kubernetesVersion: 'v1.32.1' });
      setPoolVersions(clusterOf(e, 'trade-hz1'), 'v1.31.4');
    }, base));
    const first = operationalImpact(base, cpOnly);
    expect(first.machineRollouts).toHaveLength(1);
    expect(first.machineRollouts[0]).toMatchObject({ cluster: 'trade-hz1', part: 'control-plane', order: 1, reasons: ['Kubernetes v1.31.4 -> v1.32.1'] });
    expect(first.versionUpgrades).toEqual([{ cluster: 'trade-hz1', wave: 0, part: 'control-plane', name: 'trade-hz1-control-plane', from: 'v1.31.4', to: 'v1.32.1' }]);
    const pools = runningOf(edited((e) => set(clusterOf(e, 'trade-hz1'), { kubernetesVersion: 'v1.32.1' }), cpOnly));
    const second = operationalImpact(cpOnly, pools);
    expect(second.machineRollouts.every((r) => r.part === 'pool' && r.reasons.includes('Kubernetes v1.31.4 -> v1.32.1'))).toBe(true);
    expect(second.machinesReplaced).toBe(second.machineRollouts.reduce((n, r) => n + r.machines, 0));
  });
});
