/**
 * Transition rules: whether the change from what runs (the base) to what the head declares can be applied to a live
 * estate. They return the same Problem shape as `validateEstate`; an error is a refused transition.
 */
import { minorsBehind, parseKubernetesVersion, KubernetesVersion } from '../estate/kubernetes-version';
import { Problem, ProblemCollector } from '../estate/problems';
import { etcdMemberConfig } from '../synth/etcd-config';
import { EstatePlan } from '../synth/plan';
import type { ValidationRuleId } from '../estate/rules';
import { IMMUTABLE_CLUSTER_FIELDS, ImmutableFieldHandling } from './immutable-fields';
import { etcdConfigOfBootstrap, RunningCluster, RunningEstate } from './running-state';

/** Transition rule ids, by name (each catalogued in `VALIDATION_RULES`). */
export const TRANSITION_RULES = {
  immutableField: 'immutable-field',
  etcdReaddress: 'etcd-member-readdress',
  etcdReplaceWithoutFaultTolerance: 'etcd-replace-without-fault-tolerance',
  etcdSettingsNotApplied: 'etcd-settings-not-applied',
  minorSkip: 'kubernetes-minor-skip',
  downgrade: 'kubernetes-downgrade',
  nodesBeforeControlPlane: 'kubernetes-nodes-before-control-plane',
  upgradeWaves: 'kubernetes-upgrade-waves',
  upgradeWaveOrder: 'kubernetes-upgrade-wave-order',
  promotionFreeze: 'kubernetes-promotion-freeze',
} as const satisfies Record<string, ValidationRuleId>;

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Compares versions: negative when a is older. */
function compareVersions(a: KubernetesVersion, b: KubernetesVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** A cluster's Kubernetes change: control plane and pools, before and after. */
interface VersionChange {
  readonly base: RunningCluster;
  readonly head: RunningCluster;
  readonly controlPlane?: { from: KubernetesVersion; to: KubernetesVersion };
  readonly pools: { deployment: string; from: KubernetesVersion; to: KubernetesVersion }[];
}

function versionChanges(base: RunningCluster, head: RunningCluster): VersionChange | undefined {
  const from = parseKubernetesVersion(base.controlPlane.version);
  const to = parseKubernetesVersion(head.controlPlane.version);
  const controlPlane = from && to && compareVersions(from, to) !== 0 ? { from, to } : undefined;
  const basePools = new Map(base.pools.map((p) => [p.deployment, p]));
  const pools: VersionChange['pools'] = [];
  for (const p of head.pools) {
    const b = basePools.get(p.deployment);
    const pf = b && parseKubernetesVersion(b.version);
    const pt = parseKubernetesVersion(p.version);
    if (pf && pt && compareVersions(pf, pt) !== 0) pools.push({ deployment: p.deployment, from: pf, to: pt });
  }
  return controlPlane || pools.length > 0 ? { base, head, ...(controlPlane ? { controlPlane } : {}), pools } : undefined;
}

/** Options of `validateTransition`. */
export interface TransitionOptions {
  /**
   * The plan the head was synthesized from. A head synthesized against what runs keeps every running etcd member's
   * bootstrap byte for byte, so its objects cannot show an etcd settings change; the plan can.
   * @default - the head's objects only (enough for a head synthesized on its own, as `estate diff` does)
   */
  readonly plan?: EstatePlan;
}

/**
 * Judges the change from `base` (what runs) to `head`. Clusters only in the head are new and judged by
 * `validateEstate` alone; clusters only in the base are retired, which the diff shows as destructive.
 */
export function validateTransition(base: RunningEstate, head: RunningEstate, options: TransitionOptions = {}): Problem[] {
  const problems = new ProblemCollector();
  const plans = new Map((options.plan?.clusters ?? []).map((c) => [c.name, c]));
  const baseByName = new Map(base.clusters.map((c) => [c.name, c]));
  const changes: VersionChange[] = [];
  for (const h of head.clusters) {
    const b = baseByName.get(h.name);
    if (!b) continue;
    checkImmutableFields(b, h, problems);
    checkEtcd(b, h, problems);
    checkEtcdSettings(b, h, plans.get(h.name), problems);
    const change = versionChanges(b, h);
    if (change) {
      checkVersionChange(change, problems);
      changes.push(change);
    }
  }
  checkWaves(changes, base, head, problems);
  return [...problems.problems];
}

function checkImmutableFields(b: RunningCluster, h: RunningCluster, problems: ProblemCollector): void {
  for (const entry of IMMUTABLE_CLUSTER_FIELDS) {
    if (entry.handling !== ImmutableFieldHandling.REFUSED || !entry.read) continue;
    const before = entry.read(b);
    const after = entry.read(h);
    if (!same(before, after)) {
      problems.error({
        path: h.path,
        rule: TRANSITION_RULES.immutableField,
        message: `${entry.field} cannot change on a running cluster: ${entry.why}`,
        fix: entry.fix,
        value: { before, after },
      });
    }
  }
}

function checkEtcd(b: RunningCluster, h: RunningCluster, problems: ProblemCollector): void {
  const path = `${h.path}/Etcd`;
  const entry = IMMUTABLE_CLUSTER_FIELDS.find((e) => e.rule === TRANSITION_RULES.etcdReaddress)!;
  const baseMembers = new Map(b.etcd.members.map((m) => [m.name, m]));
  const moved = h.etcd.members.filter((m) => {
    const r = baseMembers.get(m.name);
    return r !== undefined && (r.peerUrl !== m.peerUrl || r.clientUrl !== m.clientUrl);
  });
  // One member may move per change: it leaves and joins again at its new address. More would re-address the cluster
  // under the API servers' feet (a new memberSubnet moves every member at once).
  if (moved.length > 1) {
    const value = moved.map((m) => `${m.name}: ${baseMembers.get(m.name)!.peerUrl} -> ${m.peerUrl}`);
    problems.error({
      path,
      rule: TRANSITION_RULES.etcdReaddress,
      message: `${moved.length} running etcd members would change address at once: ${entry.why}`,
      fix: entry.fix,
      value,
    });
  }
  const replaced = h.etcd.members.filter((m) => {
    const r = baseMembers.get(m.name);
    return r !== undefined && (r.zone !== m.zone || (moved.length === 1 && moved[0].name === m.name));
  });
  if (replaced.length > 0 && b.etcd.members.length <= 3) {
    const what = (m: (typeof replaced)[number]) => {
      const r = baseMembers.get(m.name)!;
      return r.zone !== m.zone ? `${m.name}: ${r.zone} -> ${m.zone}` : `${m.name}: ${r.peerUrl} -> ${m.peerUrl}`;
    };
    problems.warning({
      path,
      rule: TRANSITION_RULES.etcdReplaceWithoutFaultTolerance,
      message: `moving ${replaced.map((m) => m.name).join(', ')} removes the member before it joins again: ${b.etcd.members.length - 1} members run meanwhile and the cluster tolerates no further failure`,
      fix: 'scale the etcd out to 5 members first, or accept the window knowingly',
      value: replaced.map(what),
    });
  }
}

/**
 * Keys of an etcd member's configuration that name the member or the membership it booted into: they differ from
 * member to member and after a membership step by design, and the procedure, not a settings change, handles them.
 */
const ETCD_MEMBERSHIP_KEYS = new Set([
  'name', 'listen-peer-urls', 'listen-client-urls', 'listen-metrics-urls', 'initial-advertise-peer-urls', 'advertise-client-urls',
  'initial-cluster', 'initial-cluster-state', 'initial-cluster-token',
]);

/**
 * etcd settings (heartbeat, election timeout, quota, snapshot count, compaction, any key of the configuration file)
 * that change for members already running. A member reads its configuration file when it starts, and the file comes
 * from cloud-init, which runs once: running members keep their bootstrap byte for byte, so a new value reaches only
 * members that join later, and the cluster runs with mixed settings until every member has been replaced. Judged
 * against what the head declares: its plan when given, else the head's bootstraps.
 */
function checkEtcdSettings(b: RunningCluster, h: RunningCluster, plan: ClusterPlanLike | undefined, problems: ProblemCollector): void {
  const baseMembers = new Map(b.etcd.members.map((m) => [m.name, m]));
  const changes = new Map<string, string>();
  const keeping: string[] = [];
  for (const m of h.etcd.members) {
    const r = baseMembers.get(m.name);
    // A member that moves or joins again is rendered anew: it starts with the new settings.
    if (!r || r.peerUrl !== m.peerUrl || r.zone !== m.zone) continue;
    const memberPlan = plan?.etcd.members.find((p) => p.name === m.name);
    if (!memberPlan && m.bootstrap === r.bootstrap) continue;
    const running = etcdConfigOfBootstrap(r.bootstrap);
    const declared = memberPlan && plan ? etcdMemberConfig(
      plan as Parameters<typeof etcdMemberConfig>[0],
      memberPlan,
    ) : etcdConfigOfBootstrap(m.bootstrap);
    if (!running || !declared) continue;
    let differs = false;
    for (const key of [...new Set([...Object.keys(running), ...Object.keys(declared)])].sort()) {
      if (ETCD_MEMBERSHIP_KEYS.has(key) || same(running[key], declared[key])) continue;
      differs = true;
      if (!changes.has(key)) changes.set(key, `${key}: ${JSON.stringify(running[key]) ?? 'unset'} -> ${JSON.stringify(declared[key]) ?? 'unset'}`);
    }
    if (differs) keeping.push(m.name);
  }
  if (keeping.length === 0) return;
  const keys = [...changes.keys()];
  problems.warning({
    path: `${h.path}/Etcd`,
    rule: TRANSITION_RULES.etcdSettingsNotApplied,
    message: `etcd settings ${keys.join(', ')} change, but running members keep the bootstrap they booted with (cloud-init runs once, and etcd reads its configuration file only when it starts): ${keeping.join(', ')} keep the old values, and only members that join later get the new ones`,
    fix: `to apply them, replace the running members one at a time, one per change: estate synth --base-dir <what runs> --replace-etcd-member ${keeping[0]} (estate etcd plan --replace ${keeping[0]} lists its steps), then the next member once it has rejoined; or revert the setting`,
    value: [...changes.values()],
  });
}

type ClusterPlanLike = EstatePlan['clusters'][number];

function checkVersionChange(change: VersionChange, problems: ProblemCollector): void {
  const { head } = change;
  const cpPath = `${head.path}/ControlPlane`;
  const cp = change.controlPlane;
  if (cp) {
    const step = minorsBehind(cp.to, cp.from);
    if (compareVersions(cp.to, cp.from) < 0) {
      problems.error({
        path: cpPath,
        rule: TRANSITION_RULES.downgrade,
        message: `the control plane would go back from ${cp.from.text} to ${cp.to.text}: kubeadm and etcd's stored objects do not support a downgrade`,
        fix: `keep ${cp.from.text} or upgrade; to undo a bad upgrade, restore etcd from a backup taken before it`,
        value: `${cp.from.text} -> ${cp.to.text}`,
      });
    } else if (step > 1) {
      problems.error({
        path: cpPath,
        rule: TRANSITION_RULES.minorSkip,
        message: `the control plane would skip ${step - 1} minor release(s) (${cp.from.text} -> ${cp.to.text}): Kubernetes upgrades one minor at a time`,
        fix: `upgrade to v${cp.from.major}.${cp.from.minor + 1} first (its latest patch), then to v${cp.to.major}.${cp.to.minor} in a later change`,
        value: `${cp.from.text} -> ${cp.to.text}`,
      });
    }
  }
  const runningControlPlane = parseKubernetesVersion(change.base.controlPlane.version);
  for (const pool of change.pools) {
    if (!runningControlPlane || compareVersions(pool.to, pool.from) < 0) continue;
    if (compareVersions(pool.to, runningControlPlane) > 0) {
      problems.error({
        path: `${head.path}/${pool.deployment}`,
        rule: TRANSITION_RULES.nodesBeforeControlPlane,
        message: `the pool's nodes would run ${pool.to.text} while the control plane still runs ${runningControlPlane.text}: the control plane goes first, and kubelets never lead it`,
        fix: `upgrade the control plane to ${pool.to.text} in this change and the pools in the next, once it has rolled`,
        value: `${pool.from.text} -> ${pool.to.text}`,
      });
    }
  }
  if (head.promotion && !head.upgradeDuringPromotion) {
    problems.error({
      path: head.path,
      rule: TRANSITION_RULES.promotionFreeze,
      message: `peak cluster of promotion ${head.promotion} would be upgraded while the promotion runs (between prepareFrom and drainUntil)`,
      fix: 'upgrade it after drainUntil, or set upgrade.duringPromotionReason on the cluster to say why it cannot wait',
      value: cp ? `${cp.from.text} -> ${cp.to.text}` : change.pools.map((p) => `${p.deployment}: ${p.from.text} -> ${p.to.text}`),
    });
  }
}

function checkWaves(changes: readonly VersionChange[], base: RunningEstate, head: RunningEstate, problems: ProblemCollector): void {
  const upgrades = changes.filter((c) => (c.controlPlane && compareVersions(
    c.controlPlane.to,
    c.controlPlane.from,
  ) > 0) || c.pools.some((p) => compareVersions(p.to, p.from) > 0));
  const waves = [...new Set(upgrades.map((c) => c.head.upgradeWave))].sort((a, b) => a - b);
  if (waves.length > 1) {
    const first = waves[0];
    const inWave = (w: number) => upgrades.filter((c) => c.head.upgradeWave === w).map((c) => c.head.name).join(', ');
    for (const c of upgrades.filter((u) => u.head.upgradeWave !== first)) {
      problems.error({
        path: c.head.path,
        rule: TRANSITION_RULES.upgradeWaves,
        message: `this change upgrades clusters of waves ${waves.join(', ')} at once; one change upgrades one wave`,
        fix: `upgrade wave ${first} (${inWave(first)}) in this change, and this cluster's wave ${c.head.upgradeWave} in a later one`,
        value: c.head.upgradeWave,
      });
    }
  }
  // A later wave goes only once every earlier wave already runs the version it moves to (before this change).
  const stays = new Set(head.clusters.map((c) => c.name));
  for (const c of upgrades) {
    const target = c.controlPlane?.to;
    if (!target) continue;
    const behind = base.clusters.filter((o) => stays.has(o.name) && o.upgradeWave < c.head.upgradeWave && (() => {
      const v = parseKubernetesVersion(o.controlPlane.version);
      return v !== undefined && (v.major < target.major || (v.major === target.major && v.minor < target.minor));
    })());
    if (behind.length > 0) {
      problems.error({
        path: c.head.path,
        rule: TRANSITION_RULES.upgradeWaveOrder,
        message: `wave ${c.head.upgradeWave} would run v${target.major}.${target.minor} before earlier waves do`,
        fix: `upgrade ${behind.map((o) => `${o.name} (wave ${o.upgradeWave}, ${o.controlPlane.version})`).join(', ')} first`,
        value: c.head.upgradeWave,
      });
    }
  }
}
