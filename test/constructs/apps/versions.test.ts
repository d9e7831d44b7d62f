import { Sidecar, SidecarMode, synthesize } from '../../../constructs';
import { theObject } from '../../helpers/objects';
import { Json, podSpecOf, shopObjects, targetObjects, TIMES, withShop } from './app-fixtures';

describe('what the target cluster\'s Kubernetes version decides', () => {
  const onOld = (change = {}) => shopObjects((f) => ({ placement: { clusters: [f.oldK8s], replicasPerCluster: 6 }, ...change }), 'old-k8s');

  test('before 1.29 (AUTO): the documented fallback, sidecars as ordinary containers before the main container', () => {
    const pod = podSpecOf(theObject(onOld(), 'Deployment', 'shop'));
    expect(pod.initContainers).toBeUndefined();
    expect(pod.containers.map((c: Json) => c.name)).toEqual(['log-shipper', 'ops-agent', 'shop']);
    for (const c of pod.containers.slice(0, 2)) {
      expect(c.restartPolicy).toBeUndefined();
      expect(c.lifecycle.preStop.exec.command).toEqual(['/bin/sleep', '30']);
      expect(c.readinessProbe).toBeDefined();
    }
    // volumes in the order their first mount appears
    expect(pod.volumes.map((v: Json) => v.name)).toEqual(['app-logs', 'tmp']);
  });

  test('the mesh proxy holds the main container back in the fallback too (postStart waits until it is ready)', () => {
    const pod = podSpecOf(theObject(onOld({ sidecars: [Sidecar.meshProxy()] }), 'Deployment', 'shop'));
    expect(pod.containers[0].lifecycle.postStart.exec.command).toEqual(['/usr/local/bin/pilot-agent', 'wait']);
  });

  test('SidecarMode.REGULAR forces the fallback on a new cluster; NATIVE on an old one is a validation error naming it', () => {
    const pod = podSpecOf(theObject(shopObjects(() => ({ sidecarMode: SidecarMode.REGULAR })), 'Deployment', 'shop'));
    expect(pod.initContainers).toBeUndefined();
    const { estate } = withShop((f) => ({ sidecarMode: SidecarMode.NATIVE, placement: { clusters: [f.oldK8s, f.newK8s], replicasPerCluster: 3 } }));
    expect(() => synthesize(estate, { asOf: TIMES.normal })).toThrow(/native-sidecars at shopfloor\/shop: native sidecars need Kubernetes 1.29, but the control plane of cluster old-k8s runs v1.28.9/);
  });

  test('zone-first routing before 1.31: the topology-mode annotation instead of trafficDistribution', () => {
    const service = theObject(onOld(), 'Service', 'shop') as Json;
    expect(service.metadata.annotations).toEqual({ 'service.kubernetes.io/topology-mode': 'Auto' });
    expect(service.spec.trafficDistribution).toBeUndefined();
  });

  test('a pool older than its control plane decides too: kube-proxy on every node must know trafficDistribution', () => {
    const f = withShop();
    f.newK8s.addNodePool('legacy', { role: 'legacy', instance: { model: 'g7.2xlarge', vcpu: 8, memoryGiB: 32 }, replicasPerZone: 1, kubernetesVersion: 'v1.30.8' });
    const service = theObject(targetObjects(synthesize(f.estate, { asOf: TIMES.normal }), 'new-k8s'), 'Service', 'shop') as Json;
    expect(service.spec.trafficDistribution).toBeUndefined();
    expect(service.metadata.annotations).toEqual({ 'service.kubernetes.io/topology-mode': 'Auto' });
  });

  test('namespaces pin Pod Security Admission to the cluster\'s minor', () => {
    expect(theObject(onOld(), 'Namespace', 'shop').metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce-version': 'v1.28' });
  });
});
