/** Transition rules, one test each, on the reference estate as it runs; and the table of immutable fields. */
import {
  Estate, IMMUTABLE_CLUSTER_FIELDS, ImmutableFieldHandling, Problem, ProblemSeverity, TRANSITION_RULES, validateTransition,
} from '../../../constructs/internal';
import { referenceEstate as referenceEstateForZones } from '../../../stacks/estates';
import { diffSnapshots } from '../../../stacks/diff';
import { side, withoutCluster } from '../../stacks/diff/fixtures';
import { clusterOf, DAY2_AS_OF, edited, runningOf, set, setMemberZones, setPoolVersions } from './helpers';

const base = runningOf(edited());

function refused(problems: Problem[]): Problem[] {
  return problems.filter((p) => p.severity === ProblemSeverity.ERROR);
}

function judge(edit: Parameters<typeof edited>[0]): Problem[] {
  return validateTransition(base, runningOf(edited(edit, base)));
}

describe('validateTransition', () => {
  test('the base against itself, and a change that only adds a node pool, are accepted', () => {
    expect(validateTransition(base, base)).toEqual([]);
    expect(judge((e) => clusterOf(e, 'trade-hz1').addNodePool('batch', { role: 'batch', instance: { model: 'c7.8xlarge', vcpu: 32, memoryGiB: 64 }, replicasPerZone: 2 }))).toEqual([]);
  });

  test('scaling an etcd out (3 -> 5) is a staged procedure, not a refused transition', () => {
    expect(judge((e) => set(clusterOf(e, 'charging-sh1').etcd, { memberCount: 5 }))).toEqual([]);
  });

  test('immutable-field: a live cluster\'s pod CIDR, service CIDR and provider cannot change, with path, value and fix', () => {
    const problems = refused(judge((e) => set(clusterOf(e, 'trade-hz1'), { podCidr: '10.240.0.0/14', serviceCidr: '10.201.0.0/20' })));
    expect(problems.map((p) => p.rule)).toEqual([TRANSITION_RULES.immutableField, TRANSITION_RULES.immutableField]);
    const pod = problems.find((p) => p.message.startsWith('Cluster.podCidr'))!;
    expect(pod.path).toBe('reference/daily/trade-hz1');
    expect(JSON.parse(pod.value!)).toEqual({ before: ['10.16.0.0/14'], after: ['10.240.0.0/14'] });
    expect(pod.fix).toMatch(/revert podCidr.*releaseProtection/);
  });

  test('immutable-field: moving a running cluster to another IDC is refused', () => {
    const problems = refused(judge((e) => {
      const sh1 = e.clusters.find((c) => c.name === 'charging-sh1')!.idc;
      set(clusterOf(e, 'trade-hz1'), { idc: sh1 });
    }));
    expect(problems.some((p) => p.rule === TRANSITION_RULES.immutableField && p.message.startsWith('Cluster.idc'))).toBe(true);
  });

  test('etcd-member-readdress: a new member subnet re-addresses every running member and is refused', () => {
    const problems = refused(judge((e) => set(clusterOf(e, 'charging-sh1').etcd, { memberSubnet: '10.250.99.0/27' })));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ rule: TRANSITION_RULES.etcdReaddress, path: 'reference/daily/charging-sh1/Etcd' });
    expect(problems[0].message).toContain('3 running etcd members would change address at once');
    expect(problems[0].fix).toMatch(/member by member: give one member its new address with etcd.memberAddresses/);
  });

  test('etcd-member-readdress: one member per change may move to a new address (etcd.memberAddresses), with the 3-member warning', () => {
    const problems = judge((e) => set(clusterOf(e, 'charging-sh1').etcd, { props: { ...(clusterOf(e, 'charging-sh1').etcd as unknown as { props: object }).props, memberAddresses: { 0: '10.251.4.10' } } } as never));
    expect(refused(problems)).toEqual([]);
    expect(problems.map((p) => p.rule)).toEqual([TRANSITION_RULES.etcdReplaceWithoutFaultTolerance]);
    expect(problems[0].value).toContain('charging-sh1-etcd-0: https://10.250.4.10:2380 -> https://10.251.4.10:2380');
    const two = refused(judge((e) => set(clusterOf(e, 'charging-sh1').etcd, { props: { ...(clusterOf(e, 'charging-sh1').etcd as unknown as { props: object }).props, memberAddresses: { 0: '10.251.4.10', 1: '10.251.4.11' } } } as never)));
    expect(two.map((p) => p.rule)).toEqual([TRANSITION_RULES.etcdReaddress]);
  });

  test('etcd-replace-without-fault-tolerance: moving a member of a 3-member etcd is allowed, with a warning; of a 5-member one, silently', () => {
    // Three members over three zones cannot move within the estate's own survivability rule; a 2-zone IDC can.
    // The rule reads only what runs, so the head is the base with one member's zone changed.
    const head = { ...base, clusters: base.clusters.map((c) => (c.name !== 'charging-sh1' ? c : {
      ...c, etcd: { ...c.etcd, members: c.etcd.members.map((m) => (m.index === 2 ? { ...m, zone: 'sh1-b' } : m)) },
    })) };
    const problems = validateTransition(base, head);
    expect(refused(problems)).toEqual([]);
    expect(problems.map((p) => p.rule)).toEqual([TRANSITION_RULES.etcdReplaceWithoutFaultTolerance]);
    expect(problems[0].value).toContain('charging-sh1-etcd-2: sh1-c -> sh1-b');
    const five = clusterOf(referenceEstateForZones(), 'trade-hz1');
    expect(five.etcd.memberCount).toBe(5);
    expect(judge((e) => setMemberZones(clusterOf(e, 'trade-hz1'), ['hz1-a', 'hz1-b', 'hz1-c', 'hz1-a', 'hz1-c']))).toEqual([]);
  });

  test('etcd-settings-not-applied: a new heartbeat or quota does not reach running members; warned at the etcd, with the replacement that applies it', () => {
    const edit = (e: Estate) => set(clusterOf(e, 'charging-sh1').etcd, { quotaBackendBytes: 4 * 1024 ** 3, snapshotCount: 20000 });
    // Synthesized against what runs, the members keep their bootstraps: only the plan shows the change.
    const withBase = edited(edit, base);
    const head = runningOf(withBase);
    expect(head.clusters.find((c) => c.name === 'charging-sh1')!.etcd.members.map((m) => m.bootstrap))
      .toEqual(base.clusters.find((c) => c.name === 'charging-sh1')!.etcd.members.map((m) => m.bootstrap));
    expect(validateTransition(base, head)).toEqual([]);
    const problems = validateTransition(base, head, { plan: withBase.plan });
    expect(refused(problems)).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ rule: TRANSITION_RULES.etcdSettingsNotApplied, path: 'reference/daily/charging-sh1/Etcd', severity: ProblemSeverity.WARNING });
    expect(problems[0].message).toContain('quota-backend-bytes, snapshot-count change');
    expect(problems[0].message).toContain('charging-sh1-etcd-0, charging-sh1-etcd-1, charging-sh1-etcd-2 keep the old values');
    expect(problems[0].value).toContain('quota-backend-bytes: 8589934592 -> 4294967296');
    expect(problems[0].value).toContain('snapshot-count: 10000 -> 20000');
    expect(problems[0].fix).toContain('estate synth --base-dir <what runs> --replace-etcd-member charging-sh1-etcd-0');
    // Synthesized on its own (as each side of `estate diff` is), the head's bootstraps carry the new settings.
    const fresh = validateTransition(base, runningOf(edited(edit)));
    expect(fresh.map((p) => [p.rule, p.path])).toEqual([[TRANSITION_RULES.etcdSettingsNotApplied, 'reference/daily/charging-sh1/Etcd']]);
    // The same plan with nothing changed, and a scale-out's joiners (rendered anew), warn nothing.
    expect(validateTransition(base, base, { plan: edited().plan })).toEqual([]);
    const scaled = edited((e) => set(clusterOf(e, 'charging-sh1').etcd, { memberCount: 5 }), base);
    expect(validateTransition(base, runningOf(scaled), { plan: scaled.plan })).toEqual([]);
  });

  test('kubernetes-minor-skip: v1.31 -> v1.33 is refused, naming the minor to go through', () => {
    const problems = refused(judge((e) => set(clusterOf(e, 'trade-hz1'), { kubernetesVersion: 'v1.33.1' })));
    const skip = problems.find((p) => p.rule === TRANSITION_RULES.minorSkip)!;
    expect(skip.path).toBe('reference/daily/trade-hz1/ControlPlane');
    expect(skip.fix).toContain('upgrade to v1.32 first');
  });

  test('kubernetes-downgrade: going back a minor is refused', () => {
    const problems = refused(judge((e) => {
      set(clusterOf(e, 'trade-hz1'), { kubernetesVersion: 'v1.30.9' });
      setPoolVersions(clusterOf(e, 'trade-hz1'), 'v1.30.9');
    }));
    expect(problems.map((p) => p.rule)).toContain(TRANSITION_RULES.downgrade);
  });

  test('kubernetes-nodes-before-control-plane: pools upgraded in the same change as the control plane are refused; control plane alone is fine', () => {
    const both = refused(judge((e) => {
      const c = clusterOf(e, 'trade-hz1');
      set(c, { kubernetesVersion: 'v1.32.1' });
      setPoolVersions(c, 'v1.32.1');
    }));
    expect(both.length).toBeGreaterThan(0);
    expect(new Set(both.map((p) => p.rule))).toEqual(new Set([TRANSITION_RULES.nodesBeforeControlPlane]));
    expect(both[0].fix).toContain('upgrade the control plane to v1.32.1 in this change and the pools in the next');
    const controlPlaneFirst = judge((e) => {
      const c = clusterOf(e, 'trade-hz1');
      set(c, { kubernetesVersion: 'v1.32.1' });
      setPoolVersions(c, 'v1.31.4');
    });
    expect(controlPlaneFirst).toEqual([]);
    // The next change, once the control plane runs v1.32.1: the pools follow.
    const afterControlPlane = runningOf(edited((e) => {
      set(clusterOf(e, 'trade-hz1'), { kubernetesVersion: 'v1.32.1' });
      setPoolVersions(clusterOf(e, 'trade-hz1'), 'v1.31.4');
    }));
    const pools = validateTransition(afterControlPlane, runningOf(edited((e) => set(clusterOf(e, 'trade-hz1'), { kubernetesVersion: 'v1.32.1' }), afterControlPlane)));
    expect(pools).toEqual([]);
  });

  test('kubernetes-upgrade-waves and wave order: a canary wave goes first, one wave per change', () => {
    const waves = (e: Parameters<NonNullable<Parameters<typeof edited>[0]>>[0]) => {
      for (const c of e.clusters) set(c, { upgradeWave: c.name === 'ops-nx1' ? 0 : 1 });
    };
    const wavedBase = runningOf(edited(waves));
    const upgrade = (names: string[]) => (e: Parameters<typeof waves>[0]) => {
      waves(e);
      for (const n of names) {
        set(clusterOf(e, n), { kubernetesVersion: 'v1.32.1' });
        setPoolVersions(clusterOf(e, n), 'v1.31.4');
      }
    };
    const two = refused(validateTransition(wavedBase, runningOf(edited(upgrade(['ops-nx1', 'trade-hz1']), wavedBase))));
    expect(two.map((p) => p.rule)).toContain(TRANSITION_RULES.upgradeWaves);
    expect(two.find((p) => p.rule === TRANSITION_RULES.upgradeWaves)!.fix).toContain('upgrade wave 0 (ops-nx1) in this change');
    const skipCanary = refused(validateTransition(wavedBase, runningOf(edited(upgrade(['trade-hz1']), wavedBase))));
    expect(skipCanary.map((p) => p.rule)).toEqual([TRANSITION_RULES.upgradeWaveOrder]);
    expect(skipCanary[0].fix).toContain('ops-nx1 (wave 0, v1.31.4)');
    expect(validateTransition(wavedBase, runningOf(edited(upgrade(['ops-nx1']), wavedBase)))).toEqual([]);
  });

  test('kubernetes-promotion-freeze: a peak cluster is not upgraded while its promotion runs, unless the change says why', () => {
    const peak = new Date('2026-11-11T00:00:00+08:00');
    const peakBase = runningOf(edited(undefined, undefined, peak));
    const upgrade = (reason?: string) => (e: Parameters<NonNullable<Parameters<typeof edited>[0]>>[0]) => {
      const c = clusterOf(e, 'peak-bj1');
      set(c, { kubernetesVersion: 'v1.32.1', ...(reason ? { upgradeDuringPromotionReason: reason } : {}) });
      setPoolVersions(c, 'v1.31.4');
    };
    const frozen = refused(validateTransition(peakBase, runningOf(edited(upgrade(), peakBase, peak))));
    expect(frozen.map((p) => p.rule)).toContain(TRANSITION_RULES.promotionFreeze);
    const said = validateTransition(peakBase, runningOf(edited(upgrade('CVE-2026-0001 in the API server'), peakBase, peak)));
    expect(said.map((p) => p.rule)).not.toContain(TRANSITION_RULES.promotionFreeze);
  });
});

