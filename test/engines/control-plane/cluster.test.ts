/**
 * Cluster targets on a real control plane: etcd, kube-apiserver, kube-controller-manager, kube-scheduler, and KWOK
 * playing the kubelets of simulated nodes.
 *
 * 1. Every cluster target of the reference estate (dormant and peak as-of): priority classes, namespaces and service
 *    accounts applied, apps (Deployments, HPAs, PDBs, Services) server-side applied as a dry run with
 *    fieldValidation=Strict; Pod Security Admission `restricted`, enforced through the namespaces' labels, admits a
 *    pod made from every Deployment's template and rejects a privileged one.
 * 2. One cluster at peak on nodes made from its node pools (simulated-nodes.ts), autoscalers at their maximum: the
 *    real scheduler places every pod on its app's pool, zone skew <= 1, and the pods fit where `estate synth` says.
 * 3. Drills: drain a node, then the rest of its zone, through the eviction API (the PDBs refuse evictions beyond the
 *    budget, replicas reschedule); then remove every node of another zone (apps recover their budget's worth of
 *    ready replicas in the zones left).
 */
import { MANAGEMENT_TARGET, summarize } from '../../../constructs';
import { sleep, waitFor } from '../../helpers/processes';
import { REFERENCE_TIMES, referenceSynthesis } from '../../helpers/reference';
import { describeWithBuiltEngines } from '../engines-env';
import { expectedLines } from './expected';
import { applyAll, describeObject, differenceLines, unexpectedDifferences } from './estate-on-server';
import { KubeClient, KubeError, ObjectRef } from './kube-client';
import { useControlPlane } from './lifecycle';
import { simulatedNodes, SimulatedNode } from './simulated-nodes';

/** The cluster whose pods the scheduler places: two pools, one tainted and dedicated to its app. */
const SCHEDULED_CLUSTER = process.env.ENGINES_SCHEDULED_CLUSTER ?? 'charging-sh1';
const AS_OF = { dormant: REFERENCE_TIMES.dormantBefore, peak: REFERENCE_TIMES.peak } as const;
/** Seconds a simulated pod takes to become Ready after it is scheduled (plus up to 1.5x jitter). */
const POD_READY_DELAY_MS = 2000;
const REAL_KINDS = new Set(['Namespace', 'PriorityClass', 'ServiceAccount']);

function clusterTargets(asOf: Date): { name: string; objects: any[] }[] {
  return referenceSynthesis(asOf).targets.filter((t) => t.name !== MANAGEMENT_TARGET)
    .map((t) => ({ name: t.name, objects: JSON.parse(JSON.stringify(t.objects)) }));
}

/** A pod from a Deployment's template, as the ReplicaSet controller would create it. */
function podFromTemplate(deployment: any, name: string): any {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: deployment.metadata.namespace, labels: { ...deployment.spec.template.metadata.labels, 'engines.cluster-estate.io/check': 'psa' }, annotations: deployment.spec.template.metadata.annotations },
    spec: deployment.spec.template.spec,
  };
}

function isReady(pod: any): boolean {
  return pod.status?.phase === 'Running' && (pod.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
}

/** Pods that serve: Running and Ready, not being deleted, on a node that still exists. */
function serving(pods: any[], nodes: Set<string>): any[] {
  return pods.filter((p) => isReady(p) && !p.metadata.deletionTimestamp && nodes.has(p.spec.nodeName));
}

function selectorString(matchLabels: Record<string, string>): string {
  return Object.entries(matchLabels).map(([k, v]) => `${k}=${v}`).join(',');
}

function countBy<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return out;
}

async function nodeNames(client: KubeClient): Promise<Set<string>> {
  return new Set((await client.list('v1', 'Node')).map((n: any) => n.metadata.name));
}

