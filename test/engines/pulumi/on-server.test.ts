/**
 * The real Pulumi engine and Kubernetes provider against a real control plane (etcd, kube-apiserver with the RBAC
 * authorizer and its default admission plugins — LimitRanger and ResourceQuota among them —, kube-controller-manager,
 * kube-scheduler, KWOK playing the kubelets of simulated nodes), for what render mode cannot show:
 *
 * 1. `pulumi preview --diff --json` against the applied stacks on the server and `estate diff` name the same objects
 *    and the same operations, per stack, for three changes (an app image, an HPA bound, a pool size).
 * 2. Tenancy as the API server enforces it: the team Roles and RoleBindings judged by real SubjectAccessReviews, the
 *    ResourceQuota and LimitRange by real admission (pods refused over quota, defaults filled in).
 * 3. The promotion lifecycle, one `pulumi up` per moment: the peak clusters' objects appear on the server at the first
 *    preparation batch, their pools follow the batches up and down, their protection is released in the final drain
 *    batch and, after drain-until, they are deleted from the server. Each moment is read back from the API server.
 *
 * Needs the Pulumi binaries and the control plane (bash test/engines/provide.sh), and the Cluster API and Istio CRDs in
 * ../shared/crds.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { ClusterGroupKind, MANAGEMENT_TARGET, Synthesis } from '../../../constructs';
import { kubeconfigIdentity } from '../../../stacks/pulumi/kubeconfig';
import { waitFor } from '../../helpers/processes';
import { REFERENCE_TIMES, referenceSynthesis } from '../../helpers/reference';
import { describeWithCrds, MANAGEMENT_CRD_SETS } from '../control-plane/estate-on-server';
import { KubeError } from '../control-plane/kube-client';
import { useControlPlane } from '../control-plane/lifecycle';
import { simulatedNodes } from '../control-plane/simulated-nodes';
import { describeWithBuiltEngines } from '../engines-env';
import { buildOnce, PULUMI_KEYS, PulumiWorkspace, ROOT, StateResource, summaryCounts } from './pulumi-cli';

const REVISED = path.join(__dirname, 'fixtures', 'reference-revised.js');
const CLI = path.join(ROOT, 'lib/stacks/cli/main.js');
/** Before the promotion: no peak cluster exists. */
const DORMANT = '2026-09-01T00:00:00+08:00';
/** The cluster stack the three changes touch: two teams (trade, payments) share it. */
const CLUSTER = 'trade-hz1';

/** One instant of the promotion's calendar (Double 11 of the reference estate, Asia/Shanghai). */
interface Moment {
  readonly label: string;
  readonly asOf: string;
}

/** Mid-batch instants of every preparation and drain batch (4 each), the peak, and a day after drain-until. */
const LIFECYCLE: readonly Moment[] = [
  { label: 'preparing, batch 1 of 4', asOf: '2026-10-21T00:00:00+08:00' },
  { label: 'preparing, batch 2 of 4', asOf: '2026-10-27T00:00:00+08:00' },
  { label: 'preparing, batch 3 of 4', asOf: '2026-11-02T00:00:00+08:00' },
  { label: 'preparing, batch 4 of 4', asOf: '2026-11-09T00:00:00+08:00' },
  { label: 'peak', asOf: '2026-11-11T00:00:00+08:00' },
  { label: 'draining, batch 1 of 4', asOf: '2026-11-13T00:00:00+08:00' },
  { label: 'draining, batch 2 of 4', asOf: '2026-11-15T00:00:00+08:00' },
  { label: 'draining, batch 3 of 4', asOf: '2026-11-17T00:00:00+08:00' },
  { label: 'draining, batch 4 of 4', asOf: '2026-11-18T12:00:00+08:00' },
  { label: 'after drain-until', asOf: '2026-11-19T12:00:00+08:00' },
];

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
};  

