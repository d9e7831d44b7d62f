import * as path from 'path';
import { MANAGEMENT_TARGET } from '../../../constructs';
import { ClusterApiSchemas, describeWithSharedCrds, SHARED_CRDS_DIR, sharedCrdsAvailable } from '../../helpers/crd-schemas';
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

/** The infrastructure providers' CRDs, beside the Cluster API ones in ../shared/crds. */
const PROVIDER_CRD_DIRS = ['cluster-api-provider-metal3', 'cluster-api-provider-aws'].map((d) => path.resolve(SHARED_CRDS_DIR, '..', d));

describeWithSharedCrds('infrastructure provider objects (Metal3, AWS) pass their CRD schemas, at versions not deprecated', () => {
  // A real kube-apiserver answered every v1beta1 Metal3 object with a deprecation warning, and pruned its
  // `image.format` (the storage version v1beta2 calls it `diskFormat`): these checks catch both without a server.
  const available = PROVIDER_CRD_DIRS.filter((d) => sharedCrdsAvailable(d));
  const schemas = available.map((d) => ClusterApiSchemas.load(d));
  const schemaFor = (apiVersion: string, kind: string) => schemas.find((s) => s.has(apiVersion, kind));

  test.each(Object.entries(REFERENCE_TIMES))('reference estate, %s', (_, asOf) => {
    if (available.length < PROVIDER_CRD_DIRS.length && process.env.CI !== 'true') return;
    expect(available).toEqual(PROVIDER_CRD_DIRS);
    const objects = referenceSynthesis(asOf).targets.find((t) => t.name === MANAGEMENT_TARGET)!.objects;
    const checked = objects.filter((o) => o.apiVersion.startsWith('infrastructure.cluster.x-k8s.io/'));
    expect([...new Set(checked.map((o) => o.kind))].sort()).toEqual(['AWSCluster', 'AWSMachine', 'AWSMachineTemplate', 'Metal3Cluster', 'Metal3Machine', 'Metal3MachineTemplate']);
    const unknown = checked.filter((o) => !schemaFor(o.apiVersion, o.kind)).map((o) => `${o.apiVersion} ${o.kind}`);
    expect([...new Set(unknown)]).toEqual([]);
    const deprecated = checked.filter((o) => schemaFor(o.apiVersion, o.kind)!.isDeprecated(o.apiVersion, o.kind)).map((o) => `${o.apiVersion} ${o.kind}`);
    expect([...new Set(deprecated)]).toEqual([]);
    expect(checked.flatMap((o) => schemaFor(o.apiVersion, o.kind)!.validate(o))).toEqual([]);
  });
});