describeWithBuiltEngines('cluster targets on a real control plane with simulated nodes',
  ['ETCD_BIN', 'KUBE_APISERVER_BIN', 'KUBE_CONTROLLER_MANAGER_BIN', 'KUBE_SCHEDULER_BIN', 'KWOK_BIN', 'KWOK_STAGES'] as const, (bins) => {
    const plane = useControlPlane({
      bins, components: ['controller-manager', 'scheduler', 'kwok'], podReadyDelayMs: POD_READY_DELAY_MS,
      // KWOK renews the simulated nodes' leases; on a loaded 2-core machine a renewal can come late, and the node
      // lifecycle controller would then taint a node NotReady and take its zone out of the pods' spread. The drills
      // remove nodes explicitly, so a longer grace period costs them nothing.
      controllerManagerArgs: ['--node-monitor-grace-period=2m'],
      // The mesh's kinds: meshed clusters carry Istio objects.
      crdSets: ['istio'],
    });
    let client: KubeClient;
    const report: Record<string, unknown> = {};

    beforeAll(async () => {
      client = plane.cp.client;
      // The namespaces the mesh installation owns (its root namespace, where the mesh-wide PeerAuthentication lives),
      // as a cluster with Istio installed has them.
      const declared = new Set<string>();
      const used = new Set<string>();
      for (const asOf of Object.values(AS_OF)) {
        for (const t of clusterTargets(asOf)) {
          for (const o of t.objects) {
            if (o.kind === 'Namespace') declared.add(o.metadata.name);
            else if (o.metadata.namespace) used.add(o.metadata.namespace);
          }
        }
      }
      for (const name of [...used].filter((n) => !declared.has(n)).sort()) await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { fieldManager: 'mesh-installation' });
      // eslint-disable-next-line no-console
      console.log(`control plane up: ${JSON.stringify(plane.cp.startSeconds)} (seconds per component)`);
    }, 300_000);

    afterAll(async () => {
      // eslint-disable-next-line no-console
      console.log(`cluster drills report:\n${JSON.stringify(report, null, 2)}`);
    }, 60_000);

    it('accepts every cluster target\'s objects (strict), and Pod Security Admission restricted admits every templated pod', async () => {
      const pairs: { object: ObjectRef; got: unknown }[] = [];
      const errors: string[] = [];
      const warnings: string[] = [];
      let objects = 0;
      let pods = 0;
      for (const [label, asOf] of Object.entries(AS_OF)) {
        for (const target of clusterTargets(asOf)) {
          const real = target.objects.filter((o) => REAL_KINDS.has(o.kind));
          for (const o of await applyAll(client, real)) {
            if (o.error) errors.push(`${label} ${target.name} ${describeObject(o.object)}: ${o.error}`);
            warnings.push(...o.warnings.map((w) => `${label} ${target.name} ${describeObject(o.object)}: ${w}`));
          }
          for (const object of target.objects) {
            objects++;
            try {
              const res = REAL_KINDS.has(object.kind) ? {
                body: await client.get(object),
                warnings: [],
              } : await client.apply(object, { dryRun: true });
              pairs.push({ object, got: res.body });
              warnings.push(...res.warnings.map((w: string) => `${label} ${target.name} ${describeObject(object)}: ${w}`));
            } catch (e) {
              errors.push(`${label} ${target.name} ${describeObject(object)}: ${(e as Error).message}`);
            }
          }
          for (const d of target.objects.filter((o) => o.kind === 'Deployment')) {
            pods++;
            const res = await client.request('POST', `/api/v1/namespaces/${d.metadata.namespace}/pods?dryRun=All&fieldValidation=Strict`, podFromTemplate(d, `${d.metadata.name}-psa-check`));
            if (res.status !== 201) errors.push(`${label} ${target.name} pod of Deployment ${d.metadata.namespace}/${d.metadata.name}: ${res.status} ${res.body?.message}`);
            warnings.push(...res.warnings.map((w) => `${label} ${target.name} pod of ${d.metadata.name}: ${w}`));
          }
        }
      }
      report.clusterObjectsAccepted = objects;
      report.templatedPodsAdmitted = pods;
      expect(errors).toEqual([]);
      expect(warnings).toEqual([]);
      const lines = differenceLines(pairs);
      // eslint-disable-next-line no-console
      console.log(`${objects} cluster objects accepted, ${pods} templated pods admitted; server-side differences:\n${lines.join('\n')}`);
      expect(unexpectedDifferences(pairs)).toEqual([]);
      expect(lines).toEqual(expectedLines('cluster-server-defaults', lines));
    }, 600_000);

    it('rejects a privileged pod under restricted, and only because of the namespace\'s Pod Security labels', async () => {
      const d = clusterTargets(AS_OF.peak).find((t) => t.name === SCHEDULED_CLUSTER)!.objects.find((o) => o.kind === 'Deployment');
      const pod = podFromTemplate(d, 'privileged-check');
      pod.spec = {
        ...pod.spec,
        containers: pod.spec.containers.map((c: any, i: number) => (i === 0 ? {
          ...c,
          securityContext: { ...c.securityContext, privileged: true, allowPrivilegeEscalation: true },
        } : c)),
      };
      const refused = await client.request('POST', `/api/v1/namespaces/${d.metadata.namespace}/pods?dryRun=All`, pod);
      expect(refused.status).toBe(403);
      expect(refused.body.message).toMatch(/violates PodSecurity "restricted:v1\.\d+": privileged/);
      // The same pod in a namespace without Pod Security labels is admitted: the API server allows privileged pods.
      await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'no-pod-security' } });
      const sa = pod.spec.serviceAccountName;
      if (sa) await client.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace: 'no-pod-security' } });
      const admitted = await client.request('POST', '/api/v1/namespaces/no-pod-security/pods?dryRun=All', { ...pod, metadata: { ...pod.metadata, namespace: 'no-pod-security' } });
      expect({ status: admitted.status, message: admitted.body?.message }).toEqual({ status: 201, message: undefined });
    }, 60_000);

    describe(`${SCHEDULED_CLUSTER} at peak on simulated nodes`, () => {
      const synthesis = referenceSynthesis(AS_OF.peak);
      const nodes: SimulatedNode[] = simulatedNodes(synthesis, SCHEDULED_CLUSTER, 'max');
      const nodeOf = new Map(nodes.map((n) => [n.name, n]));
      const target = clusterTargets(AS_OF.peak).find((t) => t.name === SCHEDULED_CLUSTER)!;
      // The apps' workloads (the mesh's ingress gateways are not apps: no app pool, no serving label).
      const ofApps = (kind: string) => target.objects.filter((o) => o.kind === kind && o.metadata.labels?.['cluster-estate.io/app'] !== undefined);
      const deployments = ofApps('Deployment');
      const hpas = ofApps('HorizontalPodAutoscaler');
      const pdbs = ofApps('PodDisruptionBudget');
      const workloads = summarize(synthesis).workloads.find((w) => w.cluster === SCHEDULED_CLUSTER)!;
      const appPool = new Map(synthesis.plan.apps.filter((a) => a.cluster === SCHEDULED_CLUSTER).map((a) => [a.app, a.pool.name]));
      /** Replicas at the peak profile: HPAs at their maximum, fixed Deployments as written. */
      const peakReplicas = new Map(deployments.map((d) => {
        const hpa = hpas.find((h) => h.spec.scaleTargetRef.name === d.metadata.name);
        return [d.metadata.name, hpa ? hpa.spec.maxReplicas : d.spec.replicas ?? 1] as const;
      }));
      const desiredHealthy = new Map<string, number>();

      const podsOf = async (d: any) => client.list('v1', 'Pod', { namespace: d.metadata.namespace, labelSelector: selectorString(d.spec.selector.matchLabels) });
      const podsOfPdb = async (p: any) => client.list('v1', 'Pod', { namespace: p.metadata.namespace, labelSelector: selectorString(p.spec.selector.matchLabels) });

      it('creates the nodes the node pools declare, per zone, with the Machines\' labels and taints; KWOK keeps them Ready', async () => {
        const poolNodes = countBy(nodes, (n) => n.pool);
        for (const p of workloads.pools) expect({ pool: p.pool, nodes: poolNodes[p.pool] }).toEqual({ pool: p.pool, nodes: p.nodes.max });
        const t0 = Date.now();
        for (const n of nodes) await client.create(n.object as any);
        // Ready, and without the node.kubernetes.io/not-ready taint the node lifecycle controller puts on a new node
        // and lifts a moment after it turns Ready: a tainted node is outside its zone's spread domain.
        await waitFor(`${nodes.length} nodes Ready and untainted by the node lifecycle controller`, async () => {
          const list = await client.list('v1', 'Node');
          return list.filter((n: any) => (n.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True')
            && !(n.spec.taints ?? []).some((t: any) => t.key.startsWith('node.kubernetes.io/'))).length === nodes.length;
        }, 120_000, 500);
        report.nodes = { count: nodes.length, byPoolAndZone: countBy(nodes, (n) => `${n.pool}/${n.zone}`), readySeconds: (Date.now() - t0) / 1000 };
      }, 180_000);

      it('schedules every pod of the peak profile on its app\'s pool, zone skew <= 1, fitting where estate synth says', async () => {
        const outcomes = await applyAll(client, target.objects);
        expect(outcomes.filter((o) => o.error).map((o) => `${describeObject(o.object)}: ${o.error}`)).toEqual([]);
        // The HPA controller first brings each Deployment to its minimum; then the peak profile sets the maximum.
        for (const h of hpas) {
          const name = h.spec.scaleTargetRef.name;
          await waitFor(`HPA ${name} to scale to its minimum`, async () => {
            const d = await client.get({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: h.metadata.namespace } });
            return (d.spec.replicas ?? 0) >= h.spec.minReplicas;
          }, 60_000, 500);
          await client.mergePatch({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: h.metadata.namespace } }, { spec: { replicas: h.spec.maxReplicas } }, 'scale');
        }
        const t0 = Date.now();
        const fits = new Map(workloads.pools.map((p) => [p.pool, p.maxCommittedPercent <= 100]));
        await waitFor('every Deployment of the peak profile to be ready (or its pods unschedulable where synth said so)', async () => {
          for (const d of deployments) {
            const pods = await podsOf(d);
            const want = peakReplicas.get(d.metadata.name)!;
            const ready = pods.filter(isReady).length;
            const unschedulable = pods.filter((p: any) => (p.status?.conditions ?? []).some((c: any) => c.type === 'PodScheduled' && c.reason === 'Unschedulable')).length;
            if (fits.get(appPool.get(d.spec.template.metadata.labels['cluster-estate.io/app'])!) ? ready < want : ready + unschedulable < want) return false;
          }
          return true;
        }, 240_000, 1000);
        const placement: Record<string, unknown> = {};
        report.peakPlacement = { deployments: placement };
        // What the scheduler saw of the nodes: a tainted or NotReady node leaves its zone's spread domain.
        const nodeState = (await client.list('v1', 'Node')).filter((n: any) => (n.spec.taints ?? []).some((t: any) => t.key.startsWith('node.kubernetes.io/'))
          || !(n.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True'))
          .map((n: any) => `${n.metadata.name}: ${(n.spec.taints ?? []).map((t: any) => `${t.key}:${t.effect}`).join(',')}`);
        (report.peakPlacement as Record<string, unknown>).nodesNotReadyOrTainted = nodeState;
        for (const d of deployments) {
          const pods = await podsOf(d);
          const app = d.spec.template.metadata.labels['cluster-estate.io/app'];
          const pool = appPool.get(app)!;
          expect(pods.length).toBe(peakReplicas.get(d.metadata.name));
          const placed = pods.filter((p: any) => p.spec.nodeName);
          // Pool: every pod on a node of its app's pool (required node affinity + taints/tolerations).
          expect([...new Set(placed.map((p: any) => nodeOf.get(p.spec.nodeName)?.pool))]).toEqual([pool]);
          // Zones: skew <= 1 over the zones the pool has nodes in.
          const zones = [...new Set(nodes.filter((n) => n.pool === pool).map((n) => n.zone))].sort();
          const perZone = countBy(placed, (p: any) => nodeOf.get(p.spec.nodeName)!.zone);
          const counts = zones.map((z) => perZone[z] ?? 0);
          placement[d.metadata.name] = { pool, replicas: pods.length, perZone };
          expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
          // Hosts: replicas per node; a template that requires host anti-affinity gets at most one per node.
          const perHost = Object.values(countBy(placed, (p: any) => p.spec.nodeName));
          const required = d.spec.template.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
          if (required?.some((t: any) => t.topologyKey === 'kubernetes.io/hostname')) expect(Math.max(...perHost)).toBe(1);
          placement[d.metadata.name] = {
            pool, replicas: pods.length, ready: pods.filter(isReady).length, pending: pods.length - placed.length,
            perZone, hosts: perHost.length, maxPerHost: Math.max(...perHost), poolNodes: nodes.filter((n) => n.pool === pool).length,
          };
          if (fits.get(pool)) expect(placed.length).toBe(pods.length);
          else expect(placed.length).toBeLessThan(pods.length);
        }
        report.peakPlacement = {
          ...(report.peakPlacement as object),
          seconds: (Date.now() - t0) / 1000,
          estateSynth: workloads.pools.map((p) => ({ pool: p.pool, pods: p.pods, maxCommittedPercent: p.maxCommittedPercent })),
        };
        // The disruption controller has judged every budget.
        for (const p of pdbs) {
          const status = await waitFor(`PDB ${p.metadata.name} status`, async () => {
            const got = await client.get(p);
            return got.status?.observedGeneration === got.metadata.generation && got.status.expectedPods > 0 ? got.status : undefined;
          }, 60_000, 500);
          desiredHealthy.set(p.metadata.name, status.desiredHealthy);
          expect(status.disruptionsAllowed).toBeGreaterThan(0);
        }
      }, 420_000);

      /** Evicts every pod on `drained` through the eviction API until none is left; counts refusals (429). */
      async function drain(drained: string[]): Promise<{
        evicted: number;
        refused: number;
        rounds: number;
        seconds: number;
        minServing: Record<string, number>;
      }> {
        const t0 = Date.now();
        for (const name of drained) await client.mergePatch({ apiVersion: 'v1', kind: 'Node', metadata: { name } }, { spec: { unschedulable: true } });
        const drainedSet = new Set(drained);
        let evicted = 0;
        let refused = 0;
        let rounds = 0;
        const minServing: Record<string, number> = {};
        for (;;) {
          const existing = await nodeNames(client);
          for (const p of pdbs) {
            const now = serving(await podsOfPdb(p), existing).length;
            minServing[p.metadata.name] = Math.min(minServing[p.metadata.name] ?? Infinity, now);
          }
          const onNodes = (await client.list('v1', 'Pod')).filter((p: any) => drainedSet.has(p.spec.nodeName) && !p.metadata.deletionTimestamp);
          if (onNodes.length === 0) break;
          if (++rounds > 600) throw new Error(`drain of ${drained.join(',')} did not finish: ${onNodes.length} pods left`);
          const results = await Promise.all(onNodes.map((p: any) => client.request('POST', `/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}/eviction`, {
            apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: p.metadata.name, namespace: p.metadata.namespace },
          })));
          for (const r of results) {
            if (r.status === 201 || r.status === 200) evicted++;
            else if (r.status === 429) refused++;
            else if (r.status !== 404) throw new KubeError('POST', 'eviction', r.status, r.body);
          }
          await sleep(500);
        }
        return { evicted, refused, rounds, seconds: (Date.now() - t0) / 1000, minServing };
      }

      it('drains a node, then the rest of its zone, through the eviction API: the budgets hold and replicas reschedule', async () => {
        const pods = (await client.list('v1', 'Pod')).filter((p: any) => nodeOf.has(p.spec.nodeName));
        const busiest = Object.entries(countBy(pods, (p: any) => p.spec.nodeName)).sort((a, b) => b[1] - a[1])[0][0];
        const zone = nodeOf.get(busiest)!.zone;
        const oneNode = await drain([busiest]);
        const rest = nodes.filter((n) => n.zone === zone && n.name !== busiest).map((n) => n.name);
        const zoneDrain = await drain(rest);
        report.drain = {
          node: busiest,
          zone,
          oneNode,
          restOfZone: { nodes: rest.length, ...zoneDrain },
          desiredHealthy: Object.fromEntries(desiredHealthy),
        };
        for (const [pdb, min] of Object.entries({ ...oneNode.minServing })) expect({
          pdb,
          min: min >= desiredHealthy.get(pdb)!,
        }).toEqual({ pdb, min: true });
        for (const [pdb, min] of Object.entries(zoneDrain.minServing)) expect({
          pdb,
          min: min >= desiredHealthy.get(pdb)!,
        }).toEqual({ pdb, min: true });
        // Every replica is back, outside the drained zone, still spread evenly over the zones left.
        await waitFor('every Deployment ready again after the drain', async () => {
          for (const d of deployments) if ((await podsOf(d)).filter(isReady).length < peakReplicas.get(d.metadata.name)!) return false;
          return true;
        }, 180_000, 1000);
        const after: Record<string, unknown> = {};
        for (const d of deployments) {
          const ps = (await podsOf(d)).filter(isReady);
          expect(ps.filter((p: any) => nodeOf.get(p.spec.nodeName)!.zone === zone)).toEqual([]);
          const pool = appPool.get(d.spec.template.metadata.labels['cluster-estate.io/app'])!;
          const zones = [...new Set(nodes.filter((n) => n.pool === pool && n.zone !== zone).map((n) => n.zone))];
          const perZone = countBy(ps, (p: any) => nodeOf.get(p.spec.nodeName)!.zone);
          const counts = zones.map((z) => perZone[z] ?? 0);
          expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
          after[d.metadata.name] = perZone;
        }
        // With a whole zone evicted at once, the budgets must have refused some evictions.
        expect(zoneDrain.refused).toBeGreaterThan(0);
        (report.drain as Record<string, unknown>).perZoneAfter = after;
        // Maintenance over: the zone comes back.
        for (const name of [busiest, ...rest]) await client.mergePatch({ apiVersion: 'v1', kind: 'Node', metadata: { name } }, { spec: { unschedulable: false } });
      }, 600_000);

      it('loses every node of another zone: each app recovers its budget\'s worth of ready replicas in the zones left', async () => {
        const drainedZone = (report.drain as { zone: string } | undefined)?.zone;
        const zones = [...new Set(nodes.map((n) => n.zone))].sort();
        const lost = zones.find((z) => z !== drainedZone)!;
        const before: Record<string, number> = {};
        for (const p of pdbs) before[p.metadata.name] = serving(await podsOfPdb(p), await nodeNames(client)).length;
        const t0 = Date.now();
        for (const n of nodes.filter((x) => x.zone === lost)) await client.delete({ apiVersion: 'v1', kind: 'Node', metadata: { name: n.name } });
        const existing = await nodeNames(client);
        const right: Record<string, number> = {};
        for (const p of pdbs) right[p.metadata.name] = serving(await podsOfPdb(p), existing).length;
        // The pod garbage collector removes the pods of the vanished nodes; the ReplicaSets replace them elsewhere.
        const recovered = await waitFor('every budget satisfied in the zones left', async () => {
          const now = await nodeNames(client);
          const out: Record<string, number> = {};
          for (const p of pdbs) {
            out[p.metadata.name] = serving(await podsOfPdb(p), now).length;
            if (out[p.metadata.name] < desiredHealthy.get(p.metadata.name)!) return undefined;
          }
          return out;
        }, 240_000, 1000);
        const recoverySeconds = (Date.now() - t0) / 1000;
        for (const p of pdbs) expect(recovered[p.metadata.name]).toBeGreaterThanOrEqual(desiredHealthy.get(p.metadata.name)!);
        for (const d of deployments) {
          const ps = serving(await podsOf(d), await nodeNames(client));
          expect(ps.filter((p: any) => nodeOf.get(p.spec.nodeName)!.zone === lost)).toEqual([]);
        }
        report.zoneLoss = {
          zone: lost,
          nodesRemoved: nodes.filter((x) => x.zone === lost).length,
          servingBefore: before,
          servingRightAfter: right,
          servingRecovered: recovered,
          desiredHealthy: Object.fromEntries(desiredHealthy),
          recoverySeconds,
        };
      }, 420_000);
    });
  });
