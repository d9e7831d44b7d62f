import * as fs from 'fs';
import { k8s } from 'cdk8s-plus-28';
import {
  autoscalerProps, canonicalObject, deploymentProps, disruptionBudgetProps, KubeObject, serviceProps, toManifest,
  WIRE_NAMES,
} from '../../../../constructs/internal';
import { REFERENCE_TIMES, referenceSynthesis } from '../../../helpers/reference';

/**
 * The one-pass `manifest` against cdk8s-plus-28's own converters (`KubeX.manifest(props)`, then the canonical form
 * cdk8s writes), for every object of every app instance of the reference estate at several times.
 */
describe('manifest: the same as cdk8s-plus-28\'s converters, in one pass', () => {
  test('the renamed struct fields are exactly those of cdk8s-plus-28\'s k8s module', () => {
    const source = fs.readFileSync(require.resolve('cdk8s-plus-28/lib/imports/k8s.js'), 'utf8');
    const derived: Record<string, string> = {};
    for (const m of source.matchAll(/'([A-Za-z0-9$_-]+)': \(?\(?obj\.([A-Za-z0-9_]+)/g)) if (m[1] !== m[2]) derived[m[2]] = m[1];
    expect(derived).toEqual(WIRE_NAMES);
  });

  test.each(Object.entries(REFERENCE_TIMES))('every app object of the reference estate, %s', (_, asOf) => {
    const plans = referenceSynthesis(asOf).plan.apps;
    expect(plans.length).toBeGreaterThan(0);
    let compared = 0;
    const same = (gvk: { apiVersion: string; kind: string }, ours: object, theirs: KubeObject) => {
      expect(toManifest(gvk, ours)).toEqual(canonicalObject(theirs));
      expect(JSON.stringify(toManifest(gvk, ours))).toBe(JSON.stringify(canonicalObject(theirs)));
      compared++;
    };
    for (const plan of plans) {
      for (const w of plan.workloads) {
        const d = deploymentProps(plan, w);
        same(k8s.KubeDeployment.GVK, d, k8s.KubeDeployment.manifest(d));
        if (w.autoscaling) {
          const h = autoscalerProps(plan, w);
          same(k8s.KubeHorizontalPodAutoscalerV2.GVK, h, k8s.KubeHorizontalPodAutoscalerV2.manifest(h));
        }
      }
      const p = disruptionBudgetProps(plan);
      same(k8s.KubePodDisruptionBudget.GVK, p, k8s.KubePodDisruptionBudget.manifest(p));
      // trafficDistribution is newer than cdk8s-plus-28's ServiceSpec: its converter drops it; ours keeps it.
      const s = serviceProps(plan);
      const { trafficDistribution, ...older } = s.spec;
      same(k8s.KubeService.GVK, { ...s, spec: older }, k8s.KubeService.manifest(s));
      expect((toManifest(
        k8s.KubeService.GVK,
        s,
      ) as unknown as { spec: { trafficDistribution?: string } }).spec.trafficDistribution).toBe(trafficDistribution);
    }
    expect(compared).toBeGreaterThan(plans.length * 3);
  });
});

describe('a cluster target without patches skips the chart: its objects are what the chart would resolve', () => {
  test.each(['peak', 'preparingFirstBatch'] as const)('every cluster target of the reference estate, %s', (time) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { App, Chart } = require('cdk8s') as typeof import('cdk8s');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { RenderedObject } = require('../../../../constructs/internal') as typeof import('../../../../constructs/internal');
    const targets = referenceSynthesis(REFERENCE_TIMES[time]).targets.filter((t) => t.name !== 'management');
    expect(targets.length).toBeGreaterThan(3);
    for (const target of targets) {
      const chart = new Chart(new App({ outdir: '.', recordConstructMetadata: false }), target.name, { disableResourceNameHashes: true });
      for (const o of target.objects) new RenderedObject(chart, `${o.kind}.${o.metadata.namespace ?? ''}.${o.metadata.name}`, o);
      expect(JSON.stringify(chart.toJson())).toBe(JSON.stringify(target.objects));
    }
  });
});
