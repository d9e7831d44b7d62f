import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { KubeObject, LABEL_APP, LABEL_CHANNEL, LABEL_CLUSTER, LABEL_ENV, LABEL_IDC, synthesize, validateEstate, writeSynthesis } from '../../../constructs';
import { referenceEstate } from '../../../stacks/estates';
import { REFERENCE_TIMES } from '../../helpers/reference';
import { Json } from './app-fixtures';

const CANONICAL_CPU = /^(?:[1-9]\d*|[1-9]\d*(?<!000)m)$/;
const CANONICAL_MEMORY = /^[1-9]\d*(Mi|Gi|Ti)$/;

/** What `estate synth` writes for the reference estate at `asOf`, read back from dist/reference/<cluster>/*.yaml. */
function distTargets(asOf: Date): Map<string, KubeObject[]> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'estate-reference-apps-'));
  try {
    const dir = writeSynthesis(synthesize(referenceEstate(), { asOf }), tmp);
    const out = new Map<string, KubeObject[]>();
    for (const target of fs.readdirSync(dir).filter((f) => f !== 'management' && fs.statSync(path.join(dir, f)).isDirectory()).sort()) {
      out.set(target, fs.readdirSync(path.join(dir, target)).sort().flatMap((file) => yaml.loadAll(fs.readFileSync(path.join(dir, target, file), 'utf8')) as KubeObject[]));
    }
    return out;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const peak = distTargets(REFERENCE_TIMES.peak);

describe('the reference estate\'s applications, as dist/reference/<cluster>/ holds them', () => {
  test('are valid without a warning', () => {
    expect(validateEstate(referenceEstate())).toEqual([]);
  });

  test('an order API, a charging-pile gateway on its dedicated cluster, a payment worker and a promotion engine', () => {
    const appsOn = (c: string) => [...new Set(peak.get(c)!.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.labels![LABEL_APP]))].sort();
    expect(Object.fromEntries([...peak.keys()].map((c) => [c, appsOn(c)]))).toEqual({
      'charging-sh1': ['charging-gateway'],
      'peak-bj1': ['promotion-engine'],
      'peak-nx1': ['promotion-engine'],
      'trade-bj1': ['order-api'],
      'trade-hz1': ['order-api', 'payment-worker'],
      'trade-hz2': ['order-api', 'payment-worker'],
      'trade-sz1': ['order-api', 'payment-worker'],
    });
  });

  for (const [cluster, objects] of peak) {
    describe(cluster, () => {
      const deployments = objects.filter((o) => o.kind === 'Deployment' && o.metadata.labels?.[LABEL_APP] !== undefined) as Json[];
      const apps = [...new Set(deployments.map((d) => d.metadata.labels[LABEL_APP] as string))];

      test.each(deployments.map((d) => [d.metadata.name, d]))('Deployment %s: hooks, the five labels, native sidecars first, probes, resources, spread', (_, d: Json) => {
        const pod = d.spec.template.spec;
        const main = pod.containers.find((c: Json) => c.name === d.metadata.labels[LABEL_APP]);
        expect(pod.containers).toEqual([main]);
        expect(main.lifecycle.postStart.exec.command.join(' ')).toMatch(/preload .*&& .*online/);
        expect(main.lifecycle.preStop.exec.command.join(' ')).toMatch(/offline; sleep \d+; .*stop/);
        for (const key of [LABEL_APP, LABEL_CLUSTER, LABEL_ENV, LABEL_IDC, LABEL_CHANNEL]) expect(d.spec.template.metadata.labels[key]).toBeTruthy();
        expect(d.spec.template.metadata.labels[LABEL_CLUSTER]).toBe(cluster);
        expect(pod.initContainers.length).toBeGreaterThan(0);
        for (const s of pod.initContainers) {
          expect(s.restartPolicy).toBe('Always');
          expect(s.readinessProbe).toBeDefined();
          expect(s.livenessProbe).toBeDefined();
        }
        expect(main.readinessProbe).toBeDefined();
        expect(main.livenessProbe).toBeDefined();
        expect(main.readinessProbe).not.toEqual(main.livenessProbe);
        for (const c of [...pod.initContainers, ...pod.containers]) {
          // Canonical quantities, as the API server stores them: millicores unless whole cores, the largest binary unit.
          expect(c.resources.requests).toEqual({ cpu: expect.stringMatching(CANONICAL_CPU), memory: expect.stringMatching(CANONICAL_MEMORY) });
          expect(c.resources.limits).toEqual({ cpu: expect.stringMatching(CANONICAL_CPU), memory: expect.stringMatching(CANONICAL_MEMORY) });
        }
        expect(pod.topologySpreadConstraints).toEqual([expect.objectContaining({ topologyKey: 'topology.kubernetes.io/zone', maxSkew: 1 })]);
        expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey).toBe('kubernetes.io/hostname');
        expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key).toBe('node.cluster.x-k8s.io/pool');
        expect(pod.priorityClassName).toMatch(/^estate-/);
        expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(Number(/sleep (\d+)/.exec(main.lifecycle.preStop.exec.command[2])![1]));
        const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === d.metadata.name) as Json;
        if (hpa) {
          expect(d.spec.replicas).toBeUndefined();
          expect(hpa.spec.minReplicas).toBeLessThanOrEqual(hpa.spec.maxReplicas);
        } else {
          expect(d.spec.replicas).toBeGreaterThan(0); // the idle colour of a blue/green release
        }
      });

      test.each(apps)('%s: a disruption budget, an autoscaler and a zone-first Service', (app) => {
        const of = (kind: string) => objects.filter((o) => o.kind === kind && o.metadata.labels?.[LABEL_APP] === app) as Json[];
        expect(of('PodDisruptionBudget').map((p) => p.spec.maxUnavailable)).toEqual(['10%']);
        expect(of('HorizontalPodAutoscaler').length).toBeGreaterThan(0);
        expect(of('Service').map((s) => s.spec.trafficDistribution)).toEqual(['PreferClose']);
      });
    });
  }

  test('the charging gateway runs on its gateway pool, tolerating its taint, with a five-minute drain', () => {
    const d = peak.get('charging-sh1')!.find((o) => o.metadata.name === 'charging-gateway-blue') as Json;
    const pod = d.spec.template.spec;
    expect(pod.tolerations).toEqual([{ effect: 'NoSchedule', key: 'cluster-estate.io/dedicated', operator: 'Equal', value: 'gateway' }]);
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values).toEqual(['gateway']);
    expect(pod.terminationGracePeriodSeconds).toBe(360);
  });

  test('the promotion engine appears only in the peak group, and only during the promotion\'s window', () => {
    const clustersWithEngine = (asOf: Date) => [...distTargets(asOf)].filter(([, objects]) => objects.some((o) => o.metadata.labels?.[LABEL_APP] === 'promotion-engine')).map(([c]) => c);
    expect(clustersWithEngine(REFERENCE_TIMES.dormantBefore)).toEqual([]);
    expect(clustersWithEngine(REFERENCE_TIMES.preparingFirstBatch)).toEqual(['peak-bj1', 'peak-nx1']);
    expect([...peak].filter(([, o]) => o.some((x) => x.metadata.labels?.[LABEL_APP] === 'promotion-engine')).map(([c]) => c)).toEqual(['peak-bj1', 'peak-nx1']);
    expect(clustersWithEngine(REFERENCE_TIMES.drainingFirstBatch)).toEqual(['peak-bj1', 'peak-nx1']);
    expect(clustersWithEngine(REFERENCE_TIMES.dormantAfter)).toEqual([]);
  });

  test('the order API triples its minimum for the peak, split 90/10 between stable and gray', () => {
    const mins = (asOf: Date) => synthesize(referenceEstate(), { asOf, targets: ['trade-hz1'] }).targets[0].objects
      .filter((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.labels![LABEL_APP] === 'order-api').map((o) => (o as Json).spec.minReplicas);
    expect(mins(REFERENCE_TIMES.dormantBefore)).toEqual([8, 1]);
    expect(mins(REFERENCE_TIMES.peak)).toEqual([24, 3]);
  });
});
