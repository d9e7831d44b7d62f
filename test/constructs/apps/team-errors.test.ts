/**
 * The errors a product team sees, written as a team writes its program: only the public API (`constructs/index.ts`,
 * what `cluster-estate` exports) and the platform's estate (`referenceEstate`, what `cluster-estate/estates` exports).
 * Each message names the team's construct path, the estate object concerned and the fix.
 */
import {
  AppImage, AppTemplate, AppTemplateProps, Cluster, ClusterGroupKind, Estate, EstateValidationError, formatProblem,
  IdcKind, InfrastructureProvider, Problem, Sidecar, SidecarMode, synthesize,
} from '../../../constructs';
import { referenceEstate } from '../../../stacks/estates';

function checkout(clusters: (Cluster | undefined)[], change: Partial<AppTemplateProps> = {}): AppTemplateProps {
  return {
    namespace: 'shop',
    image: AppImage.pinned('registry.estate.internal/shop/checkout:2.4.1'),
    resources: { cpuMillis: { request: 500, limit: 1000 }, memoryMiB: { request: 1024, limit: 1536 } },
    sidecars: [Sidecar.meshProxy(), Sidecar.opsAgent()],
    placement: { clusters: clusters as Cluster[], replicasPerCluster: 3 },
    ...change,
  };
}

/** What `synthesize` throws: the estate's problems, every one of them. */
function errorsOf(estate: Estate): Problem[] {
  try {
    synthesize(estate, { asOf: new Date('2026-06-01T00:00:00+08:00') });
  } catch (e) {
    expect(e).toBeInstanceOf(EstateValidationError);
    const error = e as EstateValidationError;
    // The thrown message carries every error in the same words.
    for (const p of error.errors) expect(error.message).toContain(formatProblem(p));
    return [...error.errors];
  }
  throw new Error('the estate synthesized, but it should have been refused');
}

const named = (estate: Estate, name: string) => estate.clusters.find((c) => c.name === name);

describe('errors a product team sees', () => {
  test('a cluster that does not exist in the estate: the app, the lookup that failed, and the clusters there are', () => {
    const estate = referenceEstate();
    new AppTemplate(estate, 'checkout', checkout([named(estate, 'trade-hz1'), named(estate, 'trade-hz9')]));
    const problems = errorsOf(estate);
    expect(problems).toHaveLength(1); // nothing that follows from it: no "matches no cluster" noise
    const [p] = problems;
    expect(p).toMatchObject({ path: 'reference/checkout', rule: 'placement-unknown' });
    expect(p.message).toBe('placement.clusters[1] is undefined: no such cluster in estate reference (a lookup by name found nothing)');
    expect(p.fix).toContain("use one of estate reference's clusters: trade-hz1, trade-hz2, trade-sz1, trade-bj1");
  });

  test('a group or IDC that does not exist: the same, for groups and IDCs', () => {
    const estate = referenceEstate();
    new AppTemplate(estate, 'checkout', checkout([], { placement: { idcs: [estate.idcs.find((i) => i.name === 'hz9')!], replicasPerCluster: 3 } }));
    const [p] = errorsOf(estate);
    expect(p).toMatchObject({ path: 'reference/checkout', rule: 'placement-unknown' });
    expect(p.message).toContain('placement.idcs[0] is undefined: no such IDC in estate reference');
    expect(p.fix).toMatch(/hz1, sh1, bj1, nx1, sz1/);
  });

  test('a cluster taken from a second copy of the estate: which cluster, and to take it from the estate the app is on', () => {
    const estate = referenceEstate();
    const elsewhere = referenceEstate();
    new AppTemplate(estate, 'checkout', checkout([named(elsewhere, 'trade-hz1')]));
    const [p] = errorsOf(estate);
    expect(p).toMatchObject({ path: 'reference/checkout', rule: 'placement', value: '"reference/daily/trade-hz1"' });
    expect(p.message).toBe('placement.clusters[0] is cluster trade-hz1 of another estate object');
    expect(p.fix).toContain('take the cluster from the estate the app is added to (reference)');
  });

  test('a node pool the cluster does not have: the app, the cluster, its pools and three ways out', () => {
    const estate = referenceEstate();
    new AppTemplate(estate, 'checkout', checkout([named(estate, 'trade-hz1')], { nodePool: 'gpu' }));
    const [p] = errorsOf(estate);
    expect(formatProblem(p)).toBe(
      'error node-pool-missing at reference/checkout: node pool "gpu" does not exist in cluster trade-hz1 (it has: ingress, general, middleware) (got "gpu"). '
      + 'Fix: add a "gpu" pool to trade-hz1, choose another nodePool, or leave trade-hz1 out of the placement',
    );
  });

  test('native sidecars on a cluster whose Kubernetes is too old: the app, the cluster and its version, and the fallback', () => {
    // A platform estate with a cluster still on 1.28 (native sidecars are on by default from 1.29).
    const estate = new Estate('acme');
    const hz1 = estate.addRegion('cn-east').addIdc('hz1', {
      kind: IdcKind.SELF_BUILT, zones: ['hz1-a', 'hz1-b', 'hz1-c'],
      infrastructure: InfrastructureProvider.metal3({ imageUrl: 'https://images.acme.internal/k8s.qcow2', imageChecksumUrl: 'https://images.acme.internal/k8s.qcow2.sha256sum' }),
    });
    const legacy = estate.addClusterGroup('daily', { kind: ClusterGroupKind.DAILY }).addCluster('legacy-hz1', {
      idc: hz1, kubernetesVersion: 'v1.28.9', podCidr: '10.16.0.0/14', serviceCidr: '10.200.0.0/20', etcd: { members: 3, memberSubnet: '10.250.0.0/27' },
    });
    legacy.addNodePool('general', { role: 'general', instance: { model: 'g7.8xlarge', vcpu: 32, memoryGiB: 128 }, autoscaling: { minPerZone: 2, maxPerZone: 6 } });
    new AppTemplate(estate, 'checkout', checkout([legacy], { sidecarMode: SidecarMode.NATIVE }));
    const problems = errorsOf(estate);
    expect(problems.map((p) => p.rule)).toEqual(['native-sidecars', 'native-sidecars']); // control plane and node pool
    const [p] = problems;
    expect(p.path).toBe('acme/checkout');
    expect(p.message).toBe('native sidecars need Kubernetes 1.29, but the control plane of cluster legacy-hz1 runs v1.28.9');
    expect(p.fix).toContain('SidecarMode.AUTO');
    expect(p.fix).toContain('upgrade the cluster');
  });

  test('the same app, placed right, synthesizes (the errors above come from the mistakes alone)', () => {
    const estate = referenceEstate();
    new AppTemplate(estate, 'checkout', checkout([named(estate, 'trade-hz1')]));
    expect(() => synthesize(estate, { asOf: new Date('2026-06-01T00:00:00+08:00'), targets: ['trade-hz1'] })).not.toThrow();
  });
});
