import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  ClusterApiSchemas,
  describeWithSharedCrds,
  type KubeObject,
  missingCrdsMessage,
  SHARED_CRDS_DIR,
  sharedCrdsAvailable,
  sharedCrdsMode,
} from './crd-schemas';

const CLUSTER_V1BETA2 = 'cluster.x-k8s.io/v1beta2';
const KCP_V1BETA2 = 'controlplane.cluster.x-k8s.io/v1beta2';

function cluster(controlPlaneRef: Record<string, unknown>, extraSpec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: CLUSTER_V1BETA2,
    kind: 'Cluster',
    metadata: { name: 'prod-eu-1', namespace: 'estate' },
    spec: {
      clusterNetwork: {
        pods: { cidrBlocks: ['10.244.0.0/16'] },
        services: { cidrBlocks: ['10.96.0.0/12'] },
      },
      controlPlaneEndpoint: { host: 'api.prod-eu-1.example.com', port: 6443 },
      controlPlaneRef,
      ...extraSpec,
    },
  };
}

const V1BETA2_REF = { apiGroup: 'controlplane.cluster.x-k8s.io', kind: 'KubeadmControlPlane', name: 'prod-eu-1-cp' };

function mhc(unhealthyLessThanOrEqualTo: unknown): KubeObject {
  return {
    apiVersion: CLUSTER_V1BETA2,
    kind: 'MachineHealthCheck',
    metadata: { name: 'prod-eu-1-workers', namespace: 'estate' },
    spec: {
      clusterName: 'prod-eu-1',
      selector: { matchLabels: { 'cluster.x-k8s.io/deployment-name': 'prod-eu-1-workers' } },
      remediation: { triggerIf: { unhealthyLessThanOrEqualTo } },
    },
  };
}

function kcp(extraArgs: unknown, machineTemplateSpec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: KCP_V1BETA2,
    kind: 'KubeadmControlPlane',
    metadata: { name: 'prod-eu-1-cp', namespace: 'estate' },
    spec: {
      replicas: 3,
      version: 'v1.33.1',
      machineTemplate: {
        spec: {
          infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'DockerMachineTemplate', name: 'cp' },
          ...machineTemplateSpec,
        },
      },
      kubeadmConfigSpec: { clusterConfiguration: { apiServer: { extraArgs } } },
    },
  };
}

describe('sharedCrdsMode (the gate behind describeWithSharedCrds)', () => {
  const missing = path.join(os.tmpdir(), 'cluster-estate-no-such-crds-dir');

  it('fails in CI and skips elsewhere when the CRDs are missing', () => {
    expect(sharedCrdsAvailable(missing)).toBe(false);
    expect(sharedCrdsMode(missing, { CI: 'true' })).toBe('fail');
    expect(sharedCrdsMode(missing, {})).toBe('skip');
    expect(sharedCrdsMode(missing, { CI: '1' })).toBe('skip');
  });

  it('runs when the directory holds CRD yaml files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crds-'));
    try {
      fs.writeFileSync(path.join(dir, 'x.yaml'), 'kind: CustomResourceDefinition\n');
      expect(sharedCrdsMode(dir, { CI: 'true' })).toBe('run');
      expect(sharedCrdsMode(dir, {})).toBe('run');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with several directories, runs only when every one holds CRDs and names the missing ones', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crds-'));
    try {
      fs.writeFileSync(path.join(dir, 'x.yaml'), 'kind: CustomResourceDefinition\n');
      expect(sharedCrdsMode([dir, dir], { CI: 'true' })).toBe('run');
      expect(sharedCrdsMode([dir, missing], { CI: 'true' })).toBe('fail');
      expect(sharedCrdsMode([dir, missing], {})).toBe('skip');
      const message = missingCrdsMessage([dir, missing]);
      expect(message).toContain(missing);
      expect(message).not.toContain(dir);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says where the CRDs were expected and how CI provides them', () => {
    expect(SHARED_CRDS_DIR).toBe(path.resolve(__dirname, '../../../shared/crds/cluster-api'));
    const message = missingCrdsMessage(missing);
    expect(message).toContain(missing);
    expect(message).toContain('CI clones ../shared beside the repo');
    expect(() => ClusterApiSchemas.load(missing)).toThrow(missing);
  });
});

