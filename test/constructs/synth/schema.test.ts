import { MANAGEMENT_TARGET } from '../../../constructs';
import { ClusterApiSchemas, describeWithSharedCrds } from '../../helpers/crd-schemas';
import { REFERENCE_TIMES, referenceSynthesis } from '../../helpers/reference';

describeWithSharedCrds('Cluster API objects pass the upstream v1beta2 CRD schemas', () => {
  const schemas = ClusterApiSchemas.load();

  test.each(Object.entries(REFERENCE_TIMES))('reference estate, %s', (_, asOf) => {
    const objects = referenceSynthesis(asOf).targets.find((t) => t.name === MANAGEMENT_TARGET)!.objects;
    const checked = objects.filter((o) => /^((controlplane|bootstrap)\.)?cluster\.x-k8s\.io\//.test(o.apiVersion));
    // Provider kinds (Metal3, AWS) have no CRDs in ../shared; every core Cluster API kind has one.
    for (const object of checked) expect(schemas.has(object.apiVersion, object.kind)).toBe(true);
    const kinds = new Set(checked.map((o) => o.kind));
    expect([...kinds].sort()).toEqual(['Cluster', 'KubeadmConfigTemplate', 'KubeadmControlPlane', 'Machine', 'MachineDeployment', 'MachineHealthCheck']);
    for (const object of checked) expect(object.apiVersion).toMatch(/\/v1beta2$/);
    const errors = checked.flatMap((o) => schemas.validate(o));
    expect(errors).toEqual([]);
  });
});
