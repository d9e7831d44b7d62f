import { renderNamespace } from '../apps/render/cluster-objects';
import { restrictedContainerSecurity } from '../apps/render/containers';
import { APP_MANAGED_BY, LABEL_APP, LABEL_CHANNEL, LABEL_ENV, MANAGED_BY, ReleaseChannel, SUPPRESS_POLICY_PREFIX } from '../apps/labels';
import { baselineNetworkPolicies, ISTIOD_XDS_PORT, NAMESPACE_NAME_LABEL } from '../tenancy/render';
import { AppPriority } from '../apps/priority';
import { cpuQuantity, memoryQuantity } from '../apps/resources';
import { LABEL_CLUSTER, LABEL_IDC, NODE_POOL } from '../estate/well-known-labels';
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

/** An app a gateway routes to: the gateway's egress allows its pods on its ports, nothing else. */
export interface GatewayBackend {
  readonly app: string;
  readonly namespace: string;
  readonly ports: readonly number[];
  /** The app's VMs on the cluster, as host blocks in address order: its Service sends them part of the requests. */
  readonly vmBlocks?: readonly string[];
}

const NETPOL = 'networking.k8s.io/v1';

/**
 * A gateway namespace, isolated like an app namespace (restricted pod security, default deny, DNS): the gateways'
 * own policies then open their listener ports and their way to istiod and to the apps routed through them.
 * @internal
 */
export function renderGatewayNamespace(
  namespace: string,
  gateways: readonly IngressGatewaySpec[],
  cluster: MeshClusterFacts,
  estate: string,
): KubeObject[] {
  const labels = { [APP_MANAGED_BY]: MANAGED_BY };
  // The quota holds every gateway of the namespace at its replicas plus the rolling update's surge.
  const pods = gateways.map((g) => g.replicas + Math.ceil(g.replicas * 0.25));
  const sum = (f: (g: IngressGatewaySpec) => number) => gateways.reduce((a, g, i) => a + f(g) * pods[i], 0);
  return [
    renderNamespace(estate, cluster.name, cluster.kubernetesVersion ?? 'latest', namespace),
    {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'gateway-quota', namespace, labels },
      spec: {
        hard: {
          pods: String(pods.reduce((a, b) => a + b, 0)),
          'requests.cpu': cpuQuantity(sum((g) => g.resources.cpuMillis.request)),
          'requests.memory': memoryQuantity(sum((g) => g.resources.memoryMiB.request)),
          'limits.cpu': cpuQuantity(sum((g) => g.resources.cpuMillis.limit)),
          'limits.memory': memoryQuantity(sum((g) => g.resources.memoryMiB.limit)),
        },
      },
    },
    ...baselineNetworkPolicies().map((p) => ({ apiVersion: NETPOL, kind: 'NetworkPolicy', metadata: { name: p.name, namespace, labels }, spec: p.spec })),
  ];
}

/**
 * A gateway's ServiceAccount, Deployment, Service, disruption budget and Istio Gateway.
 *
 * The Deployment is a gateway by injection: its one container is `istio-proxy` with `image: auto`, and the
 * injection label plus `inject.istio.io/templates: gateway` make istiod fill it in with the revision's gateway proxy
 * (so the gateway upgrades with the mesh's revision, like the sidecars). Pods spread over zones (max skew 1) and
 * prefer distinct hosts, run restricted (non-root, no capability; the one safe sysctl lets them bind 80 and 443),
 * on their pool with its taints tolerated.
 * @internal
 */