/** A hand-written CRD exercising the OpenAPI/Kubernetes extensions the upstream CRDs may use. */
const SYNTHETIC_CRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: widgets.example.com }
spec:
  group: example.com
  names: { kind: Widget, plural: widgets }
  scope: Namespaced
  versions:
  - name: v1alpha1
    served: false
    storage: false
    schema: { openAPIV3Schema: { type: object } }
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          apiVersion: { type: string }
          kind: { type: string }
          metadata: { type: object }
          spec:
            type: object
            required: [size]
            x-kubernetes-validations:
            - { rule: "self.size != 'huge'", message: CEL is not evaluated }
            properties:
              size:
                x-kubernetes-int-or-string: true
              port:
                type: integer
                format: int32
              count:
                type: integer
                format: uint8-made-up
              note:
                type: string
                nullable: true
              mode:
                type: string
                enum: [A, B]
                nullable: true
              timeout:
                type: string
                format: duration
              tags:
                type: array
                items: { type: string }
                x-kubernetes-list-type: set
              ports:
                type: array
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [port, protocol]
                items:
                  type: object
                  required: [port]
                  properties:
                    port: { type: integer }
                    protocol: { type: string, default: TCP }
              template:
                type: object
                x-kubernetes-embedded-resource: true
                properties:
                  spec: { type: object, x-kubernetes-preserve-unknown-fields: true }
              extra:
                type: object
                x-kubernetes-preserve-unknown-fields: true
                properties:
                  known: { type: string }
              mode2:
                type: string
                default: fast
            x-kubernetes-map-type: atomic
