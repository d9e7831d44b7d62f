import { Construct } from 'constructs';
import { brand, hasBrand } from './brand';
import type { Cluster } from './cluster';
import { InstanceSpec } from './instance';
import { MAX_KUBELET_MINORS_BEHIND, minorsBehind, parseKubernetesVersion } from './kubernetes-version';
import { ProblemCollector } from './problems';
import { checkDnsLabel, checkLabelKey, checkLabelValue } from './syntax';
import {
  LABEL_CLUSTER, LABEL_IDC, LABEL_MACHINE_MODEL, LABEL_POOL_ROLE, LABEL_ROLE, LABEL_ZONE, NODE_INSTANCE_TYPE, NODE_POOL, NODE_REGION, NODE_ROLE_PREFIX, NODE_ZONE, nodeLabelRoute, NodeLabelRoute } from './well-known-labels';

/** What a taint does to pods that do not tolerate it. */
export enum TaintEffect {
  NO_SCHEDULE = 'NoSchedule',
  PREFER_NO_SCHEDULE = 'PreferNoSchedule',
  NO_EXECUTE = 'NoExecute',
}

/** A node taint. */
export interface Taint {
  readonly key: string;
  /** @default '' */
  readonly value?: string;
  readonly effect: TaintEffect;
}

/** Bounds for the cluster autoscaler, per zone. */
export interface AutoscalingBounds {
  /** At least 1: scaling a pool from zero needs capacity annotations this library does not write. */
  readonly minPerZone: number;
  readonly maxPerZone: number;
}

/** Machine health check of a pool: when a node counts as broken and how much may be repaired at once. */
export interface HealthCheckProps {
  /** A machine whose node has not joined by then is replaced. @default 600 */
  readonly nodeStartupTimeoutSeconds?: number;
  /** A node Ready=False or Ready=Unknown for this long is replaced. @default 300 */
  readonly unhealthyTimeoutSeconds?: number;
  /**
   * Remediate only while at most this many machines of the pool are unhealthy (a number or a percentage such as
   * `40%`): beyond it, the fault is bigger than a machine and replacing machines would make it worse.
   * @default '40%'
   */
  readonly maxUnhealthy?: number | string;
}

/** Properties of a node pool. Sizes are per zone; at full (peak) size for pools in a peak group. */
export interface NodePoolProps {
  /** Pool role (`ingress`, `general`, `middleware`, `gateway`): the `node-role.kubernetes.io/<role>` label. */
  readonly role: string;
  /** The machine every node of the pool runs on (model, vCPU, memory, disks). */
  readonly instance: InstanceSpec;
  /** Zones the pool spreads over, one MachineDeployment each. @default - every zone of the cluster's IDC */
  readonly zones?: string[];
  /** Fixed machines per zone. Give this or `autoscaling`, not both. @default - none */
  readonly replicasPerZone?: number;
  /** Autoscaler bounds per zone; the MachineDeployments then carry no `replicas`. @default - none */
  readonly autoscaling?: AutoscalingBounds;
  /** Further node labels. @default - none */
  readonly labels?: Record<string, string>;
  /** @default - none */
  readonly taints?: Taint[];
  /** Kubelet version: not newer than the control plane, at most three minors older. @default - the cluster's version */
  readonly kubernetesVersion?: string;
  /** @default - 600 s startup, 300 s unhealthy, remediate while at most 40% are unhealthy */
  readonly healthCheck?: HealthCheckProps;
}

/** A labelled pool of worker machines of one instance spec, spread over zones. */
export class NodePool extends Construct {
  /** True when `x` is a NodePool (also across two copies of the library). */
  public static isNodePool(x: unknown): x is NodePool {
    return hasBrand(x, 'NodePool');
  }

  public readonly name: string;
  public readonly role: string;
  public readonly instance: InstanceSpec;
  public readonly replicasPerZone?: number;
  public readonly autoscaling?: AutoscalingBounds;
  public readonly labels: Readonly<Record<string, string>>;
  public readonly taints: readonly Taint[];
  public readonly healthCheck: Required<HealthCheckProps>;
  private readonly props: NodePoolProps;

