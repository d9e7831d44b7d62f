import { renderNamespace } from '../apps/render/cluster-objects';
import { APP_MANAGED_BY, MANAGED_BY } from '../apps/labels';
import { AppPriority } from '../apps/priority';
import { cpuQuantity, memoryQuantity } from '../apps/resources';
import { NODE_POOL } from '../estate/well-known-labels';
import type { KubeObject } from '../synth/kube-object';
import { GatewayProtocol, IngressGatewaySpec } from './gateway';
import { injectionLabel, MeshSpec } from './mesh';
import type { MeshClusterFacts } from './render';

/** The label a gateway's pods carry and its Gateway selects: `istio: <name>`, as Istio's own gateways are labelled. */
export const GATEWAY_SELECTOR_LABEL = 'istio';

/** The labels of a gateway's pods. */
export function gatewayPodLabels(g: IngressGatewaySpec): Record<string, string> {
  return { [GATEWAY_SELECTOR_LABEL]: g.name, 'app.kubernetes.io/name': g.name, [APP_MANAGED_BY]: MANAGED_BY };
}

/**
 * A gateway's namespace, ServiceAccount, Deployment, Service, disruption budget and Istio Gateway.
 *
 * The Deployment is a gateway by injection: its one container is `istio-proxy` with `image: auto`, and the
 * injection label plus `inject.istio.io/templates: gateway` make istiod fill it in with the revision's gateway proxy
 * (so the gateway upgrades with the mesh's revision, like the sidecars). Pods spread over zones (max skew 1) and
 * prefer distinct hosts, run restricted (non-root, no capability; the one safe sysctl lets them bind 80 and 443),
 * on their pool with its taints tolerated.
 * @internal
 */
export function renderGatewayWorkload(g: IngressGatewaySpec, mesh: MeshSpec, cluster: MeshClusterFacts, estate: string): KubeObject[] {
  const podLabels = gatewayPodLabels(g);
  const selector = { [GATEWAY_SELECTOR_LABEL]: g.name };
  const labels = { 'app.kubernetes.io/name': g.name, 'app.kubernetes.io/component': 'ingress-gateway', [APP_MANAGED_BY]: MANAGED_BY };
  const metadata = { name: g.name, namespace: g.namespace, labels };
  const taints = cluster.pools?.find((p) => p.name === g.nodePool)?.taints ?? [];
  const ports = [...new Map(g.listeners.map((l) => [l.port, l])).values()].sort((a, b) => a.port - b.port);
  const portName = (l: { port: number; protocol: GatewayProtocol }) => `${l.protocol.toLowerCase()}-${l.port}`;
  const r = g.resources;
  const objects: KubeObject[] = [
    renderNamespace(estate, cluster.name, cluster.kubernetesVersion ?? 'latest', g.namespace),
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata, automountServiceAccountToken: false },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata,
      spec: {
        replicas: g.replicas,
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
        template: {
          metadata: {
            labels: { ...podLabels, ...injectionLabel(mesh) },
            annotations: { 'inject.istio.io/templates': 'gateway', 'kubectl.kubernetes.io/default-container': 'istio-proxy' },
          },
          spec: {
            serviceAccountName: g.name,
            automountServiceAccountToken: false,
            priorityClassName: AppPriority.CRITICAL,
            securityContext: {
              runAsNonRoot: true,
              seccompProfile: { type: 'RuntimeDefault' },
              sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }],
            },
            containers: [{
              name: 'istio-proxy',
              image: 'auto',
              ports: ports.map((l) => ({ name: portName(l).slice(0, 15), containerPort: l.port, protocol: 'TCP' })),
              resources: {
                requests: { cpu: cpuQuantity(r.cpuMillis.request), memory: memoryQuantity(r.memoryMiB.request) },
                limits: { cpu: cpuQuantity(r.cpuMillis.limit), memory: memoryQuantity(r.memoryMiB.limit) },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
                privileged: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                seccompProfile: { type: 'RuntimeDefault' },
              },
            }],
            affinity: {
              nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: NODE_POOL, operator: 'In', values: [g.nodePool] }] }] } },
              podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: selector }, topologyKey: 'kubernetes.io/hostname' } }] },
            },
            ...(taints.length > 0 ? { tolerations: taints.map((t) => ({ effect: t.effect, key: t.key, operator: 'Equal', value: t.value ?? '' })) } : {}),
            topologySpreadConstraints: [{ labelSelector: { matchLabels: selector }, maxSkew: 1, nodeTaintsPolicy: 'Honor', topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule' }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata,
      spec: {
        type: g.serviceType,
        selector,
        // Client addresses reach the gateway (and its ipBlocks rules) only if the balancer does not SNAT to another node.
        ...(g.serviceType !== 'ClusterIP' ? { externalTrafficPolicy: 'Local' } : {}),
        ports: ports.map((l) => ({ name: portName(l), port: l.port, protocol: 'TCP', targetPort: l.port })),
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata,
      spec: { maxUnavailable: g.maxUnavailable, selector: { matchLabels: selector }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata,
      spec: {
        selector,
        servers: g.listeners.map((l) => ({
          port: { number: l.port, name: portName(l), protocol: l.protocol },
          hosts: [...l.hosts],
          ...(l.tlsCredentialName !== undefined ? { tls: { mode: 'SIMPLE', credentialName: l.tlsCredentialName } } : {}),
        })),
      },
    },
  ];
  return objects;
}
