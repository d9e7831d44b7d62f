/**
 * What a change does to running machines: which machines Cluster API replaces (and why, in what order, how many at a
 * time), which etcd membership steps run, and which clusters are upgraded in which wave. Plain data, read by the
 * PR preview (`### Operational impact`) and by `--format json` under stable keys.
 */
import { EtcdProcedure, planEtcdProcedure } from './etcd-procedure';
import { RunningCluster, RunningEstate, RunningPool } from './running-state';

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

const MODEL = /cluster-estate\.io\/machine-model=([^,"\\]+)/;

function modelOf(content: string): string | undefined {
  return MODEL.exec(content)?.[1];
}

function poolReasons(b: RunningPool, h: RunningPool): string[] {
  const reasons: string[] = [];
  if (b.version !== h.version) reasons.push(`Kubernetes ${b.version} -> ${h.version}`);
  const [mb, mh] = [modelOf(b.templateContent), modelOf(h.templateContent)];
  if (mb !== mh) reasons.push(`instance model ${mb ?? '?'} -> ${mh ?? '?'}`);
  const before = parseContent(b.templateContent);
  const after = parseContent(h.templateContent);
  if (mb === mh && (JSON.stringify(before.infrastructure) !== JSON.stringify(after.infrastructure) || b.infrastructureTemplate !== h.infrastructureTemplate)) {
    reasons.push(`machine template ${b.infrastructureTemplate} -> ${h.infrastructureTemplate}`);
  }
  if (mb === mh && JSON.stringify(before.bootstrap) !== JSON.stringify(after.bootstrap)) reasons.push('bootstrap configuration (KubeadmConfigTemplate)');
  return reasons;
}

function parseContent(content: string): { infrastructure?: unknown; bootstrap?: unknown } {
  return JSON.parse(content || '{}') as { infrastructure?: unknown; bootstrap?: unknown };
}

function controlPlaneReasons(b: RunningCluster, h: RunningCluster): string[] {
  const reasons: string[] = [];
  if (b.controlPlane.version !== h.controlPlane.version) reasons.push(`Kubernetes ${b.controlPlane.version} -> ${h.controlPlane.version}`);
  const before = JSON.parse(b.controlPlane.templateContent || '{}') as { template?: unknown; kubeadm?: Record<string, any> };
  const after = JSON.parse(h.controlPlane.templateContent || '{}') as { template?: unknown; kubeadm?: Record<string, any> };
  const [mb, mh] = [modelOf(b.controlPlane.templateContent), modelOf(h.controlPlane.templateContent)];
  if (mb !== mh) reasons.push(`instance model ${mb ?? '?'} -> ${mh ?? '?'}`);
  else if (JSON.stringify(before.template) !== JSON.stringify(after.template) || b.controlPlane.infrastructureTemplate !== h.controlPlane.infrastructureTemplate) {
    reasons.push(`machine template ${b.controlPlane.infrastructureTemplate} -> ${h.controlPlane.infrastructureTemplate}`);
  }
  if (JSON.stringify(b.etcd.endpoints) !== JSON.stringify(h.etcd.endpoints)) reasons.push('kubeadm configuration (etcd endpoints)');
  const withoutEndpoints = (k?: Record<string, any>) => JSON.stringify(k, (key, value) => (key === 'endpoints' ? undefined : value));
  if (withoutEndpoints(before.kubeadm) !== withoutEndpoints(after.kubeadm)) reasons.push('kubeadm configuration');
  return reasons;
}

/**
 * The operational impact of the change from `base` to `head`. Control planes whose etcd endpoints change are listed
 * as rolling with the final endpoints; the etcd procedure says when each endpoint change happens.
 */
export function operationalImpact(base: RunningEstate, head: RunningEstate): OperationalImpact {
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
      const reasons = poolReasons(bp, p);
      if (reasons.length > 0) {
        machineRollouts.push({ cluster: h.name, part: 'pool', name: p.deployment, pool: p.pool, zone: p.zone, machines: p.machines, reasons, maxSurge: p.maxSurge, maxUnavailable: p.maxUnavailable, order: 2 });
      }
      if (bp.version !== p.version) versionUpgrades.push({ cluster: h.name, wave: h.upgradeWave, part: 'pool', name: p.deployment, from: bp.version, to: p.version });
    }
    const procedure = planEtcdProcedure(h.name, h.path, b.etcd, h.etcd.members);
    if (procedure.steps.length > 0) etcdProcedures.push(procedure);
  }
  machineRollouts.sort((a, b) => (a.cluster < b.cluster ? -1 : a.cluster > b.cluster ? 1 : a.order - b.order || (a.name < b.name ? -1 : 1)));
  versionUpgrades.sort((a, b) => a.wave - b.wave || (a.cluster < b.cluster ? -1 : a.cluster > b.cluster ? 1 : a.part === b.part ? (a.name < b.name ? -1 : 1) : a.part === 'control-plane' ? -1 : 1));
  return { machineRollouts, machinesReplaced: machineRollouts.reduce((n, r) => n + r.machines, 0), etcdProcedures, versionUpgrades };
}