describe('IMMUTABLE_CLUSTER_FIELDS: every entry is refused or destructive', () => {
  const changes: Record<string, Parameters<typeof edited>[0]> = {
    'Cluster.idc': (e) => set(clusterOf(e, 'trade-hz1'), { idc: clusterOf(e, 'charging-sh1').idc }),
    'Cluster.infrastructure': (e) => set(clusterOf(e, 'trade-hz1'), { infrastructure: clusterOf(e, 'trade-bj1').infrastructure }),
    'Cluster.podCidr': (e) => set(clusterOf(e, 'trade-hz1'), { podCidr: '10.240.0.0/14' }),
    'Cluster.serviceCidr': (e) => set(clusterOf(e, 'trade-hz1'), { serviceCidr: '10.201.0.0/20' }),
    'Cluster.serviceDomain': (e) => set(clusterOf(e, 'trade-hz1'), { serviceDomain: 'trade.local' }),
    'ControlPlane endpoint (estate dnsDomain, cluster name)': (e) => set(clusterOf(e, 'trade-hz1').controlPlane, { endpoint: { host: 'trade-hz1-api.k8s.other.internal', port: 6443 } }),
    'EtcdCluster.memberSubnet (and each member\'s address)': (e) => set(clusterOf(e, 'trade-hz1').etcd, { memberSubnet: '10.250.99.0/27' }),
  };
  for (const entry of IMMUTABLE_CLUSTER_FIELDS) {
    test(`${entry.field}: ${entry.handling}`, () => {
      expect(entry.why.length).toBeGreaterThan(20);
      expect(entry.fix.length).toBeGreaterThan(10);
      if (entry.handling === ImmutableFieldHandling.DESTRUCTIVE) {
        // A renamed cluster is a new cluster under a new namespace: the old one's objects are deleted, and the diff
        // shows the protected ones (cluster, control plane, etcd members) as destructive.
        expect(entry.rule).toBeUndefined();
        const renamed = diffSnapshots(side(referenceEstateForZones(), DAY2_AS_OF), side(withoutCluster('trade-hz2'), DAY2_AS_OF));
        const destructive = renamed.changes.filter((c) => c.destructive && c.ref.namespace === 'trade-hz2').map((c) => c.ref.kind);
        expect(destructive).toEqual(expect.arrayContaining(['Cluster', 'KubeadmControlPlane', 'Machine']));
        return;
      }
      const change = changes[entry.field];
      expect(change).toBeDefined();
      const problems = refused(judge(change));
      expect(problems.map((p) => p.rule)).toContain(entry.rule);
    });
  }
});
