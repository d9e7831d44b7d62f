/**
 * Stage "pulumi-cluster-stack": a cluster stack with 1,000 apps under `pulumi.runtime.setMocks`, against the same
 * Kubernetes resources registered bare.
 *
 *  input:    the reference estate at the Double 11 peak, with cluster trade-hz1's target replaced by 1,000 generated
 *            apps (pulumi-apps.ts: per app a Deployment whose replicas an HPA owns, a Service, a PodDisruptionBudget,
 *            an HPA; 20 namespaces): 4,020 objects. Generated so that the stage does not depend on the app templates.
 *  ours:     the cluster stack program (estateStack): plan and rules per object, kubeconfig from the management stack's
 *            output and the pin check, the EstateTarget component with its provider, 4,020 typed resources with
 *            parent, protect/retainOnDelete, ignoreChanges and namespace dependencies.
 *  baseline: the same 4,020 objects as bare typed resources (`new k8s.apps.v1.Deployment(name, obj, { provider })`)
 *            with one provider, no component and no options, under the same mocks.
 *
 * Each run is a fresh process (pulumi-worker.ts), so each peak memory is its own; ours and the baseline alternate.
 * Both must register the same set of `type name` Kubernetes resources, or the stage fails rather than compare
 * different work. Judged, ours/baseline at most 1.2 each: the median process CPU time (the program is single-threaded
 * and does no I/O under mocks, so on an idle machine CPU time is wall time; on a shared one wall time also measures
 * the neighbours — it is reported, as `ours/baseline`, not judged) and the median of the runs' peak heap.
 *
 *   npm run bench -- --stage pulumi-cluster-stack
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { median, round, toMB } from '../harness/measure';
import { BenchError, Check, PipelineStats, Stage, StageContext, StageResult } from '../harness/types';
import type { WorkerResult } from './pulumi-worker';

const NAME = 'pulumi-cluster-stack';
const DESCRIPTION = 'cluster stack of 1,000 apps (4,020 objects) under Pulumi mocks vs the same resources registered bare; size = apps';
export const PULUMI_STAGE_APPS = 1000;
/** Largest allowed ours/baseline ratio of median time and of median peak heap. */
export const PULUMI_RATIO_MAX = 1.2;
const RUNS = 3;

function runWorker(mode: 'ours' | 'baseline', apps: number): WorkerResult {
  const worker = path.join(__dirname, 'pulumi-worker.js');
  if (!fs.existsSync(worker)) throw new BenchError(`${NAME}: ${worker} is missing; run the bench from the build (npm run bench)`);
  const child = spawnSync(process.execPath, ['--expose-gc', worker, '--mode', mode, '--apps', String(apps)], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  const line = child.stdout?.trim().split('\n').pop();
  if (child.status !== 0 || !line) {
    throw new BenchError(`${NAME}: the ${mode} run failed (exit ${child.status ?? child.signal}):\n${(child.stderr ?? '').trim().split('\n').slice(-15).join('\n')}`);
  }
  return JSON.parse(line) as WorkerResult;
}

function stats(runs: WorkerResult[]): PipelineStats {
  const phases = Object.keys(runs[0].phasesMs);
  return {
    medianMs: round(median(runs.map((r) => r.ms)), 1),
    runsMs: runs.map((r) => round(r.ms, 1)),
    medianCpuMs: round(median(runs.map((r) => r.cpuMs)), 1),
    phasesMs: Object.fromEntries(phases.map((p) => [p, round(median(runs.map((r) => r.phasesMs[p] ?? 0)), 1)])),
    peakHeapMB: toMB(Math.max(...runs.map((r) => r.peakHeapBytes))),
    peakHeapGrowthMB: toMB(Math.max(...runs.map((r) => r.peakHeapBytes - r.heapBeforeBytes))),
    peakRssMB: toMB(Math.max(...runs.map((r) => r.peakRssBytes))),
    objects: runs[0].objects,
    files: 0,
  };
}

export const pulumiClusterStack: Stage = {
  name: NAME,
  description: DESCRIPTION,
  run(context: StageContext): StageResult {
    const apps = PULUMI_STAGE_APPS;
    const ours: WorkerResult[] = [];
    const baseline: WorkerResult[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Alternated, so that drift (a busy machine, thermal) weighs on both alike.
      const a = runWorker('ours', apps);
      const b = runWorker('baseline', apps);
      if (a.registeredDigest !== b.registeredDigest || a.objects !== b.objects) {
        throw new BenchError(`${NAME}: ours registered ${a.objects} Kubernetes resources and the baseline ${b.objects}, not the same set; the comparison would not be honest`);
      }
      ours.push(a);
      baseline.push(b);
      context.log(`${NAME}: ${apps} apps, run ${i + 1}/${RUNS}: ours ${a.ms.toFixed(0)} ms ${toMB(a.peakHeapBytes)} MB heap, baseline ${b.ms.toFixed(0)} ms ${toMB(b.peakHeapBytes)} MB heap`);
    }
    const o = stats(ours);
    const b = stats(baseline);
    const ratio = round(o.medianMs / b.medianMs, 2);
    const cpuRatio = round(o.medianCpuMs / b.medianCpuMs, 2);
    const heapRatio = round(median(ours.map((r) => r.peakHeapBytes)) / median(baseline.map((r) => r.peakHeapBytes)), 2);
    const checks: Check[] = [
      { name: `CPU time ratio at ${apps} apps`, value: cpuRatio, limit: PULUMI_RATIO_MAX, pass: cpuRatio <= PULUMI_RATIO_MAX },
      { name: `peak heap ratio at ${apps} apps (median of per-run peaks)`, value: heapRatio, limit: PULUMI_RATIO_MAX, pass: heapRatio <= PULUMI_RATIO_MAX },
    ];
    return {
      name: NAME,
      description: DESCRIPTION,
      pipelines: {
        ours: 'estateStack: plan + EstateTarget (provider, typed resources with parent, options, dependencies)',
        baseline: 'the same objects as bare typed resources with one provider',
      },
      sizes: [{ size: apps, runs: RUNS, ours: o, baseline: b, ratio, cpuRatio, identical: true }],
      growth: [],
      checks,
      pass: checks.every((c) => c.pass),
    };
  },
};
