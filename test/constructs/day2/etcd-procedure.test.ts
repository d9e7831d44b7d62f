/** etcd membership procedures: one member per step, joiners rendered to join, running members untouched. */
import {
  EtcdStepAction, EtcdStepRunner, etcdConfigOfBootstrap, joinerInitialCluster, nextControllerStep, planEtcdProcedure,
  validateEstate,
} from '../../../constructs/internal';
import { referenceEstate } from '../../../stacks/estates';
import { clusterOf, edited, runningOf, set, setMemberZones } from './helpers';

const base = runningOf(edited());
const charging = (r = base) => r.clusters.find((c) => c.name === 'charging-sh1')!;

describe('planEtcdProcedure', () => {
  const grown = edited((e) => set(clusterOf(e, 'charging-sh1').etcd, { memberCount: 5 }), base);
  const head = runningOf(grown);
  const procedure = planEtcdProcedure('charging-sh1', 'reference/daily/charging-sh1', charging().etcd, charging(head).etcd.members);

  test('3 -> 5: each joiner is added as a learner, started, promoted, then given to the API servers', () => {
    expect(procedure.steps.map((s) => `${s.action} ${s.member}`)).toEqual([
      'add-learner charging-sh1-etcd-3', 'start-member charging-sh1-etcd-3', 'promote charging-sh1-etcd-3', 'add-endpoint charging-sh1-etcd-3',
      'add-learner charging-sh1-etcd-4', 'start-member charging-sh1-etcd-4', 'promote charging-sh1-etcd-4', 'add-endpoint charging-sh1-etcd-4',
    ]);
    expect(procedure.steps.map((s) => s.runner === EtcdStepRunner.OPERATOR)).toEqual([true, false, true, false, true, false, true, false]);
    // The API servers gain an endpoint only after the member serves, one at a time.
    expect(procedure.steps.map((s) => s.endpoints.length)).toEqual([3, 3, 3, 4, 4, 4, 4, 5]);
    expect(procedure.steps.map((s) => s.membership.length)).toEqual([4, 4, 4, 4, 5, 5, 5, 5]);
    expect(procedure.steps[7].endpoints).toEqual(charging(head).etcd.endpoints);
    const add = procedure.steps[0];
    expect(add.etcdctl).toMatchObject({ verb: 'member add', member: 'charging-sh1-etcd-3', peerUrl: 'https://10.250.4.13:2380', endpoints: charging().etcd.endpoints });
    expect(add.runbook).toContain('etcdctl member add charging-sh1-etcd-3 --learner --peer-urls=https://10.250.4.13:2380');
    expect(add.runbook).toContain(`ETCDCTL_ENDPOINTS=${charging().etcd.endpoints.join(',')}`);
    expect(procedure.steps[2].runbook).toContain('etcdctl member promote "$(etcdctl member list');
    expect(nextControllerStep(procedure)).toMatchObject({ before: [procedure.steps[0]], step: procedure.steps[1] });
  });

  test('synthesized against the base: running members keep their bootstrap, joiners start as "existing" with the membership they join', () => {
    for (const m of charging(head).etcd.members) {
      const running = charging().etcd.members.find((r) => r.name === m.name);
      const config = etcdConfigOfBootstrap(m.bootstrap)!;
      if (running) {
        expect(m.bootstrap).toBe(running.bootstrap);
        expect(config['initial-cluster-state']).toBe('new');
      } else {
        expect(config['initial-cluster-state']).toBe('existing');
        expect(config['initial-cluster']).toBe(joinerInitialCluster(procedure, m.name));
        expect(String(config['initial-cluster']).split(',')).toHaveLength(m.index + 1);
      }
    }
    // Without a base every member would start a new five-member cluster: what cannot join a running one.
    const naive = runningOf(edited((e) => set(clusterOf(e, 'charging-sh1').etcd, { memberCount: 5 })));
    for (const m of charging(naive).etcd.members) expect(etcdConfigOfBootstrap(m.bootstrap)!['initial-cluster-state']).toBe('new');
  });

  test('5 -> 3: the highest members leave first, each losing its endpoint before it is removed and its machine deleted', () => {
    const back = planEtcdProcedure('charging-sh1', 'p', charging(head).etcd, charging().etcd.members);
    expect(back.steps.map((s) => `${s.action} ${s.member}`)).toEqual([
      'remove-endpoint charging-sh1-etcd-4', 'remove-member charging-sh1-etcd-4', 'delete-machine charging-sh1-etcd-4',
      'remove-endpoint charging-sh1-etcd-3', 'remove-member charging-sh1-etcd-3', 'delete-machine charging-sh1-etcd-3',
    ]);
    expect(back.steps[5].endpoints).toEqual(charging().etcd.endpoints);
    expect(back.steps[1].etcdctl?.endpoints).not.toContain('https://10.250.4.14:2379');
  });

  test('a member moved to another zone, or named for replacement, leaves and joins again', () => {
    const moved = runningOf(edited((e) => setMemberZones(clusterOf(e, 'trade-hz1'), ['hz1-a', 'hz1-b', 'hz1-c', 'hz1-a', 'hz1-c']), base));
    const hz1 = (r: typeof base) => r.clusters.find((c) => c.name === 'trade-hz1')!;
    const p = planEtcdProcedure('trade-hz1', 'p', hz1(base).etcd, hz1(moved).etcd.members);
    expect(p.replaced).toEqual(['trade-hz1-etcd-4']);
    expect(p.steps.map((s) => s.action)).toEqual([
      EtcdStepAction.REMOVE_ENDPOINT, EtcdStepAction.REMOVE_MEMBER, EtcdStepAction.DELETE_MACHINE,
      EtcdStepAction.ADD_LEARNER, EtcdStepAction.START_MEMBER, EtcdStepAction.PROMOTE, EtcdStepAction.ADD_ENDPOINT,
    ]);
    // The moved member's new machine joins the running cluster; it does not keep the old bootstrap.
    const config = etcdConfigOfBootstrap(hz1(moved).etcd.members[4].bootstrap)!;
    expect(config['initial-cluster-state']).toBe('existing');
    const repaired = planEtcdProcedure('charging-sh1', 'p', charging().etcd, charging().etcd.members, { replace: ['charging-sh1-etcd-1'] });
    expect(repaired.steps.map((s) => s.member)).toEqual(Array(7).fill('charging-sh1-etcd-1'));
  });

  test('a member given a new address leaves at its old one and joins again at the new one', () => {
    const moved = runningOf(edited((e) => {
      const etcd = clusterOf(e, 'charging-sh1').etcd as unknown as { props: Record<string, unknown> };
      etcd.props = { ...etcd.props, memberAddresses: { 2: '10.251.4.12' } };
    }, base));
    const p = planEtcdProcedure('charging-sh1', 'p', charging().etcd, charging(moved).etcd.members);
    expect(p.replaced).toEqual(['charging-sh1-etcd-2']);
    expect(p.steps[0]).toMatchObject({ action: EtcdStepAction.REMOVE_ENDPOINT });
    expect(p.steps[0].endpoints).not.toContain('https://10.250.4.12:2379');
    const add = p.steps.find((s) => s.action === EtcdStepAction.ADD_LEARNER)!;
    expect(add.etcdctl?.peerUrl).toBe('https://10.251.4.12:2380');
    expect(p.steps[p.steps.length - 1].endpoints).toEqual(['https://10.250.4.10:2379', 'https://10.250.4.11:2379', 'https://10.251.4.12:2379']);
    const config = etcdConfigOfBootstrap(charging(moved).etcd.members[2].bootstrap)!;
    expect(config).toMatchObject({ 'initial-cluster-state': 'existing', 'initial-advertise-peer-urls': 'https://10.251.4.12:2380' });
  });

  test('a join stopped half way (machine runs, no endpoint yet) resumes at the promotion', () => {
    const half = { ...charging(head).etcd, endpoints: charging(head).etcd.endpoints.slice(0, 4) };
    const p = planEtcdProcedure('charging-sh1', 'p', half, charging(head).etcd.members);
    expect(p.steps.map((s) => `${s.action} ${s.member}`)).toEqual(['promote charging-sh1-etcd-4', 'add-endpoint charging-sh1-etcd-4']);
  });
});