`;

describe('ClusterApiSchemas extension handling (synthetic CRD)', () => {
  let dir: string;
  let schemas: ClusterApiSchemas;
  const widget = (spec: Record<string, unknown>, metadata: Record<string, unknown> = { name: 'w' }): KubeObject => ({
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata,
    spec,
  });

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crds-'));
    fs.writeFileSync(path.join(dir, 'example.com_widgets.yaml'), SYNTHETIC_CRD);
    schemas = ClusterApiSchemas.load(dir);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loads served versions only', () => {
    expect(schemas.kinds).toEqual(['example.com/v1, Kind=Widget']);
    expect(schemas.has('example.com/v1', 'Widget')).toBe(true);
    expect(schemas.has('example.com/v1alpha1', 'Widget')).toBe(false);
  });

  it('x-kubernetes-int-or-string without anyOf or type is a real check', () => {
    expect(schemas.validate(widget({ size: 3 }))).toEqual([]);
    expect(schemas.validate(widget({ size: '50%' }))).toEqual([]);
    expect(schemas.validate(widget({ size: true })).join('\n')).toContain('/spec/size');
    expect(schemas.validate(widget({ size: 1.5 })).length).toBeGreaterThan(0);
    expect(schemas.validate(widget({ size: { a: 1 } })).length).toBeGreaterThan(0);
  });

  it('nullable allows null, otherwise null is rejected', () => {
    expect(schemas.validate(widget({ size: 1, note: null, mode: null }))).toEqual([]);
    expect(schemas.validate(widget({ size: 1, mode: 'C' })).join('\n')).toContain('/spec/mode');
    expect(schemas.validate(widget({ size: 1, port: null })).join('\n')).toContain('/spec/port');
  });

  it('formats: known ones are checked, unknown or non-Kubernetes ones do not crash', () => {
    expect(schemas.validate(widget({ size: 1, port: 8080, count: 7, timeout: '10m' }))).toEqual([]);
    expect(schemas.validate(widget({ size: 1, port: 2 ** 40 })).join('\n')).toContain('int32');
  });

  it('closes objects with properties, but not preserve-unknown-fields ones', () => {
    expect(schemas.validate(widget({ size: 1, sise: 2 }))).toEqual([
      'Widget/w /spec must NOT have additional properties ({"additionalProperty":"sise"})',
    ]);
    expect(schemas.validate(widget({ size: 1, extra: { known: 'x', anything: { goes: 1 } } }))).toEqual([]);
    expect(schemas.validate(widget({ size: 1, extra: { known: 1 } })).join('\n')).toContain('/spec/extra/known');
  });

  it('embedded resources allow apiVersion, kind and metadata', () => {
    const template = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' } }, spec: { any: 'thing' } };
    expect(schemas.validate(widget({ size: 1, template }))).toEqual([]);
    expect(schemas.validate(widget({ size: 1, template: { ...template, status: {} } })).join('\n')).toContain('status');
  });

  it('list-type set and map require unique items (map keys default before comparing)', () => {
    expect(schemas.validate(widget({ size: 1, tags: ['a', 'b'] }))).toEqual([]);
    expect(schemas.validate(widget({ size: 1, tags: ['a', 'a'] })).join('\n')).toContain('/spec/tags');
    expect(schemas.validate(widget({ size: 1, ports: [{ port: 80 }, { port: 80, protocol: 'UDP' }] }))).toEqual([]);
    const dup = schemas.validate(widget({ size: 1, ports: [{ port: 80 }, { port: 80, protocol: 'TCP' }] }));
    expect(dup).toHaveLength(1);
    expect(dup[0]).toContain('/spec/ports must not have duplicate entries for list-map keys [port, protocol]');
  });

  it('ignores CEL rules and other x-kubernetes-* extensions', () => {
    expect(schemas.validate(widget({ size: 'huge' }))).toEqual([]);
  });

  it('applies defaults to a copy, never to the caller object', () => {
    const obj = widget({ size: 1 });
    expect(schemas.validate(obj)).toEqual([]);
    expect((obj.spec as Record<string, unknown>).mode2).toBeUndefined();
  });

  it('top-level metadata is open but standard fields are shape-checked', () => {
    const meta = {
      name: 'w',
      namespace: 'ns',
      labels: { 'app.kubernetes.io/name': 'w' },
      annotations: { 'example.com/note': 'any text: ok' },
      uid: '1234',
      resourceVersion: '1',
      creationTimestamp: '2025-01-01T00:00:00Z',
    };
    expect(schemas.validate(widget({ size: 1 }, meta))).toEqual([]);
    expect(schemas.validate(widget({ size: 1 }, { name: 'Bad_Name' })).join('\n')).toContain('/metadata/name');
    expect(schemas.validate(widget({ size: 1 }, { name: 'w', labels: { a: 'has space' } })).join('\n')).toContain(
      '/metadata/labels/a',
    );
    expect(schemas.validate(widget({ size: 1 }, { name: 'w', labels: { a: 1 } })).length).toBeGreaterThan(0);
  });
});

describeWithSharedCrds('ClusterApiSchemas against the upstream Cluster API CRDs', () => {
  let schemas: ClusterApiSchemas;
  beforeAll(() => {
    schemas = ClusterApiSchemas.load();
  });

  it('loads every CRD, v1beta1 and v1beta2', () => {
    for (const [apiVersion, kind] of [
      ['cluster.x-k8s.io/v1beta2', 'Cluster'],
      ['cluster.x-k8s.io/v1beta2', 'ClusterClass'],
      ['cluster.x-k8s.io/v1beta2', 'Machine'],
      ['cluster.x-k8s.io/v1beta2', 'MachineDeployment'],
      ['cluster.x-k8s.io/v1beta2', 'MachineHealthCheck'],
      ['controlplane.cluster.x-k8s.io/v1beta2', 'KubeadmControlPlane'],
      ['bootstrap.cluster.x-k8s.io/v1beta2', 'KubeadmConfig'],
      ['bootstrap.cluster.x-k8s.io/v1beta2', 'KubeadmConfigTemplate'],
      ['cluster.x-k8s.io/v1beta1', 'Cluster'],
    ]) {
      expect(schemas.has(apiVersion, kind)).toBe(true);
    }
    expect(schemas.has('cluster.x-k8s.io/v1beta2', 'KubeadmControlPlane')).toBe(false);
  });

  it('every served CRD version compiles', () => {
    for (const key of schemas.kinds) {
      const [, apiVersion, kind] = /^(.*), Kind=(.*)$/.exec(key)!;
      expect(schemas.validatorFor(apiVersion, kind)).toBeDefined();
    }
  });

  it('accepts a minimal valid v1beta2 Cluster', () => {
    expect(schemas.validate(cluster(V1BETA2_REF))).toEqual([]);
  });

  it('rejects a v1beta1-style controlPlaneRef on v1beta2', () => {
    const errors = schemas.validate(
      cluster({ apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2', kind: 'KubeadmControlPlane', name: 'prod-eu-1-cp' }),
    );
    expect(errors).toContain(
      'Cluster/prod-eu-1 /spec/controlPlaneRef must NOT have additional properties ({"additionalProperty":"apiVersion"})',
    );
    expect(errors).toContain(`Cluster/prod-eu-1 /spec/controlPlaneRef must have required property 'apiGroup' ({"missingProperty":"apiGroup"})`);
  });

  it('rejects an unknown (typo) field', () => {
    const obj = cluster(V1BETA2_REF);
    const spec = obj.spec as Record<string, unknown>;
    spec.clusterNetwrk = spec.clusterNetwork;
    delete spec.clusterNetwork;
    expect(schemas.validate(obj)).toEqual([
      'Cluster/prod-eu-1 /spec must NOT have additional properties ({"additionalProperty":"clusterNetwrk"})',
    ]);
  });

  it('rejects a typo at the top level and in metadata-free nested objects', () => {
    expect(schemas.validate({ ...cluster(V1BETA2_REF), spek: {} }).join('\n')).toContain('"additionalProperty":"spek"');
    const errors = schemas.validate(cluster({ ...V1BETA2_REF }, { controlPlaneEndpoint: { host: 'h', port: 6443, prot: 1 } }));
    expect(errors.join('\n')).toContain('/spec/controlPlaneEndpoint must NOT have additional properties');
  });

  it('MachineHealthCheck unhealthyLessThanOrEqualTo is int-or-string', () => {
    expect(schemas.validate(mhc('40%'))).toEqual([]);
    expect(schemas.validate(mhc(2))).toEqual([]);
    const errors = schemas.validate(mhc(true));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.startsWith('MachineHealthCheck/prod-eu-1-workers /spec/remediation/triggerIf/unhealthyLessThanOrEqualTo'))).toBe(true);
  });

  it('KubeadmControlPlane v1beta2 extraArgs is a list of {name, value}, not a map', () => {
    expect(schemas.validate(kcp([{ name: 'anonymous-auth', value: 'false' }]))).toEqual([]);
    const errors = schemas.validate(kcp({ 'anonymous-auth': 'false' }));
    expect(errors).toEqual([
      'KubeadmControlPlane/prod-eu-1-cp /spec/kubeadmConfigSpec/clusterConfiguration/apiServer/extraArgs must be array ({"type":"array"})',
    ]);
  });

  it('enforces x-kubernetes-list-type: map uniqueness (taints keyed by key+effect)', () => {
    const taint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule', propagation: 'Always' };
    expect(schemas.validate(kcp([{ name: 'a', value: 'b' }], { taints: [taint] }))).toEqual([]);
    const errors = schemas.validate(kcp([{ name: 'a', value: 'b' }], { taints: [taint, { ...taint, propagation: 'OnInitialization' }] }));
    expect(errors.join('\n')).toContain('/spec/machineTemplate/spec/taints must not have duplicate entries for list-map keys [key, effect]');
  });

  it('returns one error for an unknown kind or version', () => {
    const unknownKind = schemas.validate({ apiVersion: CLUSTER_V1BETA2, kind: 'Clustr', metadata: { name: 'x' } });
    expect(unknownKind).toHaveLength(1);
    expect(unknownKind[0]).toContain('Clustr/x / no CustomResourceDefinition for cluster.x-k8s.io/v1beta2, Kind=Clustr');
    expect(schemas.validate({ apiVersion: 'cluster.x-k8s.io/v1alpha3', kind: 'Cluster' })).toHaveLength(1);
    expect(schemas.validate({ apiVersion: 'v1', kind: 'ConfigMap' })).toHaveLength(1);
  });

  it('loads and compiles once: load() is cached and validators are reused', () => {
    const start = process.hrtime.bigint();
    const again = ClusterApiSchemas.load();
    const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
    expect(again).toBe(schemas);
    expect(ClusterApiSchemas.load(`${SHARED_CRDS_DIR}/`)).toBe(schemas);
    expect(elapsedMs).toBeLessThan(50);

    const before = schemas.compileCount;
    const validator = schemas.validatorFor(CLUSTER_V1BETA2, 'Cluster');
    for (let i = 0; i < 200; i++) expect(schemas.validate(cluster(V1BETA2_REF))).toEqual([]);
    expect(schemas.validatorFor(CLUSTER_V1BETA2, 'Cluster')).toBe(validator);
    expect(schemas.compileCount).toBe(before);
  });
});