  constructor(scope: Cluster, id: string, props: NodePoolProps) {
    super(scope, id);
    brand(this, 'NodePool');
    this.props = props;
    this.name = id;
    this.role = props.role;
    this.instance = props.instance;
    this.replicasPerZone = props.replicasPerZone;
    this.autoscaling = props.autoscaling;
    this.labels = props.labels ?? {};
    this.taints = props.taints ?? [];
    this.healthCheck = {
      nodeStartupTimeoutSeconds: props.healthCheck?.nodeStartupTimeoutSeconds ?? 600,
      unhealthyTimeoutSeconds: props.healthCheck?.unhealthyTimeoutSeconds ?? 300,
      maxUnhealthy: props.healthCheck?.maxUnhealthy ?? '40%',
    };
  }

  public get cluster(): Cluster {
    return this.node.scope as Cluster;
  }

  public get zones(): string[] {
    return this.props.zones ?? this.cluster.idc.zoneNames;
  }

  public get kubernetesVersion(): string {
    return this.props.kubernetesVersion ?? this.cluster.kubernetesVersion;
  }

  /** @internal */
  public collectProblems(problems: ProblemCollector): void {
    const path = this.node.path;
    const nameProblem = checkDnsLabel(this.name, 63);
    if (nameProblem) problems.error({
      path,
      rule: 'name-syntax',
      message: `node pool name ${nameProblem}`,
      fix: 'use a short lowercase name such as "general"',
      value: this.name,
    });
    const roleProblem = checkLabelKey(`node-role.kubernetes.io/${this.role}`);
    if (roleProblem || !this.role) problems.error({
      path,
      rule: 'label-syntax',
      message: `role cannot be a node-role label: ${roleProblem ?? 'empty'}`,
      fix: 'use a short lowercase role such as "general"',
      value: this.role,
    });

    const fixed = this.replicasPerZone;
    const bounds = this.autoscaling;
    if ((fixed === undefined) === (bounds === undefined)) {
      problems.error({
        path,
        rule: 'node-pool-scaling',
        message: 'a node pool has either fixed replicas or autoscaler bounds',
        fix: 'give exactly one of replicasPerZone and autoscaling',
        value: { replicasPerZone: fixed, autoscaling: bounds },
      });
    }
    if (fixed !== undefined && (!Number.isInteger(fixed) || fixed < 0)) {
      problems.error({
        path,
        rule: 'node-pool-scaling',
        message: 'replicasPerZone must be a whole number, 0 or more',
        fix: 'set replicasPerZone to a whole number',
        value: fixed,
      });
    }
    if (bounds !== undefined) {
      const { minPerZone: min, maxPerZone: max } = bounds;
      if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max < min) {
        problems.error({
          path,
          rule: 'autoscaler-bounds',
          message: 'autoscaler bounds need whole numbers with 1 <= minPerZone <= maxPerZone',
          fix: 'set minPerZone to at least 1 and maxPerZone to at least minPerZone',
          value: bounds,
        });
      }
    }

    const idcZones = this.cluster.idc.zoneNames;
    if (this.zones.length === 0) problems.error({
      path,
      rule: 'zone-reference',
      message: 'the node pool has no zone',
      fix: 'list at least one zone, or leave zones unset',
      value: this.zones,
    });
    for (const zone of this.zones) {
      if (!idcZones.includes(zone)) problems.error({
        path,
        rule: 'zone-reference',
        message: `zone "${zone}" is not a zone of IDC ${this.cluster.idc.name}`,
        fix: `use one of: ${idcZones.join(', ')}`,
        value: zone,
      });
    }
    if (new Set(this.zones).size !== this.zones.length) problems.error({
      path,
      rule: 'zone-reference',
      message: 'a zone is listed twice',
      fix: 'list each zone once',
      value: this.zones,
    });

