import { MANAGEMENT_TARGET } from '../../../constructs';
import { validateWithKubernetesModels } from '../apps/schema/kubernetes-models';
import { CrdSchemaSet, describeWithSharedCrds, MANAGEMENT_CRDS_DIRS } from '../../helpers/crd-schemas';
import { REFERENCE_TIMES, referenceSynthesis } from '../../helpers/reference';

/**
 * Built-in kinds the management target holds, which have no CRD: their fields, for a strict check (the API server's
 * fieldValidation=Strict) that kubernetes-models' validators, which accept unknown fields, do not make.
 */
const BUILT_IN_FIELDS: Record<string, readonly string[]> = {
  'v1/Namespace': ['apiVersion', 'kind', 'metadata', 'spec', 'status'],
  'v1/Secret': ['apiVersion', 'kind', 'metadata', 'data', 'stringData', 'type', 'immutable'],
};

describeWithSharedCrds('every management object passes its schema: Cluster API and provider CRDs, strict', () => {
  // A real kube-apiserver answered every v1beta1 Metal3 object with a deprecation warning, and pruned its
  // `image.format` (the storage version v1beta2 calls it `diskFormat`): these checks catch both without a server.
  const schemas = CrdSchemaSet.load(MANAGEMENT_CRDS_DIRS);

  test.each(Object.entries(REFERENCE_TIMES))('reference estate, %s', (_, asOf) => {
    const objects = referenceSynthesis(asOf).targets.find((t) => t.name === MANAGEMENT_TARGET)!.objects;
    const custom = objects.filter((o) => schemas.has(o.apiVersion, o.kind));
    const builtIn = objects.filter((o) => BUILT_IN_FIELDS[`${o.apiVersion}/${o.kind}`] !== undefined);
    // Nothing goes unchecked: every object is either a kind with a CRD or a built-in kind checked below.
    expect(objects.filter((o) => !custom.includes(o) && !builtIn.includes(o)).map((o) => `${o.apiVersion} ${o.kind}`)).toEqual([]);
    expect([...new Set(custom.map((o) => o.kind))].sort()).toEqual([
      'AWSCluster', 'AWSMachine', 'AWSMachineTemplate', 'Cluster', 'KubeadmConfigTemplate', 'KubeadmControlPlane', 'Machine',
      'MachineDeployment', 'MachineHealthCheck', 'Metal3Cluster', 'Metal3Machine', 'Metal3MachineTemplate',
    ]);
    for (const object of custom) expect(object.apiVersion).toMatch(/\/v1beta2$/);
    expect([...new Set(custom.filter((o) => schemas.isDeprecated(o.apiVersion, o.kind)).map((o) => `${o.apiVersion} ${o.kind}`))]).toEqual([]);
    expect(custom.flatMap((o) => schemas.validate(o))).toEqual([]);

    expect([...new Set(builtIn.map((o) => o.kind))].sort()).toEqual(['Namespace', 'Secret']);
    const unknownFields = builtIn.flatMap((o) => Object.keys(o).filter((k) => !BUILT_IN_FIELDS[`${o.apiVersion}/${o.kind}`].includes(k)).map((k) => `${o.kind}/${o.metadata.name} ${k}`));
    expect(unknownFields).toEqual([]);
    expect(validateWithKubernetesModels(builtIn).flat()).toEqual([]);
  });

  it('an unknown field in a provider object is refused (the check can fail)', () => {
    const objects = referenceSynthesis(REFERENCE_TIMES.peak).targets.find((t) => t.name === MANAGEMENT_TARGET)!.objects;
    const template = objects.find((o) => o.kind === 'Metal3MachineTemplate')!;
    const spec = template.spec as { template: { spec: { image: Record<string, unknown> } } };
    const v1beta1 = { ...template, spec: { template: { spec: { ...spec.template.spec, image: { ...spec.template.spec.image, format: 'qcow2' } } } } };
    expect(schemas.validate(v1beta1).join('\n')).toMatch(/\/spec\/template\/spec\/image must NOT have additional properties.*"additionalProperty":"format"/);
  });
}, MANAGEMENT_CRDS_DIRS);
