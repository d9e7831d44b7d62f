/**
 * The real Pulumi engine, language host and Kubernetes provider against a real control plane (etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler, KWOK playing the kubelets of simulated nodes), following the README:
 *
 * 1. Management stack: `pulumi stack init`, the kubeconfig set as a secret; the first `pulumi preview --policy-pack
 *    policies` stops and prints the fingerprint, which is pinned; the preview passes; `pulumi up` applies every
 *    object (read back from the API server); a second `pulumi up` makes no change.
 * 2. Cluster stack charging-sh1: its kubeconfig comes from the management stack's `kubeconfigs` output through the
 *    StackReference, a secret end to end (the Secret Cluster API would write is created by the test). It applies
 *    priority classes, namespaces and apps; the pods run on simulated nodes. A Deployment whose replicas its HPA owns,
 *    scaled by hand on the server, is not scaled back by the next `pulumi up`, also when that up changes the
 *    Deployment for another reason.
 * 3. `pulumi destroy` of the management stack is refused for the protected objects; the state and the server
 *    objects stay.
 *
 * Needs the Pulumi binaries and the control plane (bash test/engines/provide.sh), and the Cluster API CRDs in
 * ../shared/crds.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { MANAGEMENT_TARGET } from '../../../constructs';
import { waitFor } from '../../helpers/processes';
import { referenceSynthesis } from '../../helpers/reference';
import { describeWithCrds } from '../control-plane/estate-on-server';
import { MANAGEMENT_CRD_SETS } from '../control-plane/estate-on-server';
import { useControlPlane } from '../control-plane/lifecycle';
import { simulatedNodes } from '../control-plane/simulated-nodes';
import { describeWithBuiltEngines } from '../engines-env';
import { buildOnce, PULUMI_KEYS, PulumiWorkspace, qualifiedStack, ROOT, summaryCounts } from './pulumi-cli';

const PACK = path.join(ROOT, 'policies');
/** Before the promotion: the peak clusters do not exist yet, the daily ones run their daily replicas. */
const AS_OF = '2026-09-01T00:00:00+08:00';
const CLUSTER = 'charging-sh1';
const FINGERPRINT = /pulumi config set cluster-estate:clusterFingerprint (sha256:[0-9a-f]{64})/;

