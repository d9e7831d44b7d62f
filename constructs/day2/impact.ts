/**
 * What a change does to running machines: which machines Cluster API replaces (and why, in what order, how many at a
 * time), which etcd membership steps run, and which clusters are upgraded in which wave. Plain data, read by the
 * PR preview (`### Operational impact`) and by `--format json` under stable keys.
 */
import { LABEL_TEMPLATE_OWNER } from '../estate/well-known-labels';
import { EtcdProcedure, planEtcdProcedure } from './etcd-procedure';
import { RunningCluster, RunningEstate, RunningPool, templateOf } from './running-state';

/** Machines of one control plane or one pool in one zone that Cluster API replaces. */
export interface MachineRollout {
  readonly cluster: string;
  /** `control-plane` rolls first, then `pool`s. */
  readonly part: 'control-plane' | 'pool';
  /** The KubeadmControlPlane or MachineDeployment. */
  readonly name: string;
  readonly pool?: string;
  readonly zone?: string;
  /** Machines replaced (an autoscaled pool: its lower bound). */
  readonly machines: number;
  /** Why they roll: `Kubernetes v1.31.4 -> v1.32.1`, `instance model a -> b`, `bootstrap configuration`, ... */
  readonly reasons: readonly string[];
  /** Extra machines created at a time, and machines that may be unavailable at a time. */
  readonly maxSurge: string;
  readonly maxUnavailable: string;
  /** 1 for control planes, 2 for pools: the order in which a careful operator lets them roll. */
  readonly order: number;
}

/** A Kubernetes version change of one cluster's control plane or pool. */
export interface VersionUpgrade {
  readonly cluster: string;
  readonly wave: number;
  readonly part: 'control-plane' | 'pool';
  readonly name: string;
  readonly from: string;
  readonly to: string;
}

/** Everything a change does to running machines. */
export interface OperationalImpact {
  readonly machineRollouts: readonly MachineRollout[];
  /** Machines replaced in all, over every rollout. */
  readonly machinesReplaced: number;
  readonly etcdProcedures: readonly EtcdProcedure[];
  readonly versionUpgrades: readonly VersionUpgrade[];
}

/**
 * Whether the machines built from a template change: a new name does (templates are named after their content);
 * under the same name, only a template from before content naming (no owner label) can hide new content.
 */
function templateChanged(bc: RunningCluster, hc: RunningCluster, kind: string, before: string, after: string): boolean {
  if (before !== after) return true;
  const b = templateOf(bc, kind, before);
  const h = templateOf(hc, kind, after);
  if (!b || !h) return false;
  if (b.metadata.labels?.[LABEL_TEMPLATE_OWNER] && h.metadata.labels?.[LABEL_TEMPLATE_OWNER]) return false;
  return JSON.stringify((b as { spec?: unknown }).spec) !== JSON.stringify((h as { spec?: unknown }).spec);
}

function poolReasons(bc: RunningCluster, hc: RunningCluster, b: RunningPool, h: RunningPool): string[] {
  const reasons: string[] = [];
  if (b.version !== h.version) reasons.push(`Kubernetes ${b.version} -> ${h.version}`);
  if (b.model !== h.model) reasons.push(`instance model ${b.model ?? '?'} -> ${h.model ?? '?'}`);
  else {
    if (templateChanged(bc, hc, h.infrastructureKind, b.infrastructureTemplate, h.infrastructureTemplate)) reasons.push(`machine template ${b.infrastructureTemplate} -> ${h.infrastructureTemplate}`);
    if (templateChanged(bc, hc, 'KubeadmConfigTemplate', b.bootstrapTemplate, h.bootstrapTemplate)) reasons.push('bootstrap configuration (KubeadmConfigTemplate)');
  }
  return reasons;
}