export function renderGatewayWorkload(
  g: IngressGatewaySpec,
  mesh: MeshSpec,
  cluster: MeshClusterFacts,
  backends: readonly GatewayBackend[],
  environment?: string,
): KubeObject[] {
  const podLabels = gatewayPodLabels(g);
  // The standard pod labels where they mean something for a gateway: logs, metrics and incident tooling find its pods
  // by app (the gateway's name), cluster, env and IDC like any app's; it has one version, the stable channel.
  const standardLabels: Record<string, string> = {
    [LABEL_APP]: g.name,
    [LABEL_CLUSTER]: cluster.name,
    ...(environment !== undefined ? { [LABEL_ENV]: environment } : {}),
    ...(cluster.idc !== undefined ? { [LABEL_IDC]: cluster.idc } : {}),
    [LABEL_CHANNEL]: ReleaseChannel.STABLE,
  };
  const selector = { [GATEWAY_SELECTOR_LABEL]: g.name };
  const labels = { 'app.kubernetes.io/name': g.name, 'app.kubernetes.io/component': 'ingress-gateway', [APP_MANAGED_BY]: MANAGED_BY };
  const metadata = { name: g.name, namespace: g.namespace, labels };
  const taints = cluster.pools?.find((p) => p.name === g.nodePool)?.taints ?? [];
  const ports = [...new Map(g.listeners.map((l) => [l.port, l])).values()].sort((a, b) => a.port - b.port);
  const portName = (l: { port: number; protocol: GatewayProtocol }) => `${l.protocol.toLowerCase()}-${l.port}`;
  const r = g.resources;
  const objects: KubeObject[] = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata, automountServiceAccountToken: false },
    {
      apiVersion: NETPOL,
      kind: 'NetworkPolicy',
      metadata: { ...metadata, name: `${g.name}-allow` },
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: g.sourceRanges.map((cidr) => ({ ipBlock: { cidr } })), ports: ports.map((l) => ({ port: l.port, protocol: 'TCP' })) }],
        egress: [
          { to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: mesh.rootNamespace } } }], ports: [{ port: ISTIOD_XDS_PORT, protocol: 'TCP' }] },
          ...[...backends].sort((a, b) => `${a.namespace}/${a.app}`.localeCompare(`${b.namespace}/${b.app}`)).flatMap((b) => {
            const ports = [...b.ports].sort((x, y) => x - y).map((port) => ({ port, protocol: 'TCP' }));
            const pods = {
              namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: b.namespace } },
              podSelector: { matchLabels: { [LABEL_APP]: b.app } },
            };
            return [
              { to: [pods], ports },
              ...(b.vmBlocks && b.vmBlocks.length > 0 ? [{ to: b.vmBlocks.map((cidr) => ({ ipBlock: { cidr } })), ports }] : []),
            ];
          }),
        ],
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        ...metadata,
        // `auto` is the injection placeholder: istiod writes the proxy image of the revision in the pod's labels, so
        // the revision pins the version. The policy's reason is stated, never implied.
        annotations: { [`${SUPPRESS_POLICY_PREFIX}require-pinned-image-tags`]: `image "auto" is replaced at admission by the gateway proxy image of mesh revision ${mesh.revision ?? 'default'}, which pins its version` },
      },
      spec: {
        replicas: g.replicas,
        minReadySeconds: 0,
        progressDeadlineSeconds: 600,
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
        template: {
          metadata: {
            labels: { ...standardLabels, ...podLabels, ...injectionLabel(mesh) },
            annotations: { 'inject.istio.io/templates': 'gateway', 'kubectl.kubernetes.io/default-container': 'istio-proxy' },
          },
          spec: {
            serviceAccountName: g.name,
            automountServiceAccountToken: false,
            dnsPolicy: 'ClusterFirst',
            restartPolicy: 'Always',
            // The preStop sleep, then Envoy's own drain on SIGTERM (5 s by default), with a margin.
            terminationGracePeriodSeconds: g.drainSeconds + 30,
            priorityClassName: AppPriority.CRITICAL,
            securityContext: {
              runAsNonRoot: true,
              seccompProfile: { type: 'RuntimeDefault' },
              sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }],
            },
            containers: [{
              name: 'istio-proxy',
              image: 'auto',
              imagePullPolicy: 'IfNotPresent',
              ports: ports.map((l) => ({ name: portName(l).slice(0, 15), containerPort: l.port, protocol: 'TCP' })),
              resources: {
                requests: { cpu: cpuQuantity(r.cpuMillis.request), memory: memoryQuantity(r.memoryMiB.request) },
                limits: { cpu: cpuQuantity(r.cpuMillis.limit), memory: memoryQuantity(r.memoryMiB.limit) },
              },
              // Ready when Envoy has its configuration from istiod; alive while its status port accepts connections.
              readinessProbe: { httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' }, periodSeconds: 2, timeoutSeconds: 3, failureThreshold: 30, successThreshold: 1 },
              livenessProbe: { tcpSocket: { port: 15021 }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 6, successThreshold: 1 },
              // Kept in the endpoints and the balancer's pool until both forget the pod (the sleep action needs no shell).
              lifecycle: { preStop: { sleep: { seconds: g.drainSeconds } } },
              securityContext: restrictedContainerSecurity(),
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
        ...(g.serviceType === 'LoadBalancer' ? { loadBalancerSourceRanges: [...g.sourceRanges] } : {}),
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
