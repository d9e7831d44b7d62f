import { Construct } from 'constructs';
import { brand } from './brand';
import type { Cluster } from './cluster';
import { InstanceSpec } from './instance';
import { ProblemCollector } from './problems';

/** Where the API servers are reached: a load-balanced address in front of every replica. */
export interface ControlPlaneEndpoint {
  readonly host: string;
  /** @default 6443 */
  readonly port?: number;
}

/** Audit log settings of the API server. */
export interface AuditLogProps {
  /** Days an audit file is kept. @default 30 */
  readonly maxAgeDays?: number;
  /** Rotated audit files kept. @default 10 */
  readonly maxBackups?: number;
  /** Size at which the file rotates. @default 100 */
  readonly maxSizeMiB?: number;
}

/** How Secrets are stored in etcd. */
export enum SecretsEncryption {
  /**
   * Encrypted with an AES-CBC key; the EncryptionConfiguration comes from the Secret `<cluster>-encryption-config`
   * (key `config`) in the management cluster, so no key material is ever in the synthesized manifests.
   */
  AESCBC = 'aescbc',
  /** Encrypted by a KMS v2 plugin; the EncryptionConfiguration comes from the same Secret. */
  KMS_V2 = 'kms-v2',
}

/**
 * Leader election timings for the controller manager and the scheduler. Kubernetes requires
 * retry period < renew deadline < lease duration.
 */
export interface LeaderElectionProps {
  /** @default 15 */
  readonly leaseDurationSeconds?: number;
  /** @default 10 */
  readonly renewDeadlineSeconds?: number;
  /** @default 2 */
  readonly retryPeriodSeconds?: number;
}

/** Properties of an HA control plane. */
export interface ControlPlaneProps {
  /** kube-apiserver replicas (one per machine). 3 or 5. @default 3 */
  readonly replicas?: number;
  /** Load-balanced endpoint. @default - host `<cluster>-api.<estate dnsDomain>`, port 6443 */
  readonly endpoint?: ControlPlaneEndpoint;
  /** Zones the replicas spread over. @default - every zone of the cluster's IDC */
  readonly zones?: string[];
  /** Control-plane machines. @default - 16 vCPU, 64 GiB, model `control-plane-standard` */
  readonly instance?: InstanceSpec;
  /** Allow anonymous requests to the API server. @default false */
  readonly anonymousAuth?: boolean;
  /** @default - 30 days, 10 backups, 100 MiB */
  readonly auditLog?: AuditLogProps;
  /** @default SecretsEncryption.AESCBC */
  readonly secretsEncryption?: SecretsEncryption;
  /** @default - 15 s lease, 10 s renew deadline, 2 s retry */
  readonly leaderElection?: LeaderElectionProps;
  /** Further kube-apiserver flags, for what this construct does not model; they override ours. @default - none */
  readonly extraApiServerArgs?: Record<string, string>;
}

/** The control-plane machines when `ControlPlaneProps.instance` is not given: 16 vCPU, 64 GiB. */
export const DEFAULT_CONTROL_PLANE_INSTANCE: InstanceSpec = { model: 'control-plane-standard', vcpu: 16, memoryGiB: 64 };

/** The HA control plane of a cluster: kube-apiservers behind one endpoint, leader-elected controllers. */
export class ControlPlane extends Construct {
  public readonly replicas: number;
  public readonly endpoint: { readonly host: string; readonly port: number };
  public readonly instance: InstanceSpec;
  public readonly anonymousAuth: boolean;
  public readonly auditLog: Required<AuditLogProps>;
  public readonly secretsEncryption: SecretsEncryption;
  public readonly leaderElection: Required<LeaderElectionProps>;
  public readonly extraApiServerArgs: Readonly<Record<string, string>>;
  private readonly explicitZones?: string[];

