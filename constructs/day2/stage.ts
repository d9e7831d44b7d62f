/**
 * One etcd step per apply. Given the management objects a synthesis wants (the end state), what runs (the base) and
 * the procedure between them, this returns the objects of the state right after the next controller step: joiners
 * not started yet are left out, leavers not deleted yet are kept as they run, and the control plane's etcd endpoints
 * are the step's. A leaver's guarded objects lose their protection in the apply that takes its endpoint away, so that
 * the next apply may delete them.
 */
import { LABEL_ETCD_MEMBER } from '../estate/well-known-labels';
import { KubeObject } from '../synth/kube-object';
import { EtcdProcedure, EtcdStep, nextControllerStep, planEtcdProcedure } from './etcd-procedure';
import { RunningEstate } from './running-state';

/** Where one cluster's etcd procedure stands after this apply. */
export interface EtcdStage {
  readonly cluster: string;
  readonly procedure: EtcdProcedure;
  /** The controller step this apply performs; absent when only operator steps remain. */
  readonly applies?: EtcdStep;
  /** Operator steps that must be done before this apply (their runbook lines). */
  readonly operatorFirst: readonly EtcdStep[];
  /** Steps left after this apply. */
  readonly after: readonly EtcdStep[];
}

/** The objects of one apply, and what it does to each procedure. */
export interface StagedObjects {
  readonly objects: KubeObject[];
  /** Keys (`apiVersion/kind/namespace/name`) of guarded objects whose protection this apply releases. */
  readonly releasedKeys: readonly string[];
  readonly stages: readonly EtcdStage[];
}

function key(o: KubeObject): string {
  return `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

function memberOf(o: KubeObject): string | undefined {
  if (o.metadata.labels?.[LABEL_ETCD_MEMBER] === undefined) return undefined;
  // The bootstrap Secret is `<member>-bootstrap`; the Machine and the provider machine carry the member's name.
  return o.kind === 'Secret' ? o.metadata.name.replace(/-bootstrap$/, '') : o.metadata.name;
}

/**
 * Stages the management objects of `head` (synthesized against `base`) at the next controller step of every
 * cluster's etcd procedure. Clusters without a procedure keep their objects as synthesized.
 */
export function stageEtcdProcedures(objects: readonly KubeObject[], base: RunningEstate, head: RunningEstate): StagedObjects {
  const baseByName = new Map(base.clusters.map((c) => [c.name, c]));
  const stages: EtcdStage[] = [];
  const machinesByNamespace = new Map<string, Set<string>>();
  const endpointsByNamespace = new Map<string, readonly string[]>();
  const released = new Set<string>();
  const keep: KubeObject[] = [];
  for (const h of head.clusters) {
    const b = baseByName.get(h.name);
    if (!b) continue;
    const procedure = planEtcdProcedure(h.name, h.path, b.etcd, h.etcd.members);
    if (procedure.steps.length === 0) continue;
    const { before, step } = nextControllerStep(procedure);
    const after = step ? procedure.steps.slice(procedure.steps.indexOf(step) + 1) : [];
    stages.push({ cluster: h.name, procedure, ...(step ? { applies: step } : {}), operatorFirst: before, after });
    const machines = new Set(step ? step.machines : b.etcd.members.map((m) => m.name));
    const endpoints = step ? step.endpoints : b.etcd.endpoints;
    machinesByNamespace.set(h.namespace, machines);
    endpointsByNamespace.set(h.namespace, endpoints);
    const wanted = new Set(h.etcd.members.map((m) => m.name));
    for (const m of b.etcd.members) {
      const leaving = !wanted.has(m.name) || procedure.replaced.includes(m.name);
      const stillHas = machines.has(m.name);
      // Objects of a member that leaves and is still running are kept as they run.
      if (stillHas && !wanted.has(m.name)) keep.push(...m.objects);
      // Its guard drops once the API servers no longer use it: the next apply deletes it.
      const runningEndpoint = endpoints.includes(m.clientUrl);
      if (leaving && stillHas && !runningEndpoint) for (const o of m.objects) released.add(key(o));
    }
  }
  if (stages.length === 0) return { objects: [...objects], releasedKeys: [], stages };
  const staged: KubeObject[] = [];
  for (const o of objects) {
    const ns = o.metadata.namespace ?? '';
    const machines = machinesByNamespace.get(ns);
    if (!machines) {
      staged.push(o);
      continue;
    }
    const member = memberOf(o);
    if (member !== undefined && !machines.has(member)) continue;
    if (member !== undefined && released.has(key(o))) {
      // A replaced member's new objects are not there yet; its running ones are what this apply keeps.
      continue;
    }
    if (o.kind === 'KubeadmControlPlane') {
      staged.push(withEndpoints(o, endpointsByNamespace.get(ns)!));
      continue;
    }
    staged.push(o);
  }
  // Running objects of members the head no longer has, or that are replaced and not yet deleted.
  const present = new Set(staged.map(key));
  for (const o of keep) {
    if (present.has(key(o))) continue;
    staged.push(o);
    present.add(key(o));
  }
  for (const h of head.clusters) {
    const b = baseByName.get(h.name);
    const machines = machinesByNamespace.get(h.namespace);
    if (!b || !machines) continue;
    for (const m of b.etcd.members) {
      if (!machines.has(m.name)) continue;
      for (const o of m.objects) if (released.has(key(o)) && !present.has(key(o))) { staged.push(o); present.add(key(o)); }
    }
  }
  return { objects: staged, releasedKeys: [...released].sort(), stages };
}

function withEndpoints(kcp: KubeObject, endpoints: readonly string[]): KubeObject {
  type WithEndpoints = KubeObject & { spec: { kubeadmConfigSpec: { clusterConfiguration: { etcd: { external: { endpoints: string[] } } } } } };
  const copy = JSON.parse(JSON.stringify(kcp)) as WithEndpoints;
  copy.spec.kubeadmConfigSpec.clusterConfiguration.etcd.external.endpoints = [...endpoints];
  return copy;
}

/** What an apply says about each procedure: the step it applies, what must come before, and what is next. */
export function stageNotices(stages: readonly EtcdStage[]): string[] {
  return stages.map((s) => {
    const total = s.procedure.steps.length;
    const first = s.operatorFirst.length > 0 ? ` Before this update, the operator runs: ${s.operatorFirst.map((o) => `step ${o.number} (${o.summary}): ${o.runbook}`).join('; ')}.` : '';
    const now = s.applies ? `this update applies step ${s.applies.number} of ${total}: ${s.applies.summary}.` : `no controller step is left; the operator finishes with: ${s.operatorFirst.map((o) => o.summary).join(', ')}.`;
    const next = s.after.length > 0 ? ` Next: step ${s.after[0].number} (${s.after[0].runner}): ${s.after[0].summary}; then run pulumi up again.` : s.applies ? ' This is the last step.' : '';
    return `etcd of ${s.cluster}: ${now}${first}${next}`;
  });
}