describeWithBuiltEngines('the real Pulumi engine against a real control plane',
  [...PULUMI_KEYS, 'ETCD_BIN', 'KUBE_APISERVER_BIN', 'KUBE_CONTROLLER_MANAGER_BIN', 'KUBE_SCHEDULER_BIN', 'KWOK_BIN', 'KWOK_STAGES'] as const, (bins) => {
    describeWithCrds('management and cluster stacks, as the README runs them', () => {
      const plane = useControlPlane({ bins, components: ['controller-manager', 'scheduler', 'kwok'], crdSets: [...MANAGEMENT_CRD_SETS, 'istio'] });
      let ws: PulumiWorkspace;
      plane.afterStop(() => ws?.remove());
      const synthesis = referenceSynthesis(new Date(AS_OF));
      const policyEnv = { ESTATE_POLICY_ESTATE: 'reference', ESTATE_POLICY_AS_OF: AS_OF };

      beforeAll(async () => {
        buildOnce();
        // charging-sh1 runs a mesh: the mesh's root namespace, as an installed Istio has it (its kinds: crdSets above).
        await plane.cp.client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } });
        ws = PulumiWorkspace.create(bins, plane.tracker);
      }, 300_000);

      test('management stack: init, kubeconfig secret, fingerprint pinned from the first preview, preview passes, up applies every object, a second up changes nothing', async () => {
        ws.useStackFile('management');
        await ws.stackInit('management');
        await ws.configSet('management', 'cluster-estate:kubeconfig', fs.readFileSync(plane.cp.kubeconfigPath, 'utf8'), true);
        await ws.configSet('management', 'cluster-estate:asOf', AS_OF);
        expect(fs.readFileSync(path.join(ws.projectDir, 'Pulumi.management.yaml'), 'utf8')).not.toContain(plane.cp.token);

        const first = await ws.run(['preview', '--policy-pack', PACK], { stack: 'management', env: policyEnv, allowFailure: true });
        expect(first.code).not.toBe(0);
        expect(first.output).toMatch(/cluster-estate:clusterFingerprint is not set/);
        expect(first.output).toContain(plane.cp.server);
        expect(first.output).not.toMatch(/at .*\.ts:\d+/); // one message, no stack trace
        const fingerprint = FINGERPRINT.exec(first.output)![1];
        await ws.configSet('management', 'cluster-estate:clusterFingerprint', fingerprint);

        const preview = await ws.run(['preview', '--policy-pack', PACK], { stack: 'management', env: policyEnv });
        expect(preview.output).toMatch(/cluster-estate@v0\.1\.0/);
        expect(preview.output).not.toMatch(/mandatory/);

        const up = await ws.run(['up', '--yes', '--policy-pack', PACK], { stack: 'management', env: policyEnv, timeoutMs: 900_000 });
        const objects = synthesis.targets.find((t) => t.name === MANAGEMENT_TARGET)!.objects;
        expect(summaryCounts(up.output).created).toBe(objects.length + 3);
        const missing: string[] = [];
        for (const o of objects) {
          try {
            const got = await plane.cp.client.get<{ metadata: { labels?: Record<string, string> } }>(o);
            // Every label the estate gives is there (the server adds its own, kubernetes.io/metadata.name on Namespaces).
            for (const [k, v] of Object.entries(o.metadata.labels ?? {})) if (got.metadata.labels?.[k] !== v) missing.push(`${o.kind} ${o.metadata.name}: label ${k}`);
          } catch (e) {
            missing.push(`${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}: ${(e as Error).message}`);
          }
        }
        expect(missing).toEqual([]);

        const again = await ws.run(['up', '--yes', '--expect-no-changes'], { stack: 'management' });
        expect(summaryCounts(again.output).unchanged).toBe(objects.length + 3);
      }, 1_800_000);

      test('cluster stack fed by the management stack\'s kubeconfigs output (a secret end to end); HPA-owned replicas are not scaled back', async () => {
        // The Secret Cluster API writes once it has provisioned the cluster: here, a kubeconfig of this same server.
        const kubeconfig = fs.readFileSync(plane.cp.kubeconfigPath, 'utf8');
        await plane.cp.client.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `${CLUSTER}-kubeconfig`, namespace: CLUSTER, labels: { 'cluster.x-k8s.io/cluster-name': CLUSTER } }, type: 'cluster.x-k8s.io/secret', data: { value: Buffer.from(kubeconfig).toString('base64') } } as never);
        await ws.configSetPath('management', 'cluster-estate:exportKubeconfigs[0]', CLUSTER);
        await ws.run(['up', '--yes'], { stack: 'management' });
        const shown = await ws.outputs('management');
        expect(shown.kubeconfigs).toBe('[secret]');
        const revealed = await ws.outputs('management', true);
        expect((revealed.kubeconfigs as Record<string, string>)[CLUSTER]).toBe(kubeconfig);
        const state = fs.readFileSync(path.join(ws.stateDir, '.pulumi', 'stacks', 'cluster-estate', 'management.json'), 'utf8');
        expect(state).not.toContain(plane.cp.token);

        // Nodes for the cluster's pools, played by KWOK, so that the apps' pods are scheduled and become ready.
        for (const n of simulatedNodes(synthesis, CLUSTER, 'min')) await plane.cp.client.create(n.object as never);

        fs.writeFileSync(path.join(ws.projectDir, `Pulumi.${CLUSTER}.yaml`), yaml.dump({ config: { 'cluster-estate:estate': 'reference', 'cluster-estate:target': CLUSTER, 'cluster-estate:managementStack': qualifiedStack('management') } }));
        await ws.stackInit(CLUSTER);
        await ws.configSet(CLUSTER, 'cluster-estate:asOf', AS_OF);
        const first = await ws.run(['preview'], { stack: CLUSTER, allowFailure: true });
        expect(first.output).toMatch(new RegExp(`the ${qualifiedStack('management')} stack's kubeconfigs output points at ${plane.cp.server.replace(/[.]/g, '\\.')}`));
        await ws.configSet(CLUSTER, 'cluster-estate:clusterFingerprint', FINGERPRINT.exec(first.output)![1]);
        await ws.run(['up', '--yes', '--policy-pack', PACK], { stack: CLUSTER, env: { ...policyEnv, ESTATE_POLICY_TARGET: CLUSTER }, timeoutMs: 900_000 });

        const objects = synthesis.targets.find((t) => t.name === CLUSTER)!.objects;
        for (const o of objects) await expect(plane.cp.client.get(o)).resolves.toBeTruthy();
        const cfg = fs.readFileSync(path.join(ws.projectDir, `Pulumi.${CLUSTER}.yaml`), 'utf8');
        expect(cfg).not.toContain('kubeconfig:'); // the kubeconfig never lands in the cluster stack's file

        // An HPA-owned Deployment scaled by hand (as the HPA would) keeps its replicas through the next up.
        const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler') as unknown as { metadata: { namespace: string }; spec: { scaleTargetRef: { name: string }; maxReplicas: number; minReplicas: number } };
        const ref = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { namespace: hpa.metadata.namespace, name: hpa.spec.scaleTargetRef.name } };
        const scaled = Math.min(hpa.spec.maxReplicas, hpa.spec.minReplicas + 1);
        await plane.cp.client.mergePatch(ref, { spec: { replicas: scaled } }, 'scale');
        const up = await ws.run(['up', '--yes'], { stack: CLUSTER });
        expect(summaryCounts(up.output).updated ?? 0).toBe(0);
        expect((await plane.cp.client.get<{ spec: { replicas: number } }>(ref)).spec.replicas).toBe(scaled);
        await waitFor('the scaled Deployment to stay scaled', async () => (await plane.cp.client.get<{ spec: { replicas: number } }>(ref)).spec.replicas === scaled, 5000);
      }, 1_800_000);

      test('pulumi destroy of the management stack is refused for protected objects; the state and the server objects stay', async () => {
        const before = await ws.exportState('management');
        const destroy = await ws.run(['destroy', '--yes'], { stack: 'management', allowFailure: true });
        expect(destroy.code).not.toBe(0);
        expect(destroy.output).toMatch(/protected/i);
        const after = await ws.exportState('management');
        expect((after.deployment.resources ?? []).length).toBe((before.deployment.resources ?? []).length);
        const cluster = synthesis.targets.find((t) => t.name === MANAGEMENT_TARGET)!.objects.find((o) => o.kind === 'Cluster')!;
        await expect(plane.cp.client.get(cluster)).resolves.toBeTruthy();
      }, 900_000);
    });
  });