function controlPlaneReasons(b: RunningCluster, h: RunningCluster): string[] {
  const reasons: string[] = [];
  const [cb, ch] = [b.controlPlane, h.controlPlane];
  if (cb.version !== ch.version) reasons.push(`Kubernetes ${cb.version} -> ${ch.version}`);
  if (cb.model !== ch.model) reasons.push(`instance model ${cb.model ?? '?'} -> ${ch.model ?? '?'}`);
  else if (templateChanged(b, h, ch.infrastructureKind, cb.infrastructureTemplate, ch.infrastructureTemplate)) {
    reasons.push(`machine template ${cb.infrastructureTemplate} -> ${ch.infrastructureTemplate}`);
  }
  const endpointsChanged = JSON.stringify(b.etcd.endpoints) !== JSON.stringify(h.etcd.endpoints);
  if (endpointsChanged) reasons.push('kubeadm configuration (etcd endpoints)');
  if (cb.kubeadmConfig !== ch.kubeadmConfig) {
    const withoutEndpoints = (text: string) => JSON.stringify(JSON.parse(text || '{}'), (key, value) => (key === 'endpoints' ? undefined : value));
    if (!endpointsChanged || withoutEndpoints(cb.kubeadmConfig) !== withoutEndpoints(ch.kubeadmConfig)) reasons.push('kubeadm configuration');
  }
  return reasons;
}

/**
 * The operational impact of the change from `base` to `head`. Control planes whose etcd endpoints change are listed
 * as rolling with the final endpoints; the etcd procedure says when each endpoint change happens.
 */
export function operationalImpact(
  base: RunningEstate,
  head: RunningEstate,
  options: { readonly replaceEtcdMembers?: readonly string[] } = {},
): OperationalImpact {
  const baseByName = new Map(base.clusters.map((c) => [c.name, c]));
  const machineRollouts: MachineRollout[] = [];
  const etcdProcedures: EtcdProcedure[] = [];
  const versionUpgrades: VersionUpgrade[] = [];
  for (const h of head.clusters) {
    const b = baseByName.get(h.name);
    if (!b) continue;
    const cpReasons = controlPlaneReasons(b, h);
    if (cpReasons.length > 0) {
      // KubeadmControlPlane rolls one machine at a time, creating the new one first (its default rollout).
      machineRollouts.push({ cluster: h.name, part: 'control-plane', name: h.controlPlane.name, machines: h.controlPlane.replicas, reasons: cpReasons, maxSurge: '1', maxUnavailable: '0', order: 1 });
    }
    if (b.controlPlane.version !== h.controlPlane.version) {
      versionUpgrades.push({ cluster: h.name, wave: h.upgradeWave, part: 'control-plane', name: h.controlPlane.name, from: b.controlPlane.version, to: h.controlPlane.version });
    }
    const basePools = new Map(b.pools.map((p) => [p.deployment, p]));
    for (const p of h.pools) {
      const bp = basePools.get(p.deployment);
      if (!bp) continue;
      const reasons = poolReasons(b, h, bp, p);
      if (reasons.length > 0) {
        machineRollouts.push({ cluster: h.name, part: 'pool', name: p.deployment, pool: p.pool, zone: p.zone, machines: p.machines, reasons, maxSurge: p.maxSurge, maxUnavailable: p.maxUnavailable, order: 2 });
      }
      if (bp.version !== p.version) versionUpgrades.push({ cluster: h.name, wave: h.upgradeWave, part: 'pool', name: p.deployment, from: bp.version, to: p.version });
    }
    const procedure = planEtcdProcedure(h.name, h.path, b.etcd, h.etcd.members, { replace: options.replaceEtcdMembers ?? [] });
    if (procedure.steps.length > 0) etcdProcedures.push(procedure);
  }
  machineRollouts.sort((a, b) => (a.cluster < b.cluster ? -1 : a.cluster > b.cluster ? 1 : a.order - b.order || (a.name < b.name ? -1 : 1)));
  versionUpgrades.sort((a, b) => a.wave - b.wave || (a.cluster < b.cluster ? -1 : a.cluster > b.cluster ? 1 : a.part === b.part ? (a.name < b.name ? -1 : 1) : a.part === 'control-plane' ? -1 : 1));
  return { machineRollouts, machinesReplaced: machineRollouts.reduce((n, r) => n + r.machines, 0), etcdProcedures, versionUpgrades };
}
