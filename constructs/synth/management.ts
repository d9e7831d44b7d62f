import {
  ANNOTATION_ETCD_PLACEMENT, ANNOTATION_ETCD_SECRETS, ANNOTATION_PHASE, ANNOTATION_PROMOTION, ANNOTATION_PURPOSE,
  ANNOTATION_ZONES, CAPI_AUTOSCALER_MAX, CAPI_AUTOSCALER_MIN, CAPI_CLUSTER_NAME, CAPI_CONTROL_PLANE, CAPI_DEPLOYMENT_NAME,
  LABEL_CLUSTER, LABEL_ESTATE, LABEL_ETCD_MEMBER, LABEL_GROUP, LABEL_GROUP_KIND, LABEL_IDC, LABEL_MACHINE_MODEL,
  LABEL_POOL_ROLE, LABEL_REGION, LABEL_ROLE, LABEL_ZONE, MachineRole, NODE_INSTANCE_TYPE, NODE_POOL, NODE_REGION,
  NODE_ROLE_PREFIX, NODE_ZONE, NodeLabelRoute, nodeLabelRoute,
} from '../estate';
import { joinerInitialCluster, planEtcdProcedure } from '../day2/etcd-procedure';
import { ANNOTATION_UPGRADE_DURING_PROMOTION, ANNOTATION_UPGRADE_WAVE, RunningCluster } from '../day2/running-state';
import {
  Arg, CLUSTER_API_SECRET_TYPE, CLUSTER_API_VERSION, Cluster, ContractVersionedObjectReference, EtcdBootstrapSecret,
  InfrastructureMachineTemplate, InfrastructureObject, KUBEADM_BOOTSTRAP_API_VERSION, KUBEADM_CONTROL_PLANE_API_VERSION,
  KubeadmConfigTemplate, KubeadmControlPlane, Machine, MachineDeployment, MachineHealthCheck, ManagementObject, Namespace,
  NodeRegistrationOptions,
} from './capi';
import { etcdMemberCloudInit } from './etcd-config';
import { ObjectMeta } from './kube-object';
import { ClusterPlan, EtcdMemberPlan, PoolPlan, PoolZonePlan } from './plan';
import { templateOwnerLabels, TemplateOwnerKind } from './templates';

const CONTROL_PLANE_GROUP = 'controlplane.cluster.x-k8s.io';
const BOOTSTRAP_GROUP = 'bootstrap.cluster.x-k8s.io';

/** Paths on control-plane machines. */
export const CONTROL_PLANE_PATHS = {
  auditPolicy: '/etc/kubernetes/audit/policy.yaml',
  auditLogDir: '/var/log/kubernetes/audit',
  auditLog: '/var/log/kubernetes/audit/audit.log',
  encryptionDir: '/etc/kubernetes/encryption',
  encryptionConfig: '/etc/kubernetes/encryption/config.yaml',
  etcdCa: '/etc/kubernetes/pki/etcd/ca.crt',
  etcdClientCert: '/etc/kubernetes/pki/apiserver-etcd-client.crt',
  etcdClientKey: '/etc/kubernetes/pki/apiserver-etcd-client.key',
} as const;

/** The secrets a cluster's control plane needs in the management cluster, created outside the manifests. */
export function clusterSecretNames(cluster: string): { etcdCa: string; etcdClient: string; encryptionConfig: string } {
  return { etcdCa: `${cluster}-etcd`, etcdClient: `${cluster}-apiserver-etcd-client`, encryptionConfig: `${cluster}-encryption-config` };
}

/**
 * Names of a cluster's objects, in one place so the references between them always agree. A pool-zone's
 * MachineDeployment and the control plane give their names to their templates too, which synthesis then names after
 * their content (`<name>-<hash>`, see `nameTemplatesByContent`).
 */