  constructor(scope: Cluster, id: string, props: ControlPlaneProps, defaultHost: string) {
    super(scope, id);
    brand(this, 'ControlPlane');
    this.replicas = props.replicas ?? 3;
    this.endpoint = { host: props.endpoint?.host ?? defaultHost, port: props.endpoint?.port ?? 6443 };
    this.instance = props.instance ?? DEFAULT_CONTROL_PLANE_INSTANCE;
    this.anonymousAuth = props.anonymousAuth ?? false;
    this.auditLog = {
      maxAgeDays: props.auditLog?.maxAgeDays ?? 30,
      maxBackups: props.auditLog?.maxBackups ?? 10,
      maxSizeMiB: props.auditLog?.maxSizeMiB ?? 100,
    };
    this.secretsEncryption = props.secretsEncryption ?? SecretsEncryption.AESCBC;
    this.leaderElection = {
      leaseDurationSeconds: props.leaderElection?.leaseDurationSeconds ?? 15,
      renewDeadlineSeconds: props.leaderElection?.renewDeadlineSeconds ?? 10,
      retryPeriodSeconds: props.leaderElection?.retryPeriodSeconds ?? 2,
    };
    this.extraApiServerArgs = props.extraApiServerArgs ?? {};
    this.explicitZones = props.zones;
  }

  public get cluster(): Cluster {
    return this.node.scope as Cluster;
  }

  /** Zones the replicas spread over. */
  public get zones(): string[] {
    return this.explicitZones ?? this.cluster.idc.zoneNames;
  }

  /** @internal */
  public collectProblems(problems: ProblemCollector): void {
    const path = this.node.path;
    if (this.replicas !== 3 && this.replicas !== 5) {
      problems.error({
        path,
        rule: 'control-plane-replicas',
        message: 'an HA control plane runs 3 or 5 API server replicas',
        fix: 'set controlPlane.replicas to 3 (or 5 for large clusters)',
        value: this.replicas,
      });
    }
    const idcZones = this.cluster.idc.zoneNames;
    for (const zone of this.zones) {
      if (!idcZones.includes(zone)) {
        problems.error({
          path,
          rule: 'zone-reference',
          message: `zone "${zone}" is not a zone of IDC ${this.cluster.idc.name}`,
          fix: `use one of: ${idcZones.join(', ')}`,
          value: zone,
        });
      }
    }
    const distinct = new Set(this.zones).size;
    const wanted = Math.min(3, idcZones.length);
    if (distinct < wanted) {
      problems.error({
        path,
        rule: 'control-plane-spread',
        message: `the control plane spreads over ${distinct} zone(s) while IDC ${this.cluster.idc.name} offers ${idcZones.length}`,
        fix: `spread the replicas over at least ${wanted} zones (leave controlPlane.zones unset to use every zone)`,
        value: this.zones,
      });
    } else if (idcZones.length < 2) {
      problems.warning({
        path,
        rule: 'control-plane-spread',
        message: `IDC ${this.cluster.idc.name} has one zone: losing it takes the control plane down`,
        fix: 'place the cluster in an IDC with three or more zones',
        value: idcZones,
      });
    }
    const port = this.endpoint.port;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      problems.error({
        path,
        rule: 'control-plane-endpoint',
        message: 'the endpoint port must be a TCP port',
        fix: 'set controlPlane.endpoint.port between 1 and 65535',
        value: port,
      });
    }
    if (!this.endpoint.host) {
      problems.error({
        path,
        rule: 'control-plane-endpoint',
        message: 'the endpoint host is empty',
        fix: 'set controlPlane.endpoint.host to the load balancer address',
        value: this.endpoint.host,
      });
    }
    const le = this.leaderElection;
    if (!(le.retryPeriodSeconds > 0 && le.retryPeriodSeconds < le.renewDeadlineSeconds && le.renewDeadlineSeconds < le.leaseDurationSeconds)) {
      problems.error({
        path,
        rule: 'leader-election',
        message: 'leader election needs 0 < retry period < renew deadline < lease duration',
        fix: 'use the defaults (2 s, 10 s, 15 s) or keep that order',
        value: le,
      });
    }
    if (this.anonymousAuth) {
      problems.warning({
        path,
        rule: 'api-server-hardening',
        message: 'anonymous requests to the API server are allowed',
        fix: 'leave controlPlane.anonymousAuth unset (false)',
        value: true,
      });
    }
    for (const [name, value] of Object.entries(this.auditLog)) {
      if (!Number.isInteger(value) || value < 1) {
        problems.error({
          path,
          rule: 'api-server-hardening',
          message: `auditLog.${name} must be a positive whole number`,
          fix: `set auditLog.${name} to 1 or more`,
          value,
        });
      }
    }
  }
}
