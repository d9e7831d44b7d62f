/**
 * What runs: the facts of each cluster that a day-2 change is judged against, read from a synthesized management
 * target (the objects `estate synth` wrote at a base revision, or what a Pulumi stack last applied). Reading them
 * from the objects, not from an Estate in memory, lets each side of a comparison be synthesized by its own code.
 */
import * as yaml from 'js-yaml';
import {
  LABEL_ETCD_MEMBER, LABEL_GROUP, LABEL_GROUP_KIND, LABEL_IDC, LABEL_REGION, LABEL_ROLE, LABEL_ZONE, NODE_POOL,
} from '../estate/well-known-labels';
import { MachineRole } from '../estate/infrastructure';
import { KubeObject } from '../synth/kube-object';

/** Annotation on a Cluster: its upgrade wave (clusters of wave 0 upgrade first). */
export const ANNOTATION_UPGRADE_WAVE = 'cluster-estate.io/upgrade-wave';
/** Annotation on a Cluster: why it may be upgraded while its promotion runs. */
export const ANNOTATION_UPGRADE_DURING_PROMOTION = 'cluster-estate.io/upgrade-during-promotion';

/** One etcd member that runs (has a machine). */
export interface RunningEtcdMember {
  /** Member name, also its Machine's name: `<cluster>-etcd-<index>`. */
  readonly name: string;
  readonly index: number;
  readonly zone: string;
  readonly peerUrl: string;
  readonly clientUrl: string;
  /** The cloud-init its machine booted with: a running member keeps it (cloud-init runs once, at creation). */
  readonly bootstrap: string;
  /** The member's own objects (bootstrap Secret, provider machine, Machine), as applied. */
  readonly objects: readonly KubeObject[];
}

/** A cluster's dedicated etcd as it runs. */
export interface RunningEtcd {
  /** Members with a machine, by index. */
  readonly members: readonly RunningEtcdMember[];
  /** The client URLs the API servers use (KubeadmControlPlane `etcd.external.endpoints`). */
  readonly endpoints: readonly string[];
  /** Client certificate paths on the control-plane machines, for runbook commands. */
  readonly clientTls: { readonly caFile: string; readonly certFile: string; readonly keyFile: string };
}

/** One MachineDeployment (a pool in a zone) as it runs. */
export interface RunningPool {
  readonly deployment: string;
  readonly pool: string;
  readonly zone: string;
  readonly version: string;
  /** Names of the templates its machines are built from: a change of either rolls every machine. */
  readonly infrastructureTemplate: string;
  readonly infrastructureKind: string;
  readonly bootstrapTemplate: string;
  /** Fixed size, or the autoscaler's lower bound when it owns the pool. */
  readonly machines: number;
  readonly maxSurge: string;
  readonly maxUnavailable: string;
  /** The machine model its nodes are labelled with (from the bootstrap template), when it says. */
  readonly model?: string;
}

/** A cluster as it runs. */
export interface RunningCluster {
  readonly name: string;
  readonly namespace: string;
  /** Construct path: `<estate>/<group>/<cluster>`. */
  readonly path: string;
  readonly group: string;
  readonly groupKind: string;
  readonly region: string;
  readonly idc: string;
  /** Kind of the provider cluster object (`Metal3Cluster`, `AWSCluster`, ...): the infrastructure provider. */
  readonly providerKind: string;
  readonly podCidrs: readonly string[];
  readonly serviceCidrs: readonly string[];
  readonly serviceDomain?: string;
  readonly controlPlaneEndpoint?: string;
  readonly promotion?: string;
  readonly upgradeWave: number;
  readonly upgradeDuringPromotion?: string;
  readonly controlPlane: {
    readonly name: string;
    readonly version: string;
    readonly replicas: number;
    readonly infrastructureTemplate: string;
    readonly infrastructureKind: string;
    /** The machine model of its machines (from the kubeadm node labels), when it says. */
    readonly model?: string;
    /** The kubeadm configuration, as comparable text: a change rolls every control-plane machine. */
    readonly kubeadmConfig: string;
  };
  readonly etcd: RunningEtcd;
  readonly pools: readonly RunningPool[];
  /**
   * The machine templates and KubeadmConfigTemplates its MachineDeployments and control plane reference: a new
   * synthesis keeps their names where their content is unchanged, so that nothing rolls that did not change.
   */
  readonly templates: readonly KubeObject[];
}

/** The template a running cluster's object references, by kind and name. */
export function templateOf(cluster: RunningCluster, kind: string, name: string): KubeObject | undefined {
  return cluster.templates.find((t) => t.kind === kind && t.metadata.name === name);
}

/** Every cluster of an estate as it runs, by name. */
export interface RunningEstate {
  readonly estate: string;
  readonly clusters: readonly RunningCluster[];
}

// Parsed YAML of any shape: every read below checks what it finds.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Plain = Record<string, any>;

