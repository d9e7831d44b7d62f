import { Construct } from 'constructs';
import { JsonPatch } from 'cdk8s';
import { MeshProps, MeshSpec, resolveMesh } from '../mesh/mesh';
import { brand, hasBrand } from './brand';
import { CidrBlock, cidrsOverlap, parseCidr } from './cidr';
import type { ClusterGroup } from './cluster-group';
import { ControlPlane, ControlPlaneProps } from './control-plane';
import { EstateDefinitionError, uniqueChildId } from './definition-error';
import { EtcdCluster, EtcdClusterProps } from './etcd-cluster';
import { InfrastructureProvider } from './infrastructure';
import { parseKubernetesVersion } from './kubernetes-version';
import { NodePool, NodePoolProps } from './node-pool';
import { ProblemCollector } from './problems';
import { checkDnsLabel } from './syntax';
import { estateOf, requireScope } from './scope';
import type { Estate, Idc } from './estate';

/** Properties of a cluster. */
export interface ClusterProps {
  /** The IDC the cluster runs in; its zones are the cluster's failure domains. */
  readonly idc: Idc;
  /** Control-plane version, `v1.MINOR.PATCH`. */
  readonly kubernetesVersion: string;
  /** Pod network. Must not overlap any other CIDR of the estate. */
  readonly podCidr: string;
  /** Service network. Must not overlap any other CIDR of the estate. */
  readonly serviceCidr: string;
  /** The dedicated etcd. */
  readonly etcd: EtcdClusterProps;
  /** @default - 3 replicas over every zone of the IDC, hardened API server */
  readonly controlPlane?: ControlPlaneProps;
  /** @default - the IDC's provider */
  readonly infrastructure?: InfrastructureProvider;
  /** Replace machines whose nodes fail health checks. @default true */
  readonly nodeAutoRepair?: boolean;
  /** What the cluster is for, in a few words (shown in summaries and as an annotation). @default - none */
  readonly purpose?: string;
  /** @default 'cluster.local' */
  readonly serviceDomain?: string;
  /** How the cluster takes Kubernetes upgrades. @default - the group's upgrade wave, no upgrades during a promotion */
  readonly upgrade?: ClusterUpgradeProps;
  /** The cluster's service mesh; apps with `mesh` join it. @default - no mesh */
  readonly mesh?: MeshProps;
}

/** How a cluster takes Kubernetes upgrades on a running estate (judged by `validateTransition`). */
export interface ClusterUpgradeProps {
  /**
   * The cluster's upgrade wave: clusters of wave 0 (a canary) upgrade first, and one change upgrades the clusters of
   * one wave only, after every lower wave runs the new version.
   * @default - the group's `upgradeWave`
   */
  readonly wave?: number;
  /**
   * Why this cluster may be upgraded while its promotion runs (between prepareFrom and drainUntil), written down for
   * the reviewer. Peak clusters are frozen otherwise.
   * @default - none: upgrades during the promotion are refused
   */
  readonly duringPromotionReason?: string;
}

/** A patch applied to one synthesized object of this cluster: the escape hatch for what the constructs do not model. */
export interface ObjectPatch {
  readonly kind: string;
  /** Object name. @default - every object of that kind in the cluster */
  readonly name?: string;
  readonly patches: JsonPatch[];
}

/** A Kubernetes cluster: HA control plane, dedicated etcd and labelled node pools, in one IDC. */
export class Cluster extends Construct {
  /** True when `x` is a Cluster (also across two copies of the library). */
  public static isCluster(x: unknown): x is Cluster {
    return hasBrand(x, 'Cluster');
  }