    for (const [key, value] of Object.entries(this.labels)) {
      const keyProblem = checkLabelKey(key);
      if (keyProblem) problems.error({
        path,
        rule: 'label-syntax',
        message: `label key "${key}" ${keyProblem}`,
        fix: 'use a qualified key such as "example.com/tier"',
        value: key,
      });
      const valueProblem = typeof value === 'string' ? checkLabelValue(value) : 'must be a string';
      if (valueProblem) problems.error({
        path,
        rule: 'label-syntax',
        message: `label value of "${key}" ${valueProblem}`,
        fix: 'use at most 63 alphanumeric, "-", "_" or "." characters',
        value,
      });
      if (!keyProblem && isEstateOwnedNodeLabel(key, this.role)) {
        problems.error({
          path,
          rule: 'reserved-label',
          message: `label "${key}" is set by the estate itself (pool, role, region, zone, IDC, machine model)`,
          fix: 'state it through the pool\'s own props (role, instance, zones), or use a key of your own domain',
          value: key,
        });
      } else if (!keyProblem && nodeLabelRoute(key) === NodeLabelRoute.UNREACHABLE) {
        problems.error({
          path,
          rule: 'node-label-reach',
          message: `label "${key}" can reach the Node neither through Cluster API nor through the kubelet (NodeRestriction forbids it)`,
          fix: 'use your own domain, or a node-role.kubernetes.io / node.cluster.x-k8s.io key',
          value: key,
        });
      }
    }
    for (const taint of this.taints) {
      const keyProblem = checkLabelKey(taint.key);
      if (keyProblem) problems.error({
        path,
        rule: 'label-syntax',
        message: `taint key "${taint.key}" ${keyProblem}`,
        fix: 'use a qualified key such as "example.com/dedicated"',
        value: taint.key,
      });
      const valueProblem = checkLabelValue(taint.value ?? '');
      if (valueProblem) problems.error({
        path,
        rule: 'label-syntax',
        message: `taint value of "${taint.key}" ${valueProblem}`,
        fix: 'use at most 63 alphanumeric, "-", "_" or "." characters',
        value: taint.value,
      });
    }

    const { vcpu, memoryGiB } = this.instance;
    if (!(vcpu > 0) || !(memoryGiB > 0) || !this.instance.model) {
      problems.error({
        path,
        rule: 'instance-spec',
        message: 'an instance needs a model, vCPU > 0 and memory > 0',
        fix: 'state model, vcpu and memoryGiB',
        value: this.instance,
      });
    }

    const pool = parseKubernetesVersion(this.kubernetesVersion);
    const controlPlane = parseKubernetesVersion(this.cluster.kubernetesVersion);
    if (!pool) {
      problems.error({
        path,
        rule: 'kubernetes-version',
        message: 'the pool version is not a Kubernetes version',
        fix: 'write it as v1.MINOR.PATCH, for example v1.30.4',
        value: this.kubernetesVersion,
      });
    } else if (controlPlane) {
      const behind = minorsBehind(controlPlane, pool);
      if (behind < 0 || (behind === 0 && pool.patch > controlPlane.patch)) {
        problems.error({
          path,
          rule: 'version-skew',
          message: `the pool (${pool.text}) is newer than the control plane (${controlPlane.text})`,
          fix: 'upgrade the control plane first, then the pools',
          value: pool.text,
        });
      } else if (behind > MAX_KUBELET_MINORS_BEHIND) {
        problems.error({
          path,
          rule: 'version-skew',
          message: `the pool is ${behind} minors behind the control plane (${controlPlane.text}); kubelets may be at most ${MAX_KUBELET_MINORS_BEHIND} behind`,
          fix: 'upgrade the pool',
          value: pool.text,
        });
      }
    }

    const hc = this.healthCheck;
    const positive = (s: number) => Number.isInteger(s) && s >= 1;
    if (!positive(hc.nodeStartupTimeoutSeconds) || !positive(hc.unhealthyTimeoutSeconds)) {
      problems.error({
        path,
        rule: 'health-check',
        message: 'health check timeouts must be positive whole seconds',
        fix: 'use the defaults (600 s, 300 s) or positive whole numbers',
        value: hc,
      });
    }
    const mu = hc.maxUnhealthy;
    const validMax = typeof mu === 'number' ? Number.isInteger(mu) && mu >= 0 : /^(100|[1-9]?[0-9])%$/.test(mu);
    if (!validMax) problems.error({
      path,
      rule: 'health-check',
      message: 'maxUnhealthy must be a whole number or a percentage such as "40%"',
      fix: 'set maxUnhealthy to "40%"',
      value: mu,
    });
  }
}

/** Node labels the estate writes from the model: a pool may not set them, or its nodes would contradict the model. */
const ESTATE_OWNED_NODE_LABELS = new Set([
  NODE_POOL,
  NODE_REGION,
  NODE_ZONE,
  NODE_INSTANCE_TYPE,
  LABEL_IDC,
  LABEL_MACHINE_MODEL,
  LABEL_POOL_ROLE,
  LABEL_ZONE,
  LABEL_CLUSTER,
  LABEL_ROLE,
]);

function isEstateOwnedNodeLabel(key: string, role: string): boolean {
  // Further node-role labels are fine (a pool may serve two roles); its own role label comes from `role`.
  return ESTATE_OWNED_NODE_LABELS.has(key) || key === `${NODE_ROLE_PREFIX}${role}`;
}
