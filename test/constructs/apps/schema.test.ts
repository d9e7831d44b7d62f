import { KubeObject, MANAGEMENT_TARGET, objectId } from '../../../constructs/internal';
import { REFERENCE_TIMES, referenceSynthesis } from '../../helpers/reference';
import { validateWithKubernetesModels } from './schema/kubernetes-models';
import { StrictFields } from './schema/strict-fields';

const strict = StrictFields.load();

/**
 * Every Kubernetes object of every cluster target (the apps' workloads and what they need) at `asOf`. The mesh's Istio
 * objects have no Kubernetes schema: test/constructs/mesh/reference-mesh.test.ts checks them against Istio's CRDs.
 */
function workloadObjects(asOf: Date): KubeObject[] {
  return referenceSynthesis(asOf).targets.filter((t) => t.name !== MANAGEMENT_TARGET).flatMap((t) => t.objects).filter((o) => !o.apiVersion.includes('.istio.io/'));
}

describe('synthesized workload objects pass the Kubernetes OpenAPI schema (kubernetes-models 5.1.0), strictly', () => {
  test.each(Object.entries(REFERENCE_TIMES))('reference estate, %s', (name, asOf) => {
    const objects = workloadObjects(asOf);
    if (name.startsWith('dormant')) expect(objects.some((o) => o.metadata.labels?.['cluster-estate.io/app'] === 'promotion-engine')).toBe(false);
    expect(objects.length).toBeGreaterThan(50);
    const kinds = new Set(objects.map((o) => o.kind));
    expect([...kinds].sort()).toEqual([
      'Deployment', 'HorizontalPodAutoscaler', 'LimitRange', 'Namespace', 'NetworkPolicy', 'PodDisruptionBudget', 'PriorityClass', 'ResourceQuota', 'Role',
      'RoleBinding', 'Service', 'ServiceAccount',
    ]);
    const schemaErrors = validateWithKubernetesModels(objects);
    const failures = objects.map((o, i) => ({
      id: objectId(o),
      errors: schemaErrors[i],
      unknown: strict.unknownFields(o),
    })).filter((r) => r.errors.length > 0 || r.unknown.length > 0);
    expect(failures).toEqual([]);
  });

  test('the fallback shapes too (sidecars as containers, topology annotations), on an old cluster', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { shopObjects } = require('./app-fixtures') as typeof import('./app-fixtures');
    const objects = shopObjects((f) => ({ placement: { clusters: [f.oldK8s], replicasPerCluster: 3 } }), 'old-k8s');
    expect(validateWithKubernetesModels(objects).flat()).toEqual([]);
    expect(objects.flatMap((o) => strict.unknownFields(o))).toEqual([]);
  });

  describe('the checks catch what they should', () => {
    const deployment = () => JSON.parse(JSON.stringify(workloadObjects(REFERENCE_TIMES.peak).find((o) => o.kind === 'Deployment')));

    test('a wrong type fails the schema', () => {
      const d = deployment();
      d.spec.template.spec.terminationGracePeriodSeconds = '40';
      expect(validateWithKubernetesModels([d])[0]).toEqual(['/spec/template/spec/terminationGracePeriodSeconds must be integer']);
    });

    test('a typo passes the schema but not the strictness check', () => {
      const d = deployment();
      d.spec.replica = 3;
      d.spec.template.spec.initContainers[0].restartPolicyy = 'Always';
      expect(validateWithKubernetesModels([d])[0]).toEqual([]);
      expect(strict.unknownFields(d).sort()).toEqual(['.spec.replica', '.spec.template.spec.initContainers[0].restartPolicyy']);
    });

    test('fields newer than cdk8s-plus-28\'s structs are known to the schema: trafficDistribution, native sidecars', () => {
      const service = workloadObjects(REFERENCE_TIMES.peak).find((o) => o.kind === 'Service')!;
      expect((service as unknown as { spec: { trafficDistribution?: string } }).spec.trafficDistribution).toBe('PreferClose');
      expect(strict.unknownFields(service)).toEqual([]);
    });
  });
});