export const objectNames = {
  controlPlane: (cluster: string) => `${cluster}-control-plane`,
  etcdMember: (cluster: string, index: number) => `${cluster}-etcd-${index}`,
  etcdBootstrap: (cluster: string, index: number) => `${cluster}-etcd-${index}-bootstrap`,
  poolZone: (cluster: string, pool: string, zone: string) => `${cluster}-${pool}-${zone}`,
  poolHealthCheck: (cluster: string, pool: string) => `${cluster}-${pool}`,
};

const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages:
  - RequestReceived
rules:
  - level: None
    nonResourceURLs: ["/healthz*", "/livez*", "/readyz*", "/version", "/metrics"]
  - level: None
    users: ["system:kube-proxy"]
    verbs: ["watch"]
  - level: Metadata
    resources:
      - group: ""
        resources: ["secrets", "configmaps"]
      - group: "authentication.k8s.io"
        resources: ["tokenreviews"]
  - level: Request
    verbs: ["create", "update", "patch", "delete", "deletecollection"]
  - level: Metadata
`;

/**
 * Every management-cluster object of one cluster: its namespace, the Cluster API v1beta2 Cluster and
 * KubeadmControlPlane, the provider's objects, the etcd members (Machine, provider machine, bootstrap Secret), one
 * MachineDeployment with its templates per pool and zone, and MachineHealthChecks. Plain objects, in a fixed order.
 * Templates carry their owner's name and its template-owner labels here; `synthesize` names them after their content
 * once the cluster's patches are applied (`nameTemplatesByContent`).
 * @internal
 */
export function renderClusterManagementObjects(
  plan: ClusterPlan,
  estate: string,
  running?: RunningCluster,
  replaceEtcdMembers?: readonly string[],
): ManagementObject[] {
  const ns = plan.name;
  const provider = plan.infrastructure;
  const common = { [CAPI_CLUSTER_NAME]: plan.name, [LABEL_ESTATE]: estate, [LABEL_CLUSTER]: plan.name, [LABEL_GROUP]: plan.group };
  const meta = (name: string, labels: Record<string, string> = {}, annotations?: Record<string, string>): ObjectMeta => ({
    name,
    namespace: ns,
    labels: { ...common, ...labels },
    ...(annotations && Object.keys(annotations).length > 0 ? { annotations } : {}),
  });
  const ref = (apiGroup: string, kind: string, name: string): ContractVersionedObjectReference => ({ apiGroup, kind, name });
  const machineContext = { estate, region: plan.region, idc: plan.idc, cluster: plan.name };
  const objects: ManagementObject[] = [];

  objects.push(typed<Namespace>({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: ns, labels: { [LABEL_ESTATE]: estate, [LABEL_CLUSTER]: plan.name, [LABEL_GROUP]: plan.group, 'pod-security.kubernetes.io/enforce': 'restricted' } },
  }));

  const clusterAnnotations: Record<string, string> = {};
  if (plan.purpose) clusterAnnotations[ANNOTATION_PURPOSE] = plan.purpose;
  if (plan.promotion) {
    clusterAnnotations[ANNOTATION_PROMOTION] = plan.promotion.name;
    clusterAnnotations[ANNOTATION_PHASE] = plan.promotion.phase.phase;
  }
  // Wave 0 is the default and is left out, so estates that declare no waves render as before.
  if (plan.upgrade.wave !== 0) clusterAnnotations[ANNOTATION_UPGRADE_WAVE] = String(plan.upgrade.wave);
  if (plan.upgrade.duringPromotionReason) clusterAnnotations[ANNOTATION_UPGRADE_DURING_PROMOTION] = plan.upgrade.duringPromotionReason;
  objects.push(typed<Cluster>({
    apiVersion: CLUSTER_API_VERSION,
    kind: 'Cluster',
    metadata: meta(plan.name, { [LABEL_GROUP_KIND]: plan.groupKind, [LABEL_REGION]: plan.region, [LABEL_IDC]: plan.idc }, clusterAnnotations),
    spec: {
      clusterNetwork: {
        pods: { cidrBlocks: [plan.podCidr] },
        services: { cidrBlocks: [plan.serviceCidr] },
        serviceDomain: plan.serviceDomain,
      },
      controlPlaneEndpoint: { host: plan.controlPlane.endpoint.host, port: plan.controlPlane.endpoint.port },
      controlPlaneRef: ref(CONTROL_PLANE_GROUP, 'KubeadmControlPlane', objectNames.controlPlane(plan.name)),
      infrastructureRef: ref(provider.apiGroup, provider.clusterKind, plan.name),
    },
  }));

  objects.push(typed<InfrastructureObject>({
    apiVersion: provider.groupVersion,
    kind: provider.clusterKind,
    metadata: meta(plan.name),
    spec: provider.renderClusterSpec({
      ...machineContext,
      failureDomains: plan.controlPlane.failureDomains,
      controlPlaneEndpoint: plan.controlPlane.endpoint,
    }),
  }));

  objects.push(...renderControlPlane(plan, meta, ref, machineContext));
  objects.push(...renderEtcdMembers(plan, meta, ref, machineContext, running, replaceEtcdMembers));
  for (const pool of plan.pools) {
    for (const zone of pool.zones) objects.push(...renderPoolZone(plan, pool, zone, meta, ref, machineContext));
  }
  if (plan.nodeAutoRepair) {
    for (const pool of plan.pools) objects.push(renderPoolHealthCheck(plan, pool, meta));
  }
  return objects;
}

type Meta = (name: string, labels?: Record<string, string>, annotations?: Record<string, string>) => ObjectMeta;
type Ref = (apiGroup: string, kind: string, name: string) => ContractVersionedObjectReference;

/**
 * The object as its own type. A literal given to `typed<Kind>` is checked against Kind with excess-property checks,
 * which an object pushed into a list of a union type escapes (TypeScript then accepts a field of any member).
 */
function typed<T extends ManagementObject>(object: T): T {
  return object;
}

type MachineBase = { estate: string; region: string; idc: string; cluster: string };

function args(values: Record<string, string>): Arg[] {
  return Object.keys(values).sort().map((name) => ({ name, value: values[name] }));
}

function renderControlPlane(plan: ClusterPlan, meta: Meta, ref: Ref, base: MachineBase): [
  KubeadmControlPlane,
  InfrastructureMachineTemplate,
  MachineHealthCheck,
] {
  const cp = plan.controlPlane;
  const provider = plan.infrastructure;
  const name = objectNames.controlPlane(plan.name);
  const secrets = clusterSecretNames(plan.name);
  const le = cp.leaderElection;
  const leaderElection = {
    'leader-elect': 'true',
    'leader-elect-lease-duration': `${le.leaseDurationSeconds}s`,
    'leader-elect-renew-deadline': `${le.renewDeadlineSeconds}s`,
    'leader-elect-retry-period': `${le.retryPeriodSeconds}s`,
    profiling: 'false',
  };
  const apiServerArgs: Record<string, string> = {
    'anonymous-auth': String(cp.anonymousAuth),
    'audit-log-path': CONTROL_PLANE_PATHS.auditLog,
    'audit-policy-file': CONTROL_PLANE_PATHS.auditPolicy,
    'audit-log-maxage': String(cp.auditLog.maxAgeDays),
    'audit-log-maxbackup': String(cp.auditLog.maxBackups),
    'audit-log-maxsize': String(cp.auditLog.maxSizeMiB),
    'encryption-provider-config': CONTROL_PLANE_PATHS.encryptionConfig,
    'encryption-provider-config-automatic-reload': 'true',
    profiling: 'false',
    'tls-min-version': 'VersionTLS12',
    ...cp.extraApiServerArgs,
  };
  const nodeLabels = `${NODE_REGION}=${plan.region},${LABEL_IDC}=${plan.idc},${LABEL_MACHINE_MODEL}=${cp.instance.model}`;
  return [
    {
      apiVersion: KUBEADM_CONTROL_PLANE_API_VERSION,
      kind: 'KubeadmControlPlane',
      metadata: meta(name, { [LABEL_ROLE]: MachineRole.CONTROL_PLANE }, {
        [ANNOTATION_ZONES]: cp.zones.join(','),
        [ANNOTATION_ETCD_SECRETS]: `${secrets.etcdCa},${secrets.etcdClient}`,
      }),
      spec: {
        replicas: cp.replicas,
        version: plan.kubernetesVersion,
        machineTemplate: {
          metadata: { labels: { [LABEL_ROLE]: MachineRole.CONTROL_PLANE } },
          spec: { infrastructureRef: ref(provider.apiGroup, provider.machineTemplateKind, name) },
        },
        kubeadmConfigSpec: {
          clusterConfiguration: {
            apiServer: {
              extraArgs: args(apiServerArgs),
              extraVolumes: [
                { name: 'audit-policy', hostPath: CONTROL_PLANE_PATHS.auditPolicy, mountPath: CONTROL_PLANE_PATHS.auditPolicy, readOnly: true, pathType: 'File' },
                { name: 'audit-log', hostPath: CONTROL_PLANE_PATHS.auditLogDir, mountPath: CONTROL_PLANE_PATHS.auditLogDir, readOnly: false, pathType: 'DirectoryOrCreate' },
                { name: 'encryption-config', hostPath: CONTROL_PLANE_PATHS.encryptionDir, mountPath: CONTROL_PLANE_PATHS.encryptionDir, readOnly: true, pathType: 'DirectoryOrCreate' },
              ],
            },
            controllerManager: { extraArgs: args(leaderElection) },
            scheduler: { extraArgs: args(leaderElection) },
            etcd: {
              external: {
                endpoints: plan.etcd.members.map((m) => m.clientUrl),
                caFile: CONTROL_PLANE_PATHS.etcdCa,
                certFile: CONTROL_PLANE_PATHS.etcdClientCert,
                keyFile: CONTROL_PLANE_PATHS.etcdClientKey,
              },
            },
          },
          files: [
            { path: CONTROL_PLANE_PATHS.auditPolicy, owner: 'root:root', permissions: '0600', content: AUDIT_POLICY },
            { path: CONTROL_PLANE_PATHS.encryptionConfig, owner: 'root:root', permissions: '0600', contentFrom: { secret: { name: secrets.encryptionConfig, key: 'config' } } },
          ],
          initConfiguration: { nodeRegistration: { kubeletExtraArgs: [{ name: 'node-labels', value: nodeLabels }] } },
          joinConfiguration: { nodeRegistration: { kubeletExtraArgs: [{ name: 'node-labels', value: nodeLabels }] } },
        },
      },
    },
    {
      apiVersion: provider.groupVersion,
      kind: provider.machineTemplateKind,
      metadata: meta(name, { [LABEL_ROLE]: MachineRole.CONTROL_PLANE, ...templateOwnerLabels(TemplateOwnerKind.CONTROL_PLANE, name) }),
      spec: { template: { spec: provider.renderMachineSpec({ ...base, role: MachineRole.CONTROL_PLANE, instance: cp.instance }) } },
    },
    {
      apiVersion: CLUSTER_API_VERSION,
      kind: 'MachineHealthCheck',
      metadata: meta(name, { [LABEL_ROLE]: MachineRole.CONTROL_PLANE }),
      spec: {
        clusterName: plan.name,
        selector: { matchLabels: { [CAPI_CLUSTER_NAME]: plan.name, [CAPI_CONTROL_PLANE]: '' } },
        checks: {
          nodeStartupTimeoutSeconds: 900,
          unhealthyNodeConditions: [
            { type: 'Ready', status: 'Unknown', timeoutSeconds: 300 },
            { type: 'Ready', status: 'False', timeoutSeconds: 300 },
          ],
        },
        // One at a time: the control plane must keep its majority while a machine is replaced.
        remediation: { triggerIf: { unhealthyLessThanOrEqualTo: 1 } },
      },
    },
  ];
}

/**
 * The etcd members. Without a running cluster every member starts a new cluster. With one, a member that already
 * runs keeps the bootstrap it booted with (cloud-init runs once: a new text would change nothing but the record), and
 * a joiner starts with `initial-cluster-state: existing` and the membership it is added to by the procedure.
 */
function renderEtcdMembers(
  plan: ClusterPlan,
  meta: Meta,
  ref: Ref,
  base: MachineBase,
  running?: RunningCluster,
  replace?: readonly string[],
): (EtcdBootstrapSecret | InfrastructureObject | Machine)[] {
  const provider = plan.infrastructure;
  const objects: (EtcdBootstrapSecret | InfrastructureObject | Machine)[] = [];
  const placement = plan.etcd.members.map((m) => `${m.name}=${m.zone}`).join(',');
  const procedure = running ? planEtcdProcedure(plan.name, plan.path, running.etcd, plan.etcd.members, { replace: replace ?? [] }) : undefined;
  const keeps = (member: EtcdMemberPlan) => running?.etcd.members.find(
    (r) => r.name === member.name && r.peerUrl === member.peerUrl && !procedure?.replaced.includes(member.name),
  );
  for (const member of plan.etcd.members) {
    const runs = keeps(member);
    const initialCluster = procedure && !runs ? joinerInitialCluster(procedure, member.name) : undefined;
    const cloudInit = runs ? runs.bootstrap : etcdMemberCloudInit(plan, member, initialCluster ? { initialCluster } : undefined);
    const labels = { [LABEL_ROLE]: MachineRole.ETCD, [LABEL_ETCD_MEMBER]: String(member.index), [LABEL_ZONE]: member.zone };
    const bootstrapName = objectNames.etcdBootstrap(plan.name, member.index);
    objects.push(typed<EtcdBootstrapSecret>({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta(bootstrapName, labels),
      type: CLUSTER_API_SECRET_TYPE,
      stringData: { format: 'cloud-config', value: cloudInit },
    }));
    objects.push(typed<InfrastructureObject>({
      apiVersion: provider.groupVersion,
      kind: provider.machineKind,
      metadata: meta(member.name, labels),
      spec: provider.renderMachineSpec({ ...base, role: MachineRole.ETCD, instance: plan.etcd.instance, zone: member.zone, address: member.address }),
    }));
    objects.push(typed<Machine>({
      apiVersion: CLUSTER_API_VERSION,
      kind: 'Machine',
      metadata: meta(member.name, labels, { [ANNOTATION_ETCD_PLACEMENT]: placement }),
      spec: {
        clusterName: plan.name,
        bootstrap: { dataSecretName: bootstrapName },
        infrastructureRef: ref(provider.apiGroup, provider.machineKind, member.name),
        failureDomain: member.failureDomain,
      },
    }));
  }
  return objects;
}

/** Node labels of a pool in a zone, split by the route by which each reaches the Node. */
export function poolNodeLabels(
  plan: ClusterPlan,
  pool: PoolPlan,
  zone: PoolZonePlan,
): { machine: Record<string, string>; kubelet: Record<string, string> } {
  const machine: Record<string, string> = { [`${NODE_ROLE_PREFIX}${pool.role}`]: '', [NODE_POOL]: pool.name };
  const kubelet: Record<string, string> = {
    [NODE_REGION]: plan.region,
    [NODE_ZONE]: zone.failureDomain,
    [NODE_INSTANCE_TYPE]: pool.instance.model,
    [LABEL_IDC]: plan.idc,
    [LABEL_MACHINE_MODEL]: pool.instance.model,
    [LABEL_POOL_ROLE]: pool.role,
  };
  for (const [key, value] of Object.entries(pool.labels)) {
    if (nodeLabelRoute(key) === NodeLabelRoute.MACHINE) machine[key] = value;
    else kubelet[key] = value;
  }
  return { machine, kubelet };
}

function renderPoolZone(
  plan: ClusterPlan,
  pool: PoolPlan,
  zone: PoolZonePlan,
  meta: Meta,
  ref: Ref,
  base: MachineBase,
): [InfrastructureMachineTemplate, KubeadmConfigTemplate, MachineDeployment] {
  const provider = plan.infrastructure;
  const name = objectNames.poolZone(plan.name, pool.name, zone.zone);
  const labels = { [LABEL_ROLE]: MachineRole.WORKER, [NODE_POOL]: pool.name, [LABEL_ZONE]: zone.zone };
  const nodeLabels = poolNodeLabels(plan, pool, zone);
  const kubeletLabels = Object.keys(nodeLabels.kubelet).sort().map((k) => `${k}=${nodeLabels.kubelet[k]}`).join(',');
  const annotations: Record<string, string> = {};
  if (zone.autoscaling) {
    annotations[CAPI_AUTOSCALER_MIN] = String(zone.autoscaling.minPerZone);
    annotations[CAPI_AUTOSCALER_MAX] = String(zone.autoscaling.maxPerZone);
  }
  const selector = { [CAPI_CLUSTER_NAME]: plan.name, [CAPI_DEPLOYMENT_NAME]: name };
  const nodeRegistration: NodeRegistrationOptions = {
    kubeletExtraArgs: [{ name: 'node-labels', value: kubeletLabels }],
    ...(pool.taints.length > 0 ? { taints: pool.taints.map((t) => ({ key: t.key, value: t.value ?? '', effect: t.effect })) } : {}),
  };
  const templateLabels = { ...labels, ...templateOwnerLabels(TemplateOwnerKind.MACHINE_DEPLOYMENT, name) };
  return [
    {
      apiVersion: provider.groupVersion,
      kind: provider.machineTemplateKind,
      metadata: meta(name, templateLabels),
      spec: { template: { spec: provider.renderMachineSpec({
        ...base,
        role: MachineRole.WORKER,
        instance: pool.instance,
        pool: pool.name,
        zone: zone.zone,
      }) } },
    },
    {
      apiVersion: KUBEADM_BOOTSTRAP_API_VERSION,
      kind: 'KubeadmConfigTemplate',
      metadata: meta(name, templateLabels),
      spec: { template: { spec: { joinConfiguration: { nodeRegistration } } } },
    },
    {
      apiVersion: CLUSTER_API_VERSION,
      kind: 'MachineDeployment',
      metadata: meta(name, labels, annotations),
      spec: {
        clusterName: plan.name,
        ...(zone.replicas !== undefined ? { replicas: zone.replicas } : {}),
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: { ...selector, ...labels, ...nodeLabels.machine } },
          spec: {
            clusterName: plan.name,
            version: pool.kubernetesVersion,
            bootstrap: { configRef: ref(BOOTSTRAP_GROUP, 'KubeadmConfigTemplate', name) },
            infrastructureRef: ref(provider.apiGroup, provider.machineTemplateKind, name),
            failureDomain: zone.failureDomain,
          },
        },
      },
    },
  ];
}

function renderPoolHealthCheck(plan: ClusterPlan, pool: PoolPlan, meta: Meta): MachineHealthCheck {
  const hc = pool.healthCheck;
  return {
    apiVersion: CLUSTER_API_VERSION,
    kind: 'MachineHealthCheck',
    metadata: meta(objectNames.poolHealthCheck(plan.name, pool.name), { [LABEL_ROLE]: MachineRole.WORKER, [NODE_POOL]: pool.name }),
    spec: {
      clusterName: plan.name,
      selector: { matchLabels: { [CAPI_CLUSTER_NAME]: plan.name, [NODE_POOL]: pool.name } },
      checks: {
        nodeStartupTimeoutSeconds: hc.nodeStartupTimeoutSeconds,
        unhealthyNodeConditions: [
          { type: 'Ready', status: 'Unknown', timeoutSeconds: hc.unhealthyTimeoutSeconds },
          { type: 'Ready', status: 'False', timeoutSeconds: hc.unhealthyTimeoutSeconds },
        ],
      },
      remediation: { triggerIf: { unhealthyLessThanOrEqualTo: hc.maxUnhealthy } },
    },
  };
}