  public readonly name: string;
  public readonly idc: Idc;
  public readonly kubernetesVersion: string;
  public readonly podCidr: string;
  public readonly serviceCidr: string;
  public readonly infrastructure: InfrastructureProvider;
  public readonly nodeAutoRepair: boolean;
  public readonly purpose?: string;
  public readonly serviceDomain: string;
  /** The upgrade wave: the cluster's own, else its group's. */
  public readonly upgradeWave: number;
  public readonly upgradeDuringPromotionReason?: string;
  public readonly controlPlane: ControlPlane;
  public readonly etcd: EtcdCluster;
  /** The cluster's service mesh; undefined: none. */
  public readonly mesh?: MeshSpec;
  private readonly patches: ObjectPatch[] = [];

  constructor(scope: ClusterGroup, id: string, props: ClusterProps) {
    super(scope, uniqueChildId(requireScope(scope, 'ClusterGroup', 'Cluster', id), id, 'cluster'));
    if (!props || !props.idc || !hasBrand(props.idc, 'Idc')) {
      throw new EstateDefinitionError(this.node.path, 'idc-reference', 'a cluster needs the IDC it runs in', 'pass props.idc, an Idc of the same estate');
    }
    brand(this, 'Cluster');
    this.name = id;
    this.idc = props.idc;
    this.kubernetesVersion = props.kubernetesVersion;
    this.podCidr = props.podCidr;
    this.serviceCidr = props.serviceCidr;
    this.infrastructure = props.infrastructure ?? props.idc.infrastructure;
    this.nodeAutoRepair = props.nodeAutoRepair ?? true;
    this.purpose = props.purpose;
    this.serviceDomain = props.serviceDomain ?? 'cluster.local';
    this.upgradeWave = props.upgrade?.wave ?? scope.upgradeWave;
    this.upgradeDuringPromotionReason = props.upgrade?.duringPromotionReason;
    if (props.mesh) this.mesh = resolveMesh(props.mesh);
    const estate = estateOf(scope);
    this.controlPlane = new ControlPlane(this, 'ControlPlane', props.controlPlane ?? {}, `${id}-api.${estate.dnsDomain}`);
    this.etcd = new EtcdCluster(this, 'Etcd', props.etcd);
  }

  public get group(): ClusterGroup {
    return this.node.scope as ClusterGroup;
  }

  public get estate(): Estate {
    return estateOf(this);
  }

  /** Adds a node pool; throws when the cluster already has a pool of that name. */
  public addNodePool(id: string, props: NodePoolProps): NodePool {
    return new NodePool(this, uniqueChildId(this, id, 'node pool'), props);
  }

  public get nodePools(): NodePool[] {
    return this.node.children.filter((c): c is NodePool => NodePool.isNodePool(c));
  }

  /** Adds JSON patches to synthesized objects of this cluster. A patch that matches no object is a validation error. */
  public addObjectPatch(patch: ObjectPatch): void {
    this.patches.push(patch);
  }

  public get objectPatches(): readonly ObjectPatch[] {
    return this.patches;
  }

  /**
   * The pod and service blocks, parsed; a block that does not parse is left out (validation reports it).
   * @internal
   */
  public networkBlocks(): { what: string; block: CidrBlock }[] {
    const blocks: { what: string; block: CidrBlock }[] = [];
    for (const [what, text] of [['podCidr', this.podCidr], ['serviceCidr', this.serviceCidr], ['etcd.memberSubnet', this.etcd.memberSubnet]] as const) {
      try {
        blocks.push({ what, block: parseCidr(text) });
      } catch {
        // reported by collectProblems
      }
    }
    return blocks;
  }

