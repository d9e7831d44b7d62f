import { unknownCheckingProxy, UnknownValueError } from '@pulumi/policy';
import { configSchemaOf, inferTargetName, resourceToObject } from '../../../policies/api';
import { hardenApiServer, requireHaControlPlane } from '../../../policies/rules';
import { compliantDeployment } from '../fixtures/workloads';

const UNKNOWN_STRING = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

describe('the Pulumi adapter', () => {
  test.each([
    ['kubernetes:apps/v1:Deployment', 'apps/v1', 'Deployment'],
    ['kubernetes:core/v1:Service', 'v1', 'Service'],
    ['kubernetes:cluster.x-k8s.io/v1beta2:Cluster', 'cluster.x-k8s.io/v1beta2', 'Cluster'],
  ])('%s is the Kubernetes object %s %s', (type, apiVersion, kind) => {
    expect(resourceToObject(type, { metadata: { name: 'x', namespace: 'y' }, spec: { a: [1] } }, 'y/x')).toEqual({ apiVersion, kind, metadata: { name: 'x', namespace: 'y' }, spec: { a: [1] } });
  });

  test.each(['kubernetes:yaml:ConfigGroup', 'kubernetes:helm.sh/v3:Release', 'pulumi:providers:kubernetes', 'pulumi:pulumi:Stack', 'random:index/randomId:RandomId'])('%s is not a Kubernetes object', (type) => {
    expect(resourceToObject(type, {}, 'x')).toBeUndefined();
  });

  test('an object without metadata.name (auto-named) takes the resource name', () => {
    expect(resourceToObject('kubernetes:core/v1:ConfigMap', { metadata: {} }, 'settings')!.metadata.name).toBe('settings');
  });

  test('values the API server fills in are never read; any other unknown value is the SDK\'s UnknownValueError', () => {
    const props = unknownCheckingProxy({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', uid: UNKNOWN_STRING, resourceVersion: UNKNOWN_STRING }, spec: { clusterIP: 'None' }, status: UNKNOWN_STRING });
    expect(resourceToObject('kubernetes:core/v1:Service', props, 's')).toEqual({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { clusterIP: 'None' } });
    const unknownSpec = unknownCheckingProxy({ metadata: { name: 's' }, spec: { clusterIP: UNKNOWN_STRING } });
    expect(() => resourceToObject('kubernetes:core/v1:Service', unknownSpec, 's')).toThrow(UnknownValueError);
  });

  test('after pulumi up, a live object is reduced to the fields the provider\'s server-side apply owns (no server defaults)', () => {
    // Outputs of a Deployment whose manifest leaves spec.replicas to its HPA: the API server defaulted replicas,
    // strategy and revisionHistoryLimit; managedFields says the provider applied only selector and template.
    const live = {
      apiVersion: 'apps/v1', kind: 'Deployment',
      metadata: {
        name: 'web', namespace: 'shop', labels: { app: 'web' },
        managedFields: [
          { manager: 'kube-controller-manager', operation: 'Update', fieldsV1: { 'f:status': {} } },
          { manager: 'pulumi-kubernetes-1a2b3c', operation: 'Apply', fieldsV1: { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:selector': {}, 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"main"}': {} } } } } } },
        ],
      },
      spec: { replicas: 1, revisionHistoryLimit: 10, strategy: { type: 'RollingUpdate' }, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'main', image: 'web:1', imagePullPolicy: 'IfNotPresent' }], dnsPolicy: 'ClusterFirst' } } },
      status: { replicas: 1 },
    };
    expect(resourceToObject('kubernetes:apps/v1:Deployment', live, 'Deployment/shop/web')).toEqual({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'main', image: 'web:1', imagePullPolicy: 'IfNotPresent' }] } } },
    });
    // A resource's inputs (a preview) carry no managedFields: taken as they are.
    const inputs = { metadata: { name: 'web', namespace: 'shop' }, spec: { replicas: 3 } };
    expect(resourceToObject('kubernetes:apps/v1:Deployment', inputs, 'Deployment/shop/web')!.spec).toEqual({ replicas: 3 });
  });

  test('a stack\'s target: management for Cluster API objects, else its objects\' cluster label', () => {
    expect(inferTargetName([{ apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', metadata: { name: 'c' } }])).toBe('management');
    expect(inferTargetName([compliantDeployment()])).toBe('trade-hz1');
    expect(inferTargetName([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }])).toBe('stack');
  });

  test('configuration schemas carry types, defaults, bounds and enums; rules without configuration have none', () => {
    expect(configSchemaOf(hardenApiServer)).toEqual({ properties: { minTlsVersion: { type: 'string', description: 'Lowest acceptable --tls-min-version.', default: 'VersionTLS12', enum: ['VersionTLS10', 'VersionTLS11', 'VersionTLS12', 'VersionTLS13'] } } });
    expect(configSchemaOf(requireHaControlPlane)!.properties.minReplicas).toMatchObject({ type: 'integer', default: 3, minimum: 1 });
  });
});
