import { AppPriority, LABEL_APP, LABEL_CHANNEL, LABEL_CLUSTER, LABEL_ENV, LABEL_IDC, LABEL_SERVING } from '../../../constructs';
import { ofKind, theObject } from '../../helpers/objects';
import { Json, podSpecOf, shopObjects } from './app-fixtures';

const FIVE = [LABEL_APP, LABEL_CLUSTER, LABEL_ENV, LABEL_IDC, LABEL_CHANNEL];

describe('an app template, synthesized into its cluster target', () => {
  const objects = shopObjects();
  const deployment = theObject(objects, 'Deployment', 'shop', 'shop') as Json;
  const pod = podSpecOf(deployment);
  const main = pod.containers.find((c: Json) => c.name === 'shop');

  test('writes service account, Deployment, autoscaler, Service and budget in the app namespace, plus namespace, its tenancy and priority classes', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`)).toEqual([
      'PriorityClass//estate-critical', 'PriorityClass//estate-high', 'PriorityClass//estate-standard', 'PriorityClass//estate-batch',
      'Namespace//shop',
      // No team owns shop: default deny and a quota still, no RoleBinding; egress for its sidecars' destinations.
      'ResourceQuota/shop/tenant-quota', 'LimitRange/shop/tenant-limits', 'NetworkPolicy/shop/default-deny', 'NetworkPolicy/shop/allow-dns',
      'NetworkPolicy/shop/shop-allow-egress',
      'ServiceAccount/shop/shop', 'Deployment/shop/shop', 'HorizontalPodAutoscaler/shop/shop', 'Service/shop/shop', 'PodDisruptionBudget/shop/shop',
    ]);
  });

  test('the five labels on the Deployment and its pods, plus app.kubernetes.io/*', () => {
    for (const labels of [deployment.metadata.labels, deployment.spec.template.metadata.labels]) {
      for (const key of FIVE) expect(labels[key]).toBeTruthy();
      expect(labels).toMatchObject({
        [LABEL_APP]: 'shop', [LABEL_CLUSTER]: 'new-k8s', [LABEL_ENV]: 'production', [LABEL_IDC]: 'dc1', [LABEL_CHANNEL]: 'stable',
        'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/instance': 'shop', 'app.kubernetes.io/version': '2.3.1',
        'app.kubernetes.io/component': 'server', 'app.kubernetes.io/part-of': 'shop', 'app.kubernetes.io/managed-by': 'cluster-estate',
      });
    }
    expect(deployment.spec.template.metadata.labels[LABEL_SERVING]).toBe('true');
  });

  test('selectors use only explicit stable labels, never the cdk8s hash label', () => {
    const selector = { [LABEL_APP]: 'shop', [LABEL_CHANNEL]: 'stable', [LABEL_SERVING]: 'true' };
    expect(deployment.spec.selector).toEqual({ matchLabels: selector });
    expect(theObject(objects, 'Service', 'shop', 'shop').spec).toMatchObject({ selector: { [LABEL_APP]: 'shop', [LABEL_SERVING]: 'true' } });
    expect((theObject(objects, 'PodDisruptionBudget', 'shop') as Json).spec.selector).toEqual({ matchLabels: { [LABEL_APP]: 'shop', [LABEL_SERVING]: 'true' } });
    expect(JSON.stringify(objects)).not.toContain('cdk8s.io/metadata.addr');
    // every selector key is on the pods
    for (const [k, v] of Object.entries(selector)) expect(deployment.spec.template.metadata.labels[k]).toBe(v);
  });

  test('postStart runs preload then online; preStop runs offline, drains, then stop; the grace period covers preStop', () => {
    expect(main.lifecycle.postStart.exec.command).toEqual(['/bin/sh', '-c', '/opt/estate/bin/lifecycle preload && /opt/estate/bin/lifecycle online']);
    expect(main.lifecycle.preStop.exec.command).toEqual(['/bin/sh', '-c', '/opt/estate/bin/lifecycle offline; sleep 15; /opt/estate/bin/lifecycle stop']);
    expect(pod.terminationGracePeriodSeconds).toBe(15 + 15 + 10);
  });

  test('readiness gates traffic and differs from liveness; no startup probe for a fast starter', () => {
    expect(main.readinessProbe).toEqual({ failureThreshold: 3, httpGet: { path: '/ready', port: 8080, scheme: 'HTTP' }, periodSeconds: 5, successThreshold: 1, timeoutSeconds: 1 });
    expect(main.livenessProbe).toEqual({ failureThreshold: 3, httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' }, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 2 });
    expect(main.startupProbe).toBeUndefined();
  });

  test('sidecars are native (init containers, restartPolicy Always) in the order given, before the main container, with probes', () => {
    expect(pod.initContainers.map((c: Json) => c.name)).toEqual(['log-shipper', 'ops-agent']);
    expect(pod.containers.map((c: Json) => c.name)).toEqual(['shop']);
    for (const c of pod.initContainers) {
      expect(c.restartPolicy).toBe('Always');
      expect(c.readinessProbe).toBeDefined();
      expect(c.livenessProbe).toBeDefined();
      expect(c.readinessProbe).not.toEqual(c.livenessProbe);
    }
    expect(deployment.spec.template.metadata.annotations['kubectl.kubernetes.io/default-container']).toBe('shop');
  });

  test('the log shipper reads the app log volume and ships to the Kafka topic', () => {
    const shipper = pod.initContainers[0];
    expect(shipper.args).toEqual(expect.arrayContaining(['brokers=kafka-0.logs.svc:9092', 'topics=shop-logs', 'path=/var/log/app/*.log']));
    expect(shipper.volumeMounts).toEqual([{ mountPath: '/var/log/app', name: 'app-logs', readOnly: true }]);
    expect(main.volumeMounts).toContainEqual({ mountPath: '/var/log/app', name: 'app-logs' });
    expect(main.env).toContainEqual({ name: 'ESTATE_LOG_DIR', value: '/var/log/app' });
    expect(pod.volumes.map((v: Json) => v.name)).toEqual(['tmp', 'app-logs']);
  });

  test('requests and limits on every container, sidecars included', () => {
    for (const c of [...pod.initContainers, ...pod.containers]) {
      expect(Object.keys(c.resources.requests).sort()).toEqual(['cpu', 'memory']);
      expect(Object.keys(c.resources.limits).sort()).toEqual(['cpu', 'memory']);
    }
    // 500m/1024 MiB requests, 1000m/2048 MiB limits, in the API server's canonical form.
    expect(main.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } });
  });

  test('restricted pod security on the pod and every container; no service-account token', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    for (const c of [...pod.initContainers, ...pod.containers]) {
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    }
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe('shop');
    expect(theObject(objects, 'ServiceAccount', 'shop')).toMatchObject({ automountServiceAccountToken: false });
    expect(theObject(objects, 'Namespace', 'shop').metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.31' });
  });

  test('zone spread with max skew 1 and preferred host anti-affinity over the Deployment\'s serving pods', () => {
    const selector = { matchLabels: { [LABEL_APP]: 'shop', [LABEL_CHANNEL]: 'stable', [LABEL_SERVING]: 'true' } };
    expect(pod.topologySpreadConstraints).toEqual([{ labelSelector: selector, maxSkew: 1, nodeTaintsPolicy: 'Honor', topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule' }]);
    expect(pod.affinity.podAntiAffinity).toEqual({ preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: selector, topologyKey: 'kubernetes.io/hostname' } }] });
  });

  test('node affinity to the labelled pool; priority class', () => {
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual({ nodeSelectorTerms: [{ matchExpressions: [{ key: 'node.cluster.x-k8s.io/pool', operator: 'In', values: ['general'] }] }] });
    expect(pod.tolerations).toBeUndefined();
    expect(pod.priorityClassName).toBe('estate-standard');
  });

  test('an autoscaler with bounds and a CPU target owns the replicas: the Deployment has no spec.replicas', () => {
    expect(deployment.spec.replicas).toBeUndefined();
    const hpa = theObject(objects, 'HorizontalPodAutoscaler', 'shop') as Json;
    expect(hpa.spec).toMatchObject({ minReplicas: 6, maxReplicas: 18, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop' } });
    expect(hpa.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);
    expect(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds).toBe(300);
  });

  test('a disruption budget of 10% max unavailable; unhealthy pods may always be evicted', () => {
    expect((theObject(objects, 'PodDisruptionBudget', 'shop') as Json).spec).toMatchObject({ maxUnavailable: '10%', unhealthyPodEvictionPolicy: 'AlwaysAllow' });
  });

  test('a zone-first Service: trafficDistribution PreferClose on 1.31, no annotation', () => {
    const service = theObject(objects, 'Service', 'shop') as Json;
    expect(service.spec).toMatchObject({ trafficDistribution: 'PreferClose', type: 'ClusterIP', ports: [{ name: 'http', port: 8080, protocol: 'TCP', targetPort: 8080 }] });
    expect(service.metadata.annotations).toBeUndefined();
  });

  test('rolling updates surge and never take a serving pod away first', () => {
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } });
  });
});

describe('template options', () => {
  test('a slow starter gets a startup probe covering maxStartupSeconds', () => {
    const d = theObject(shopObjects(() => ({ probes: { maxStartupSeconds: 120 } })), 'Deployment', 'shop');
    const main = podSpecOf(d).containers[0];
    expect(main.startupProbe).toMatchObject({ httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5, failureThreshold: 24 });
  });

  test('a pool with taints: its taints are tolerated', () => {
    const d = theObject(shopObjects(() => ({ nodePool: 'gateway' })), 'Deployment', 'shop');
    expect(podSpecOf(d).tolerations).toEqual([{ effect: 'NoSchedule', key: 'example.com/dedicated', operator: 'Equal', value: 'gateway' }]);
    expect(podSpecOf(d).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values).toEqual(['gateway']);
  });

  test('fixed replicas: spec.replicas, and no autoscaler', () => {
    const objects = shopObjects(() => ({ autoscaling: { enabled: false } }));
    expect((theObject(objects, 'Deployment', 'shop') as Json).spec.replicas).toBe(6);
    expect(ofKind(objects, 'HorizontalPodAutoscaler')).toEqual([]);
  });

  test('a memory target joins the CPU target', () => {
    const hpa = theObject(shopObjects(() => ({ autoscaling: { memoryUtilizationPercent: 80 } })), 'HorizontalPodAutoscaler', 'shop') as Json;
    expect(hpa.spec.metrics.map((m: Json) => m.resource.name)).toEqual(['cpu', 'memory']);
  });

  test('the service-account token is mounted only when asked for', () => {
    const objects = shopObjects(() => ({ serviceAccountToken: true }));
    expect(podSpecOf(theObject(objects, 'Deployment', 'shop')).automountServiceAccountToken).toBe(true);
    expect(theObject(objects, 'ServiceAccount', 'shop')).toMatchObject({ automountServiceAccountToken: true });
  });

  test('priority and component', () => {
    const d = theObject(shopObjects(() => ({ priority: AppPriority.CRITICAL, component: 'api' })), 'Deployment', 'shop') as Json;
    expect(podSpecOf(d).priorityClassName).toBe('estate-critical');
    expect(d.metadata.labels['app.kubernetes.io/component']).toBe('api');
  });
});