  /** @internal */
  public collectProblems(problems: ProblemCollector): void {
    const path = this.node.path;
    // Object names are `<cluster>-<pool>-<zone>` and must stay within 63 characters; keep the cluster part short.
    const nameProblem = checkDnsLabel(this.name, 40);
    if (nameProblem) problems.error({
      path,
      rule: 'name-syntax',
      message: `cluster name ${nameProblem}`,
      fix: 'use a short lowercase name such as "trade-hz1"',
      value: this.name,
    });
    if (!parseKubernetesVersion(this.kubernetesVersion)) {
      problems.error({
        path,
        rule: 'kubernetes-version',
        message: 'not a Kubernetes version',
        fix: 'write it as v1.MINOR.PATCH, for example v1.30.4',
        value: this.kubernetesVersion,
      });
    }
    for (const [what, text] of [['podCidr', this.podCidr], ['serviceCidr', this.serviceCidr]] as const) {
      try {
        parseCidr(text);
      } catch (e) {
        problems.error({
          path,
          rule: 'cidr-syntax',
          message: `${what}: ${(e as Error).message}`,
          fix: 'give a network address with its prefix, such as 10.64.0.0/14',
          value: text,
        });
      }
    }
    const blocks = this.networkBlocks();
    for (let i = 0; i < blocks.length; i++) {
      for (let j = i + 1; j < blocks.length; j++) {
        if (cidrsOverlap(blocks[i].block, blocks[j].block)) {
          problems.error({
            path,
            rule: 'cidr-overlap',
            message: `${blocks[i].what} ${blocks[i].block.text} overlaps ${blocks[j].what} ${blocks[j].block.text}`,
            fix: 'give each network its own block',
            value: [blocks[i].block.text, blocks[j].block.text],
          });
        }
      }
    }
    if (estateOf(this.idc) !== this.estate) {
      problems.error({
        path,
        rule: 'idc-reference',
        message: `IDC ${this.idc.node.path} belongs to another estate`,
        fix: 'use an IDC of this estate',
        value: this.idc.node.path,
      });
    }
    if (!Number.isInteger(this.upgradeWave) || this.upgradeWave < 0 || this.upgradeWave > 99) {
      problems.error({
        path,
        rule: 'upgrade-wave',
        message: 'an upgrade wave is a whole number from 0 (first) to 99',
        fix: 'set upgrade.wave (or the group\'s upgradeWave) to 0 for a canary, 1 and up for later waves',
        value: this.upgradeWave,
      });
    }
    if (this.upgradeDuringPromotionReason !== undefined && this.upgradeDuringPromotionReason.trim() === '') {
      problems.error({
        path,
        rule: 'upgrade-wave',
        message: 'upgrade.duringPromotionReason is empty',
        fix: 'say why the cluster may be upgraded during its promotion, or leave it unset',
        value: this.upgradeDuringPromotionReason,
      });
    }
    if (this.nodePools.length === 0) {
      problems.error({
        path,
        rule: 'node-pools',
        message: 'the cluster has no node pool',
        fix: 'add at least one node pool with cluster.addNodePool()',
        value: 0,
      });
    }
    // Every object of the cluster is named from the cluster, pool, zone and member names: two sources of the same
    // name would make two objects collide, so names are checked as the synthesis will write them.
    const owners = new Map<string, string>();
    const claim = (name: string, owner: string, path: string) => {
      const previous = owners.get(name);
      if (previous !== undefined && previous !== owner) {
        problems.error({
          path,
          rule: 'unique-names',
          message: `${owner} and ${previous} would both create objects named "${name}"`,
          fix: 'rename the node pool',
          value: name,
        });
      } else if (name.length > 63) {
        problems.error({
          path,
          rule: 'name-length',
          message: `the object name "${name}" is longer than 63 characters`,
          fix: 'shorten the cluster, pool or zone name',
          value: name.length,
        });
      }
      owners.set(name, owner);
    };
    claim(`${this.name}-control-plane`, 'the control plane', path);
    for (let i = 0; i < this.etcd.placement.length; i++) {
      claim(`${this.name}-etcd-${i}`, `etcd member ${i}`, this.etcd.node.path);
      claim(`${this.name}-etcd-${i}-bootstrap`, `etcd member ${i}`, this.etcd.node.path);
    }
    for (const pool of this.nodePools) {
      claim(`${this.name}-${pool.name}`, `node pool ${pool.name}`, pool.node.path);
      for (const zone of pool.zones) claim(`${this.name}-${pool.name}-${zone}`, `node pool ${pool.name}`, pool.node.path);
    }
  }
}