describe('etcd.memberAddresses validation', () => {
  const problemsWith = (memberAddresses: Record<number, string>) => {
    const estate = referenceEstate();
    const etcd = clusterOf(estate, 'charging-sh1').etcd as unknown as { props: Record<string, unknown> };
    etcd.props = { ...etcd.props, memberAddresses };
    return validateEstate(estate).filter((p) => p.rule === 'etcd-member-address').map((p) => p.message);
  };
  test('an index out of range, a non-address, a shared address and an address inside the pod network are errors', () => {
    expect(problemsWith({ 0: '10.251.4.10' })).toEqual([]);
    expect(problemsWith({ 5: '10.251.4.10' })).toEqual(['etcd.memberAddresses names member 5, but the members are 0 to 2']);
    expect(problemsWith({ 0: '010.251.4.10' })).toEqual(['etcd.memberAddresses[0] is not an IP address']);
    expect(problemsWith({ 0: '10.251.4.10', 1: '10.251.4.10' })).toEqual(['members 0 and 1 would share the address 10.251.4.10']);
    expect(problemsWith({ 0: '10.250.4.11' })).toEqual(["memberAddresses[0] is member 1's planned address 10.250.4.11"]);
    expect(problemsWith({ 0: '10.32.0.5' })[0]).toMatch(/inside the cluster's podCidr/);
  });
});
