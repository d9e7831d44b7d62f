import { PromotionPhase } from '../estate/promotion';
import type { AppSpec } from '../apps/spec';
import { podResources } from '../apps/replicas';
import { ResourceAmount } from '../apps/resources';
import type { TeamBudget } from './team';

/**
 * What one namespace's apps need on one cluster at a phase: every app at its autoscaler's maximum, plus the
 * rolling-update surge (the templates roll with `maxSurge: 25%`, so a release at the maximum runs a quarter more
 * pods for a while). Requests and limits of every container, sidecars included, as a ResourceQuota counts them.
 */
export interface NamespaceNeed {
  readonly pods: number;
  readonly requests: ResourceAmount;
  readonly limits: ResourceAmount;
}

/** The share of an app's pods a rolling update adds (`maxSurge` of the rendered Deployments). */
export const ROLLING_UPDATE_SURGE = 0.25;

/** The need of a namespace's apps, each with its pods at the autoscaler's maximum. */
export function namespaceNeed(apps: readonly { readonly spec: AppSpec; readonly maxPods: number }[]): NamespaceNeed {
  let pods = 0;
  let rc = 0;
  let rm = 0;
  let lc = 0;
  let lm = 0;
  for (const a of apps) {
    const n = a.maxPods + Math.ceil(a.maxPods * ROLLING_UPDATE_SURGE);
    const r = podResources(a.spec);
    pods += n;
    rc += r.requests.cpuMillis * n;
    rm += r.requests.memoryMiB * n;
    lc += r.limits.cpuMillis * n;
    lm += r.limits.memoryMiB * n;
  }
  return { pods, requests: { cpuMillis: rc, memoryMiB: rm }, limits: { cpuMillis: lc, memoryMiB: lm } };
}

/** The hard limits of a namespace's ResourceQuota. */
export interface QuotaSize {
  readonly pods: number;
  readonly requests: ResourceAmount;
  readonly limits: ResourceAmount;
  /** The budget the requests come from, when one holds. */
  readonly budget?: TeamBudget;
}

const CPU_STEP = 100;
const MEMORY_STEP = 128;

function up(x: number, step: number): number {
  return Math.ceil(x / step - 1e-9) * step;
}

function withHeadroom(r: ResourceAmount, headroomPercent: number): ResourceAmount {
  const f = 1 + headroomPercent / 100;
  return { cpuMillis: up(r.cpuMillis * f, CPU_STEP), memoryMiB: up(r.memoryMiB * f, MEMORY_STEP) };
}

/**
 * The quota of a namespace: the budget's requests when one holds, else the need's plus headroom; limits and pods
 * always from the need plus headroom (rounded up to 100m CPU, 128 MiB memory).
 */
export function quotaSize(need: NamespaceNeed, headroomPercent: number, budget?: TeamBudget): QuotaSize {
  return {
    pods: Math.ceil(need.pods * (1 + headroomPercent / 100) - 1e-9),
    requests: budget ? { cpuMillis: budget.cpuMillis, memoryMiB: budget.memoryMiB } : withHeadroom(need.requests, headroomPercent),
    limits: withHeadroom(need.limits, headroomPercent),
    ...(budget ? { budget } : {}),
  };
}

const STRENGTH: Record<PromotionPhase, number> = { dormant: 0, draining: 1, preparing: 2, peak: 3 };

/** The phase that decides a budget: the group's promotion's, else the strongest of the promotions the apps follow. */
export function budgetPhase(groupPhase: PromotionPhase | undefined, followed: readonly PromotionPhase[]): PromotionPhase {
  if (groupPhase !== undefined) return groupPhase;
  let best = PromotionPhase.DORMANT;
  for (const p of followed) if (STRENGTH[p] > STRENGTH[best]) best = p;
  return best;
}

/** The budget that holds for a group and phase: one stated for the phase, else one for every phase. */
export function budgetFor(budgets: readonly TeamBudget[], group: string, phase: PromotionPhase): TeamBudget | undefined {
  const ofGroup = budgets.filter((b) => b.group?.name === group);
  return ofGroup.find((b) => b.phase === phase) ?? ofGroup.find((b) => b.phase === undefined);
}