const objectsOf = (s: Synthesis, target: string): Obj[] => (s.targets.find((t) => t.name === target)?.objects ?? []) as unknown as Obj[];
const isOf = (cluster: string) => (o: Obj): boolean => o.metadata.namespace === cluster || (o.kind === 'Namespace' && o.metadata.name === cluster);
const refName = (o: Obj): string => (o.metadata.namespace ? `${o.kind}/${o.metadata.namespace}/${o.metadata.name}` : `${o.kind}/${o.metadata.name}`);
const kubernetesResources = (rs: readonly StateResource[] | undefined) => (rs ?? []).filter((r) => r.type.startsWith('kubernetes:') && r.type !== 'pulumi:providers:kubernetes');

const MIN_SIZE = 'cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size';
const MAX_SIZE = 'cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size';
/** A pool's size as a MachineDeployment states it: fixed replicas, or the autoscaler's bounds. */
const poolSize = (md: Obj): string => (md.spec?.replicas !== undefined ? `replicas ${md.spec.replicas}` : `autoscaled ${md.metadata.annotations?.[MIN_SIZE]}-${md.metadata.annotations?.[MAX_SIZE]}`);

/** The operations of `pulumi preview --diff --json` on Kubernetes objects, as `<op> <Kind>/<namespace>/<name>`. */
function previewOps(json: string): string[] {
  const steps = (JSON.parse(json) as { steps?: { op: string; urn: string }[] }).steps ?? [];
  return steps
    .filter((st) => st.op !== 'same' && !st.urn.includes('pulumi:providers') && /[:$]kubernetes:/.test(st.urn))
    .map((st) => {
      const op = ['create-replacement', 'replace', 'delete-replaced'].includes(st.op) ? 'replace' : st.op;
      return `${op} ${st.urn.split('::').pop()}`; // logical names are <Kind>/<namespace>/<name>
    })
    .filter((v, i, a) => a.indexOf(v) === i)
    .sort();
}

/** A pod Pod Security Admission `restricted` admits, with the given containers' resources. */
function restrictedPod(namespace: string, name: string, resources: readonly (Record<string, unknown> | undefined)[]): Obj & Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { 'app.kubernetes.io/name': name } },
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
      automountServiceAccountToken: false,
      containers: resources.map((r, i) => ({
        name: `c${i}`,
        image: 'registry.estate.internal/tools/pause:3.10',
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        ...(r ? { resources: r } : {}),
      })),
    },
  };
}

/** Milli-CPU of a quantity ("51", "54400m", "1.5"). */
function milliCpu(q: string): number {
  return q.endsWith('m') ? Number(q.slice(0, -1)) : Math.round(Number(q) * 1000);
}

