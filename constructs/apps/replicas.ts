import { PhaseAt, PromotionPhase } from '../estate/promotion';
import type { ClusterFacts, WorkloadPlan } from './instance-plan';
import { splitByPercent } from './release';
import { addResources, limitsOf, requestsOf, ResourceAmount } from './resources';
import { AppSpec } from './spec';

/**
 * How many replicas an app has on a cluster at a phase, how they split over its Deployments, and what its pods
 * request. Pure functions over plain data: the synthesis, the capacity check and the report all use them.
 */
const podResourcesMemo = new WeakMap<AppSpec, { requests: ResourceAmount; limits: ResourceAmount }>();

/** The requests and limits of one pod: every container, sidecars included. */
export function podResources(spec: AppSpec): { requests: ResourceAmount; limits: ResourceAmount } {
  let r = podResourcesMemo.get(spec);
  if (!r) {
    const all = [spec.resources, ...spec.sidecars.map((s) => s.resources), ...(spec.mesh ? [spec.mesh.proxyResources] : [])];
    podResourcesMemo.set(spec, (r = { requests: addResources(...all.map(requestsOf)), limits: addResources(...all.map(limitsOf)) }));
  }
  return r;
}

/** `ceil(x)` that ignores float noise, never below 1. */
function atLeastOne(x: number): number {
  return Math.max(1, Math.ceil(x - 1e-9));
}

/**
 * The replica bounds of an instance. `base` is the placement's count. A peak-group cluster runs at its group's
 * scale; an app with a peak profile multiplies both bounds by its factor while the promotion is at peak, ramping up
 * with the preparation's batches (factor 1 + (f - 1) x batch share); draining returns to normal and lets the
 * autoscaler come down at its own pace.
 */
export function replicaBounds(spec: AppSpec, base: number, cluster: Pick<ClusterFacts, 'promotion'>, phases: ReadonlyMap<string, PhaseAt>): { min: number; max: number } {
  const groupScale = cluster.promotion ? cluster.promotion.phase.scale : 1;
  let factor = 1;
  if (spec.peak) {
    const phase = phases.get(spec.peak.promotion);
    if (phase?.phase === PromotionPhase.PEAK) factor = spec.peak.factor;
    else if (phase?.phase === PromotionPhase.PREPARING) factor = 1 + (spec.peak.factor - 1) * phase.scale;
  }
  const min = atLeastOne(base * factor * groupScale);
  const max = spec.autoscaling ? Math.max(min, atLeastOne(base * spec.autoscaling.maxFactor * factor * groupScale)) : min;
  return { min, max };
}

/** The Deployments of an instance with their replicas: the release's split of the bounds. */
export function planWorkloads(spec: AppSpec, bounds: { min: number; max: number }): WorkloadPlan[] {
  const percents = spec.channels.map((c) => c.percent ?? 100);
  const split = spec.releaseKind === 'canary';
  const mins = split ? splitByPercent(bounds.min, percents) : spec.channels.map(() => bounds.min);
  const maxs = split ? splitByPercent(bounds.max, percents) : spec.channels.map(() => bounds.max);
  return spec.channels.map((c, i): WorkloadPlan => {
    const base = { name: `${spec.name}${c.suffix}`, channel: c.channel, image: c.image };
    if (c.fixedReplicas !== undefined) return { ...base, replicas: c.fixedReplicas };
    if (!spec.autoscaling) return { ...base, replicas: mins[i] };
    return { ...base, autoscaling: { minReplicas: mins[i], maxReplicas: Math.max(mins[i], maxs[i]) } };
  });
}

/**
 * The pods of all of an app's Deployments at the autoscalers' minimum and maximum: the sums over `planWorkloads`,
 * without building the workloads (the capacity check evaluates it for every cluster and phase).
 */
export function podTotals(spec: AppSpec, bounds: { min: number; max: number }): { min: number; max: number } {
  const channels = spec.channels;
  const split = spec.releaseKind === 'canary';
  let restMin = 0;
  let restMax = 0;
  if (split) {
    for (let i = 1; i < channels.length; i++) {
      const p = channels[i].percent ?? 100;
      restMin += Math.max(1, Math.round((bounds.min * p) / 100));
      restMax += Math.max(1, Math.round((bounds.max * p) / 100));
    }
  }
  let min = 0;
  let max = 0;
  for (let i = 0; i < channels.length; i++) {
    const c = channels[i];
    const p = c.percent ?? 100;
    const m = !split ? bounds.min : i === 0 ? bounds.min - restMin : Math.max(1, Math.round((bounds.min * p) / 100));
    const x = !split ? bounds.max : i === 0 ? bounds.max - restMax : Math.max(1, Math.round((bounds.max * p) / 100));
    if (c.fixedReplicas !== undefined) {
      min += c.fixedReplicas;
      max += c.fixedReplicas;
    } else if (!spec.autoscaling) {
      min += m;
      max += m;
    } else {
      min += m;
      max += Math.max(m, x);
    }
  }
  return { min, max };
}
