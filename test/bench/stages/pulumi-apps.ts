import { KubeObject } from '../../../constructs/internal';

/**
 * Generated applications for the Pulumi stage: the bench does not depend on what the app templates synthesize (or
 * whether they exist yet), so it builds N apps the way a cluster target holds them — per app a Deployment (replicas
 * left to its HPA, two containers with probes and resources, zone spread), a Service, a PodDisruptionBudget (10% max
 * unavailable) and a HorizontalPodAutoscaler — in namespaces of 50 apps. Plain objects, deterministic for a given N.
 */

export const APPS_PER_NAMESPACE = 50;

/** Objects of a cluster target with `apps` applications: ceil(apps/50) namespaces, then 4 objects per app. */
export function generateAppObjects(apps: number, cluster: string): KubeObject[] {
  const objects: KubeObject[] = [];
  const namespaces = Math.ceil(apps / APPS_PER_NAMESPACE);
  for (let n = 0; n < namespaces; n++) {
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespaceName(n), labels: { 'cluster-estate.io/cluster': cluster, 'pod-security.kubernetes.io/enforce': 'restricted' } } });
  }
  for (let i = 0; i < apps; i++) {
    const namespace = namespaceName(Math.floor(i / APPS_PER_NAMESPACE));
    const name = `app-${String(i).padStart(4, '0')}`;
    const selector = { app: name, 'cluster-estate.io/serving': 'true' };
    const labels = { app: name, 'cluster-estate.io/cluster': cluster, 'cluster-estate.io/release-channel': 'stable' };
    const container = (c: string, port: number) => ({
      name: c,
      image: `registry.estate.internal/${c === name ? name : c}:1.${i % 10}.0`,
      ports: [{ name: 'http', containerPort: port }],
      resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { memory: '512Mi' } },
      readinessProbe: { httpGet: { path: '/ready', port }, periodSeconds: 5 },
      livenessProbe: { httpGet: { path: '/healthz', port }, periodSeconds: 10 },
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
    });
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace, labels },
      spec: {
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '10%' } },
        template: {
          metadata: { labels: { ...labels, ...selector } },
          spec: {
            priorityClassName: 'estate-standard',
            terminationGracePeriodSeconds: 60,
            topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: selector } }],
            containers: [container(name, 8080), container('log-shipper', 2020)],
          },
        },
      },
    });
    objects.push({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, labels }, spec: { selector, ports: [{ name: 'http', port: 80, targetPort: 8080 }], trafficDistribution: 'PreferClose' } });
    objects.push({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace, labels }, spec: { maxUnavailable: '10%', selector: { matchLabels: selector } } });
    objects.push({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name, namespace, labels },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas: 3,
        maxReplicas: 30,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }],
      },
    });
  }
  return objects;
}

function namespaceName(n: number): string {
  return `apps-${String(n).padStart(2, '0')}`;
}