describeWithBuiltEngines('the real Pulumi engine on a real control plane: preview, tenancy, promotion',
  [...PULUMI_KEYS, 'ETCD_BIN', 'KUBE_APISERVER_BIN', 'KUBE_CONTROLLER_MANAGER_BIN', 'KUBE_SCHEDULER_BIN', 'KWOK_BIN', 'KWOK_STAGES'] as const, (bins) => {
    describeWithCrds('management and trade-hz1 stacks on the server', () => {
      const plane = useControlPlane({
        bins, components: ['controller-manager', 'scheduler', 'kwok'], controllerManagerArgs: ['--node-monitor-grace-period=2m'],
        crdSets: [...MANAGEMENT_CRD_SETS, 'istio'],
      });
      let ws: PulumiWorkspace;
      plane.afterStop(() => ws?.remove());
      const dormant = referenceSynthesis(new Date(DORMANT));

      /** A stack of this workspace, pointed at the control plane with its kubeconfig (a secret) and pinned to it. */
      async function initStack(stack: string, target: string): Promise<void> {
        fs.writeFileSync(path.join(ws.projectDir, `Pulumi.${stack}.yaml`), yaml.dump({ config: { 'cluster-estate:estate': 'reference', 'cluster-estate:target': target } }));
        await ws.stackInit(stack);
        const kubeconfig = fs.readFileSync(plane.cp.kubeconfigPath, 'utf8');
        await ws.configSet(stack, 'cluster-estate:kubeconfig', kubeconfig, true);
        // The fingerprint the first preview prints (control-plane.test.ts proves that path), computed as the stack does.
        await ws.configSet(stack, 'cluster-estate:clusterFingerprint', kubeconfigIdentity(kubeconfig, 'test').fingerprint);
        await ws.configSet(stack, 'cluster-estate:asOf', DORMANT);
      }

      beforeAll(async () => {
        buildOnce();
        // The namespaces the mesh installation owns (its root namespace), as a cluster with Istio installed has them.
        const objects = objectsOf(dormant, CLUSTER);
        const declared = new Set(objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name));
        for (const ns of new Set(objects.map((o) => o.metadata.namespace).filter((n): n is string => !!n && !declared.has(n)))) {
          await plane.cp.client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, { fieldManager: 'mesh-installation' });
        }
        // Nodes of trade-hz1's pools at their autoscalers' minimum, so that the apps' pods run and their Deployments become ready.
        for (const n of simulatedNodes(dormant, CLUSTER, 'min')) await plane.cp.client.create(n.object as never);
        ws = PulumiWorkspace.create(bins, plane.tracker, 'estate-on-server-');
        // eslint-disable-next-line no-console
        console.log(`control plane up: ${JSON.stringify(plane.cp.startSeconds)} (seconds per component)`);
      }, 300_000);

      test('the management and trade-hz1 stacks apply every object of their targets to the server', async () => {
        await initStack('management', MANAGEMENT_TARGET);
        await initStack(CLUSTER, CLUSTER);
        for (const [stack, target] of [['management', MANAGEMENT_TARGET], [CLUSTER, CLUSTER]]) {
          const up = await ws.run(['up', '--yes', '--skip-preview'], { stack, timeoutMs: 900_000 });
          const objects = objectsOf(dormant, target);
          expect(summaryCounts(up.output).created).toBe(objects.length + 3); // objects, the provider, the component, the stack
          const missing: string[] = [];
          for (const o of objects) await plane.cp.client.get(o).catch((e: Error) => missing.push(`${refName(o)}: ${e.message}`));
          expect({ stack, missing }).toEqual({ stack, missing: [] });
        }
      }, 1_800_000);

      describe('pulumi preview and estate diff agree against the server', () => {
        /** `estate diff` between the reference estate and the revision at DORMANT, per stack. */
        function estateDiff(): Map<string, string[]> {
          const out = path.join(ws.dir, 'diff');
          for (const [side, estate] of [['base', 'reference'], ['head', REVISED]]) {
            const r = spawnSync(process.execPath, [CLI, 'synth', '--estate', estate, '--as-of', DORMANT, '--out', path.join(out, side)], { cwd: ROOT, encoding: 'utf8' });
            if (r.status !== 0) throw new Error(`estate synth ${estate}: ${r.stdout}${r.stderr}`);
          }
          const r = spawnSync(process.execPath, [CLI, 'diff', '--base-dir', path.join(out, 'base', 'reference'), '--head-dir', path.join(out, 'head', 'reference'), '--format', 'json'], { cwd: ROOT, encoding: 'utf8' });
          if (r.status !== 0) throw new Error(`estate diff: ${r.stdout}${r.stderr}`);
          const report = JSON.parse(r.stdout) as { changes: {
            target: string;
            action: string;
            ref: { kind: string; namespace?: string; name: string };
          }[] };
          const byStack = new Map<string, string[]>();
          for (const c of report.changes) {
            byStack.set(c.target, [...(byStack.get(c.target) ?? []), `${c.action} ${refName({ apiVersion: '', kind: c.ref.kind, metadata: c.ref })}`].sort());
          }
          return byStack;
        }

        test('for an app image, an HPA bound and a pool size: the same objects and operations, per stack', async () => {
          const expected = estateDiff();
          expect(expected.get('management')).toEqual(['update MachineDeployment/charging-sh1/charging-sh1-gateway-sh1-a']);
          expect(expected.get(CLUSTER)).toEqual(expect.arrayContaining(['update Deployment/trade/order-api', 'update HorizontalPodAutoscaler/payment/payment-worker']));
          // eslint-disable-next-line no-console
          console.log(`estate diff, per stack:\n${[...expected].map(([k, v]) => `  ${k}: ${v.join(', ')}`).join('\n')}`);
          for (const stack of ['management', CLUSTER]) {
            await ws.configSet(stack, 'cluster-estate:estate', REVISED);
            try {
              const r = await ws.run(['preview', '--diff', '--json'], { stack });
              expect({ stack, ops: previewOps(r.stdout) }).toEqual({ stack, ops: expected.get(stack) ?? [] });
            } finally {
              await ws.configSet(stack, 'cluster-estate:estate', 'reference');
            }
          }
          // Back on the reference estate, the stacks match the server again: nothing to do.
          for (const stack of ['management', CLUSTER]) expect({ stack, ops: previewOps((await ws.run(['preview', '--diff', '--json'], { stack })).stdout) }).toEqual({ stack, ops: [] });
        }, 900_000);
      });

      describe('tenancy on the API server', () => {
        const objects = () => objectsOf(dormant, CLUSTER);
        /** Team namespaces of trade-hz1, by team: trade → trade, payments → payment. */
        const teamNamespaces = () => objects().filter((o) => o.kind === 'Namespace' && o.metadata.labels?.['cluster-estate.io/team']).map((o) => ({ team: o.metadata.labels!['cluster-estate.io/team'], namespace: o.metadata.name }));

        async function allowed(
          user: string,
          groups: readonly string[],
          attrs: { namespace?: string; verb: string; group?: string; resource: string; subresource?: string; name?: string },
        ): Promise<boolean> {
          const review = await plane.cp.client.call<{ status: { allowed: boolean } }>('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SubjectAccessReview',
            spec: { user, groups: [...groups, 'system:authenticated'], resourceAttributes: { group: '', ...attrs } },
          });
          return review.body.status.allowed === true;
        }

        test('every tenancy object is on the server as synthesized', async () => {
          const kinds = new Set(['Role', 'RoleBinding', 'ResourceQuota', 'LimitRange', 'NetworkPolicy']);
          const tenancy = objects().filter((o) => kinds.has(o.kind));
          expect(teamNamespaces().map((t) => t.namespace).sort()).toEqual(['payment', 'trade']);
          expect(new Set(tenancy.map((o) => o.kind))).toEqual(kinds);
          for (const o of tenancy) {
            const got = await plane.cp.client.get<Obj & { rules?: unknown; subjects?: unknown; roleRef?: unknown }>(o);
            const sent = o as Obj & { rules?: unknown; subjects?: unknown; roleRef?: unknown };
            if (o.kind === 'Role') expect(got.rules).toEqual(sent.rules);
            if (o.kind === 'RoleBinding') expect([got.subjects, got.roleRef]).toEqual([sent.subjects, sent.roleRef]);
          }
        });

        test('RBAC, judged by SubjectAccessReviews: deployers and readers get what their Roles say, in their own namespace only', async () => {
          const [trade, payment] = ['trade', 'payment'];
          const deployer = ['dana', ['trade-deployers']] as const;
          const reader = ['rui', ['trade-readers']] as const;
          const results: Record<string, boolean> = {};
          const ask = async (label: string, who: readonly [string, readonly string[]], attrs: Parameters<typeof allowed>[2]) => {
            results[label] = await allowed(who[0], who[1], attrs);
          };
          for (const verb of ['create', 'update', 'patch', 'delete']) {
            await ask(`deployer ${verb} deployments in trade`, deployer, { namespace: trade, verb, group: 'apps', resource: 'deployments' });
            await ask(`deployer ${verb} deployments in payment`, deployer, { namespace: payment, verb, group: 'apps', resource: 'deployments' });
          }
          await ask('deployer get secrets in trade', deployer, { namespace: trade, verb: 'get', resource: 'secrets' });
          await ask('deployer exec into pods in trade', deployer, { namespace: trade, verb: 'create', resource: 'pods', subresource: 'exec' });
          await ask('deployer update the quota in trade', deployer, { namespace: trade, verb: 'update', resource: 'resourcequotas' });
          await ask('deployer update rolebindings in trade', deployer, { namespace: trade, verb: 'update', group: 'rbac.authorization.k8s.io', resource: 'rolebindings' });
          await ask('deployer list namespaces', deployer, { verb: 'list', resource: 'namespaces' });
          await ask('deployer create namespaces', deployer, { verb: 'create', resource: 'namespaces' });
          await ask('deployer list nodes', deployer, { verb: 'list', resource: 'nodes' });
          await ask('deployer create clusterrolebindings', deployer, { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings' });
          await ask('deployer list deployments in all namespaces', deployer, { verb: 'list', group: 'apps', resource: 'deployments' });
          await ask('reader get pods in trade', reader, { namespace: trade, verb: 'get', resource: 'pods' });
          await ask('reader get pods/log in trade', reader, { namespace: trade, verb: 'get', resource: 'pods', subresource: 'log' });
          await ask('reader create pods in trade', reader, { namespace: trade, verb: 'create', resource: 'pods' });
          await ask('reader update deployments in trade', reader, { namespace: trade, verb: 'update', group: 'apps', resource: 'deployments' });
          await ask('reader get secrets in trade', reader, { namespace: trade, verb: 'get', resource: 'secrets' });
          await ask('reader list secrets in trade', reader, { namespace: trade, verb: 'list', resource: 'secrets' });
          await ask('reader get pods/log in payment', reader, { namespace: payment, verb: 'get', resource: 'pods', subresource: 'log' });
          await ask('reader list nodes', reader, { verb: 'list', resource: 'nodes' });
          expect(results).toEqual({
            'deployer create deployments in trade': true,
            'deployer create deployments in payment': false,
            'deployer update deployments in trade': true,
            'deployer update deployments in payment': false,
            'deployer patch deployments in trade': true,
            'deployer patch deployments in payment': false,
            'deployer delete deployments in trade': true,
            'deployer delete deployments in payment': false,
            'deployer get secrets in trade': false,
            'deployer exec into pods in trade': false,
            'deployer update the quota in trade': false,
            'deployer update rolebindings in trade': false,
            'deployer list namespaces': false,
            'deployer create namespaces': false,
            'deployer list nodes': false,
            'deployer create clusterrolebindings': false,
            'deployer list deployments in all namespaces': false,
            'reader get pods in trade': true,
            'reader get pods/log in trade': true,
            'reader create pods in trade': false,
            'reader update deployments in trade': false,
            'reader get secrets in trade': false,
            'reader list secrets in trade': false,
            'reader get pods/log in payment': false,
            'reader list nodes': false,
          });
        });

        test('RBAC on real requests: a deployer creates and deletes a Deployment in its namespace and is refused in another team\'s', async () => {
          const asDeployer = plane.cp.client.impersonating('dana', ['trade-deployers', 'system:authenticated']);
          try {
            const deployment = (namespace: string) => ({
              apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'rbac-probe', namespace },
              spec: { replicas: 0, selector: { matchLabels: { 'app.kubernetes.io/name': 'rbac-probe' } }, template: { metadata: { labels: { 'app.kubernetes.io/name': 'rbac-probe' } }, spec: (restrictedPod(namespace, 'rbac-probe', [undefined]) as any).spec } },  
            });
            await expect(asDeployer.create(deployment('trade'))).resolves.toMatchObject({ metadata: { name: 'rbac-probe' } });
            await expect(asDeployer.delete(deployment('trade'))).resolves.toBe(200);
            const refused = await asDeployer.create(deployment('payment')).catch((e: KubeError) => e);
            expect(refused).toBeInstanceOf(KubeError);
            expect((refused as KubeError).status).toBe(403);
            expect((refused as KubeError).message).toMatch(/User "dana" cannot create resource "deployments" in API group "apps" in the namespace "payment"/);
            const secrets = await asDeployer.request('GET', '/api/v1/namespaces/trade/secrets');
            expect(secrets.status).toBe(403);
          } finally {
            asDeployer.close();
          }
        });

        test('quota and limits, by real admission: over-quota pods are refused with the quota error, a pod without resources gets the LimitRange defaults', async () => {
          const namespace = 'payment';
          const quotaObject = objects().find((o) => o.kind === 'ResourceQuota' && o.metadata.namespace === namespace)!;
          const limitsObject = objects().find((o) => o.kind === 'LimitRange' && o.metadata.namespace === namespace)!;
          // The quota controller (kube-controller-manager) computes the quota's usage; until it has, admission refuses every pod.
          let quota: { status?: { hard?: Record<string, string>; used?: Record<string, string> } } = {};
          await waitFor('the quota controller to compute tenant-quota\'s usage', async () => {
            quota = await plane.cp.client.get(quotaObject);
            return quota.status?.used?.['requests.cpu'] !== undefined && quota.status?.hard?.['requests.cpu'] === quotaObject.spec.hard['requests.cpu'];
          }, 60_000, 250);
          const free = milliCpu(quota.status!.hard!['requests.cpu']) - milliCpu(quota.status!.used!['requests.cpu']);
          const containerMax = limitsObject.spec.limits[0].max as { cpu: string; memory: string };
          // Each container at the LimitRange's largest CPU (which it admits), one more of them than the free quota holds.
          const count = Math.floor(free / milliCpu(containerMax.cpu)) + 1;
          const big = { requests: { cpu: containerMax.cpu, memory: '64Mi' }, limits: { cpu: containerMax.cpu, memory: '64Mi' } };
          const refused = await plane.cp.client.create(restrictedPod(namespace, 'over-quota', Array.from({ length: count }, () => big))).catch((e: KubeError) => e);
          expect(refused).toBeInstanceOf(KubeError);
          expect((refused as KubeError).status).toBe(403);
          expect((refused as KubeError).message).toMatch(/exceeded quota: tenant-quota, requested: .*requests\.cpu=/);

          // A Deployment of such pods is accepted (RBAC and admission judge the Deployment), and its ReplicaSet's pods
          // are refused by the same quota: the Deployment reports ReplicaFailure with the quota error.
          const asDeployer = plane.cp.client.impersonating('pia', ['payments-deployers', 'system:authenticated']);
          const pod = restrictedPod(namespace, 'over-quota', Array.from({ length: count }, () => big));
          const deployment = {
            apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'over-quota', namespace },
            spec: {
              replicas: 1,
              selector: { matchLabels: pod.metadata.labels },
              template: { metadata: { labels: pod.metadata.labels }, spec: pod.spec },
            },
          };
          try {
            await asDeployer.create(deployment);
            let message = '';
            await waitFor('the Deployment to report the ReplicaSet\'s quota failure', async () => {
              const d = await plane.cp.client.get<{ status?: { conditions?: { type: string; status: string; message: string }[] } }>(deployment);
              message = d.status?.conditions?.find((c) => c.type === 'ReplicaFailure' && c.status === 'True')?.message ?? '';
              return message !== '';
            }, 60_000, 250);
            expect(message).toMatch(/exceeded quota: tenant-quota/);
            expect(await plane.cp.client.list('v1', 'Pod', { namespace, labelSelector: 'app.kubernetes.io/name=over-quota' })).toEqual([]);
            await asDeployer.delete(deployment);
          } finally {
            asDeployer.close();
          }

          // A pod that states no resources gets the LimitRange's defaults, and is counted against the quota.
          const plain = await plane.cp.client.create<{ spec: { containers: { resources: unknown }[] } }>(restrictedPod(namespace, 'no-resources', [undefined]));
          const limits = limitsObject.spec.limits[0];
          expect(plain.spec.containers[0].resources).toEqual({ requests: limits.defaultRequest, limits: limits.default });
          await waitFor('the quota to count the pod', async () => {
            const q = await plane.cp.client.get<typeof quota>(quotaObject);
            return milliCpu(q.status!.used!['requests.cpu']) === milliCpu(quota.status!.used!['requests.cpu']) + milliCpu(limits.defaultRequest.cpu);
          }, 60_000, 250);
          await plane.cp.client.delete(restrictedPod(namespace, 'no-resources', []), { gracePeriodSeconds: 0 });
        }, 300_000);
      });

      describe('the promotion lifecycle, one pulumi up per moment, read back from the server', () => {
        const peakClusters = referenceSynthesis(REFERENCE_TIMES.peak).plan.clusters
          .filter((c) => c.groupKind === ClusterGroupKind.PEAK)
          .map((c) => c.name)
          .sort();

        /** What the server holds of the peak clusters' objects the synthesis at `asOf` names: object count and pool sizes. */
        async function onServer(asOf: string): Promise<{ expected: Record<string, string[]>; got: Record<string, string[]>; missing: string[] }> {
          const objects = objectsOf(referenceSynthesis(new Date(asOf)), MANAGEMENT_TARGET);
          const expected: Record<string, string[]> = {};
          const got: Record<string, string[]> = {};
          const missing: string[] = [];
          for (const cluster of peakClusters) {
            const mine = objects.filter(isOf(cluster));
            expected[cluster] = mine.filter((o) => o.kind === 'MachineDeployment').map((o) => `${o.metadata.name} ${poolSize(o)}`).sort();
            got[cluster] = [];
            for (const o of mine) {
              try {
                const live = await plane.cp.client.get<Obj>(o);
                if (o.kind === 'MachineDeployment') got[cluster].push(`${o.metadata.name} ${poolSize(live)}`);
              } catch (e) {
                missing.push(`${refName(o)}: ${(e as Error).message}`);
              }
            }
            got[cluster].sort();
          }
          return { expected, got, missing };
        }

        /** Whether anything of a peak cluster is left on the server: its Namespace, or Cluster API objects in it. */
        async function leftOnServer(cluster: string): Promise<string[]> {
          const left: string[] = [];
          const ns = await plane.cp.client.request('GET', `/api/v1/namespaces/${cluster}`);
          if (ns.status !== 404) left.push(`Namespace/${cluster} (${ns.status}${ns.body?.status?.phase ? ` ${ns.body.status.phase}` : ''})`);
          // Every namespaced kind the estate gives a peak cluster (Cluster API and infrastructure kinds, Secrets).
          const kinds = new Set(objectsOf(referenceSynthesis(REFERENCE_TIMES.peak), MANAGEMENT_TARGET).filter((o) => o.metadata.namespace && peakClusters.includes(o.metadata.namespace)).map((o) => `${o.apiVersion} ${o.kind}`));
          for (const k of [...kinds].sort()) {
            const [apiVersion, kind] = k.split(' ');
            for (const o of await plane.cp.client.list<Obj>(apiVersion, kind)) if (o.metadata.namespace === cluster && !(kind === 'Secret' && o.metadata.name.startsWith('default-token'))) left.push(refName(o));
          }
          return left;
        }

        test('prepare creates the peak clusters on the server, pools follow the batches, the final drain batch releases them, after drain-until they are deleted', async () => {
          expect(peakClusters.length).toBeGreaterThan(0);
          for (const c of peakClusters) expect(await leftOnServer(c)).toEqual([]);
          const peakState = async () => kubernetesResources((await ws.exportState('management')).deployment.resources).filter((r) => peakClusters.some((c) => new RegExp(`::[A-Za-z0-9]+/${c}(/|$)`).test(r.urn)));
          const sizes: Record<string, Record<string, string[]>> = {};
          let created = 0;
          const timings: string[] = [];
          for (const moment of LIFECYCLE) {
            await ws.configSet('management', 'cluster-estate:asOf', moment.asOf);
            const up = await ws.run(['up', '--yes', '--skip-preview'], { stack: 'management', timeoutMs: 900_000 });
            const counts = summaryCounts(up.output);
            timings.push(`${moment.label}: ${up.seconds.toFixed(1)} s ${JSON.stringify(counts)}`);
            const state = await peakState();
            if (moment.label === 'after drain-until') {
              expect({ moment: moment.label, state }).toEqual({ moment: moment.label, state: [] });
              expect(counts.deleted).toBe(created);
              for (const c of peakClusters) expect({ cluster: c, left: await leftOnServer(c) }).toEqual({ cluster: c, left: [] });
              continue;
            }
            const server = await onServer(moment.asOf);
            expect({ moment: moment.label, missing: server.missing }).toEqual({ moment: moment.label, missing: [] });
            expect({ moment: moment.label, pools: server.got }).toEqual({ moment: moment.label, pools: server.expected });
            sizes[moment.label] = server.got;
            if (moment.label === 'preparing, batch 1 of 4') {
              created = state.length;
              expect(counts.created).toBe(created);
              expect(created).toBe(peakClusters.reduce(
                (n, c) => n + objectsOf(referenceSynthesis(new Date(moment.asOf)), MANAGEMENT_TARGET).filter(isOf(c)).length,
                0,
              ));
            } else {
              expect({
                moment: moment.label,
                created: counts.created ?? 0,
                deleted: counts.deleted ?? 0,
              }).toEqual({ moment: moment.label, created: 0, deleted: 0 });
            }
            const guarded = state.filter((r) => r.protect);
            if (moment.label === 'draining, batch 4 of 4') {
              for (const c of peakClusters) expect(up.output).toMatch(new RegExp(`${c} \\(double-11-peak\\): protection released — final drain batch of double-11`));
              expect(state.filter((r) => r.protect || r.retainOnDelete)).toEqual([]);
            } else {
              expect(guarded.map((r) => r.type.split(':').pop())).toEqual(expect.arrayContaining(['Cluster', 'KubeadmControlPlane', 'Namespace']));
              for (const c of peakClusters) expect(up.output).not.toMatch(new RegExp(`${c} \\(double-11-peak\\): protection released`));
            }
          }
          // eslint-disable-next-line no-console
          console.log(`promotion, one pulumi up per moment:\n  ${timings.join('\n  ')}\npeak-bj1 pools per moment:\n${JSON.stringify(Object.fromEntries(Object.entries(sizes).map(([k, v]) => [k, v['peak-bj1']])), null, 1)}`);
          // Batch by batch: each preparation batch grows the autoscaled pools' floor, each drain batch lowers it.
          const floor = (label: string) => sizes[label][peakClusters[0]].filter((l) => l.includes('autoscaled')).map((l) => Number(/autoscaled (\d+)-/.exec(l)![1])).reduce((a, b) => a + b, 0);
          const order = LIFECYCLE.filter((m) => m.label !== 'after drain-until').map((m) => floor(m.label));
          expect(order.slice(0, 4).every((v, i, a) => i === 0 || v > a[i - 1])).toBe(true);
          expect(order.slice(4).every((v, i, a) => i === 0 || v < a[i - 1])).toBe(true);
        }, 3_600_000);
      });
    });
  });