/** The member's etcd configuration, read from its cloud-init (undefined when it is not one the renderer wrote). */
export function etcdConfigOfBootstrap(cloudInit: string): Record<string, unknown> | undefined {
  try {
    const doc = yaml.load(cloudInit) as Plain | undefined;
    const file = (doc?.write_files as Plain[] | undefined)?.find((f) => typeof f.path === 'string' && f.path.endsWith('etcd.conf.yml'));
    if (!file || typeof file.content !== 'string') return undefined;
    const config = yaml.load(file.content);
    return config && typeof config === 'object' ? (config as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const PEER_URLS = /^\s*initial-advertise-peer-urls: (\S+)$/m;
const CLIENT_URLS = /^\s*advertise-client-urls: (\S+)$/m;

/**
 * A member's advertised URLs from its cloud-init. The renderer writes each on a line of its own, read directly
 * (a diff reads hundreds of members); anything else goes through the YAML parser.
 */
function etcdUrlsOfBootstrap(cloudInit: string): Record<string, unknown> {
  const peer = PEER_URLS.exec(cloudInit)?.[1];
  const client = CLIENT_URLS.exec(cloudInit)?.[1];
  if (peer && client && !peer.startsWith('"') && !client.startsWith('"')) return { 'initial-advertise-peer-urls': peer, 'advertise-client-urls': client };
  return etcdConfigOfBootstrap(cloudInit) ?? {};
}

const MODEL_LABEL = /(?:^|,)cluster-estate\.io\/machine-model=([^,]+)/;

/** The machine model a kubeadm join or init configuration labels its node with. */
function modelField(configuration: Plain | undefined): { model?: string } {
  const args: Plain[] = configuration?.nodeRegistration?.kubeletExtraArgs ?? [];
  const labels = Array.isArray(args) ? args.find((a) => a?.name === 'node-labels')?.value : undefined;
  const model = typeof labels === 'string' ? MODEL_LABEL.exec(labels)?.[1] : undefined;
  return model ? { model } : {};
}

/**
 * A template's content as comparable text. The renderer writes keys in a fixed order and both sides are read the
 * same way, so plain JSON compares equal content equal, at a fraction of a canonical form's cost.
 */
function contentText(value: unknown): string {
  return JSON.stringify(value) ?? '';
}

/**
 * Reads every cluster of a synthesized management target. Objects the estate did not write (no estate labels) are
 * ignored; a cluster missing one of its objects is read as far as it goes.
 */
export function readRunningEstate(estate: string, objects: readonly KubeObject[]): RunningEstate {
  const byNamespace = new Map<string, KubeObject[]>();
  for (const o of objects) {
    const ns = o.metadata?.namespace;
    if (!ns) continue;
    const list = byNamespace.get(ns);
    if (list) list.push(o);
    else byNamespace.set(ns, [o]);
  }
  const clusters: RunningCluster[] = [];
  for (const [ns, list] of byNamespace) {
    const cluster = list.find((o) => o.kind === 'Cluster' && o.apiVersion.startsWith('cluster.x-k8s.io/'));
    if (!cluster) continue;
    clusters.push(readCluster(estate, ns, cluster as Plain, list as Plain[]));
  }
  clusters.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { estate, clusters };
}

function readCluster(estate: string, namespace: string, cluster: Plain, objects: Plain[]): RunningCluster {
  const labels: Record<string, string> = cluster.metadata.labels ?? {};
  const annotations: Record<string, string> = cluster.metadata.annotations ?? {};
  const spec = cluster.spec ?? {};
  const byKindName = new Map(objects.map((o) => [`${o.kind}/${o.metadata.name}`, o]));
  const kcp = objects.find((o) => o.kind === 'KubeadmControlPlane');
  const external = kcp?.spec?.kubeadmConfigSpec?.clusterConfiguration?.etcd?.external ?? {};
  const cpTemplateRef = kcp?.spec?.machineTemplate?.spec?.infrastructureRef;
  const group = labels[LABEL_GROUP] ?? '';
  const endpoint = spec.controlPlaneEndpoint;
  return {
    name: cluster.metadata.name,
    namespace,
    path: [estate, group, cluster.metadata.name].filter(Boolean).join('/'),
    group,
    groupKind: labels[LABEL_GROUP_KIND] ?? '',
    region: labels[LABEL_REGION] ?? '',
    idc: labels[LABEL_IDC] ?? '',
    providerKind: spec.infrastructureRef?.kind ?? '',
    podCidrs: spec.clusterNetwork?.pods?.cidrBlocks ?? [],
    serviceCidrs: spec.clusterNetwork?.services?.cidrBlocks ?? [],
    ...(spec.clusterNetwork?.serviceDomain ? { serviceDomain: spec.clusterNetwork.serviceDomain } : {}),
    ...(endpoint?.host ? { controlPlaneEndpoint: `${endpoint.host}:${endpoint.port}` } : {}),
    ...(annotations['cluster-estate.io/promotion'] ? { promotion: annotations['cluster-estate.io/promotion'] } : {}),
    upgradeWave: Number(annotations[ANNOTATION_UPGRADE_WAVE] ?? 0) || 0,
    ...(annotations[ANNOTATION_UPGRADE_DURING_PROMOTION] ? { upgradeDuringPromotion: annotations[ANNOTATION_UPGRADE_DURING_PROMOTION] } : {}),
    controlPlane: {
      name: kcp?.metadata?.name ?? '',
      version: kcp?.spec?.version ?? '',
      replicas: kcp?.spec?.replicas ?? 0,
      infrastructureTemplate: cpTemplateRef?.name ?? '',
      infrastructureKind: cpTemplateRef?.kind ?? '',
      ...modelField(kcp?.spec?.kubeadmConfigSpec?.joinConfiguration ?? kcp?.spec?.kubeadmConfigSpec?.initConfiguration),
      kubeadmConfig: contentText(kcp?.spec?.kubeadmConfigSpec),
    },
    etcd: {
      members: readEtcdMembers(objects),
      endpoints: external.endpoints ?? [],
      clientTls: { caFile: external.caFile ?? '', certFile: external.certFile ?? '', keyFile: external.keyFile ?? '' },
    },
    pools: objects.filter((o) => o.kind === 'MachineDeployment').map((md) => readPool(md, byKindName)).sort((a, b) => (a.deployment < b.deployment ? -1 : 1)),
    templates: referencedTemplates(objects, byKindName),
  };
}

function referencedTemplates(objects: Plain[], byKindName: Map<string, Plain>): KubeObject[] {
  const refs: Plain[] = [];
  for (const o of objects) {
    if (o.kind === 'MachineDeployment') refs.push(o.spec?.template?.spec?.infrastructureRef, o.spec?.template?.spec?.bootstrap?.configRef);
    if (o.kind === 'KubeadmControlPlane') refs.push(o.spec?.machineTemplate?.spec?.infrastructureRef);
  }
  const found = new Map<string, KubeObject>();
  for (const ref of refs) {
    const t = ref && byKindName.get(`${ref.kind}/${ref.name}`);
    if (t) found.set(`${t.kind}/${t.metadata.name}`, t as KubeObject);
  }
  return [...found.keys()].sort().map((k) => found.get(k)!);
}

function readEtcdMembers(objects: Plain[]): RunningEtcdMember[] {
  const members: RunningEtcdMember[] = [];
  const machines = objects.filter((o) => o.kind === 'Machine' && o.metadata.labels?.[LABEL_ROLE] === MachineRole.ETCD);
  for (const machine of machines) {
    const secretName = machine.spec?.bootstrap?.dataSecretName;
    const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === secretName);
    const bootstrap: string = secret?.stringData?.value ?? '';
    const config = etcdUrlsOfBootstrap(bootstrap);
    const infra = machine.spec?.infrastructureRef;
    const provider = objects.find((o) => infra && o.kind === infra.kind && o.metadata.name === infra.name);
    members.push({
      name: machine.metadata.name,
      index: Number(machine.metadata.labels?.[LABEL_ETCD_MEMBER] ?? -1),
      zone: machine.metadata.labels?.[LABEL_ZONE] ?? '',
      peerUrl: String(config['initial-advertise-peer-urls'] ?? ''),
      clientUrl: String(config['advertise-client-urls'] ?? ''),
      bootstrap,
      objects: [secret, provider, machine].filter((o): o is Plain => o !== undefined) as KubeObject[],
    });
  }
  return members.sort((a, b) => a.index - b.index);
}

function readPool(md: Plain, byKindName: Map<string, Plain>): RunningPool {
  const template = md.spec?.template?.spec ?? {};
  const annotations: Record<string, string> = md.metadata.annotations ?? {};
  const infra = template.infrastructureRef ?? {};
  const boot = template.bootstrap?.configRef ?? {};
  const rollout = md.spec?.rollout?.strategy?.rollingUpdate ?? md.spec?.strategy?.rollingUpdate ?? {};
  const min = annotations['cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size'];
  return {
    deployment: md.metadata.name,
    pool: md.metadata.labels?.[NODE_POOL] ?? '',
    zone: md.metadata.labels?.[LABEL_ZONE] ?? template.failureDomain ?? '',
    version: template.version ?? '',
    infrastructureTemplate: infra.name ?? '',
    infrastructureKind: infra.kind ?? '',
    bootstrapTemplate: boot.name ?? '',
    machines: md.spec?.replicas ?? (min !== undefined ? Number(min) : 0),
    // Cluster API's defaults for a MachineDeployment's rolling update.
    maxSurge: String(rollout.maxSurge ?? 1),
    maxUnavailable: String(rollout.maxUnavailable ?? 0),
    ...modelField(byKindName.get(`${boot.kind}/${boot.name}`)?.spec?.template?.spec?.joinConfiguration),
  };
}
