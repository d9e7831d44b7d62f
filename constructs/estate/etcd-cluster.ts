import { Construct } from 'constructs';
import { addressAt, blockSize, CidrBlock, cidrContains, parseCidr, singleAddress } from './cidr';
import { brand } from './brand';
import type { Cluster } from './cluster';
import { EtcdTimeouts, ETCD_MAX_ELECTION_MS, quorum, spreadMembers, timeoutsForRtt, zonesWhoseLossBreaksQuorum } from './etcd-math';
import { DiskType, InstanceSpec } from './instance';
import { ProblemCollector } from './problems';

/** How etcd compacts its history. */
export enum EtcdCompactionMode {
  /** Keep `retention` hours of history. */
  PERIODIC = 'periodic',
  /** Keep `retention` revisions. */
  REVISION = 'revision',
}

/** Properties of a dedicated etcd cluster. */
export interface EtcdClusterProps {
  /** Members, each on its own machine: 3, 5 or 7 (odd: an even count adds a machine and no fault tolerance). @default 5 */
  readonly members?: number;
  /**
   * Subnet the members' static addresses are taken from: member i gets the address at offset 10 + i. Must not
   * overlap any pod or service CIDR of the estate.
   */
  readonly memberSubnet: string;
  /**
   * The address of a member, by member index, where it must differ from the subnet's plan: how etcd moves to new
   * addresses on a running cluster, one member per change (each change replaces that one member), before
   * `memberSubnet` follows. Each member's peer certificate must name its address.
   * @default - member i gets the address at offset 10 + i of memberSubnet
   */
  readonly memberAddresses?: Readonly<Record<number, string>>;
  /**
   * Zone of each member, by member index, when the default spread does not fit.
   * @default - members spread round-robin over every zone of the cluster's IDC
   */
  readonly memberZones?: string[];
  /** Member machines. @default - 8 vCPU, 32 GiB, NVMe data disk, model `etcd-standard` */
  readonly instance?: InstanceSpec;
  /** etcd release installed on the members. @default '3.5.17' */
  readonly version?: string;
  /** Backend size limit in bytes (etcd suggests at most 8 GiB). @default 8589934592 */
  readonly quotaBackendBytes?: number;
  /** Committed transactions between snapshots to disk. @default 10000 */
  readonly snapshotCount?: number;
  /** @default EtcdCompactionMode.PERIODIC */
  readonly compactionMode?: EtcdCompactionMode;
  /** Hours (periodic) or revisions (revision) of history kept. @default '1' */
  readonly compactionRetention?: string;
  /** Override the heartbeat interval derived from the zones' round-trip time. @default - derived from RTT */
  readonly heartbeatIntervalMs?: number;
  /** Override the election timeout derived from the zones' round-trip time. @default - derived from RTT */
  readonly electionTimeoutMs?: number;
  /** @default 2379 */
  readonly clientPort?: number;
  /** @default 2380 */
  readonly peerPort?: number;
}

/** The etcd machines when `EtcdClusterProps.instance` is not given: 8 vCPU, 32 GiB, an NVMe data disk of 200 GiB. */
export const DEFAULT_ETCD_INSTANCE: InstanceSpec = {
  model: 'etcd-standard',
  vcpu: 8,
  memoryGiB: 32,
  disks: [
    { name: 'system', sizeGiB: 100, type: DiskType.SSD },
    { name: 'etcd-data', sizeGiB: 200, type: DiskType.NVME },
  ],
};

/** One etcd member, as placed. */
export interface EtcdMember {
  readonly index: number;
  /** Member name, also its Machine's name: `<cluster>-etcd-<index>`. */
  readonly name: string;
  readonly zone: string;
  readonly address: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
}

/** True for a member count that can be placed at all (validation decides whether it is a good one). */
function isPlaceableCount(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 99;
}


/** First host offset in the member subnet: leaves the low addresses for gateways and load balancers. */
const FIRST_MEMBER_OFFSET = 10;

/** A dedicated etcd cluster: members on their own machines, spread over zones, mutual TLS on both ports. */
export class EtcdCluster extends Construct {
  public readonly memberCount: number;
  public readonly memberSubnet: string;
  public readonly instance: InstanceSpec;
  public readonly version: string;
  public readonly quotaBackendBytes: number;
  public readonly snapshotCount: number;
  public readonly compactionMode: EtcdCompactionMode;
  public readonly compactionRetention: string;
  public readonly clientPort: number;
  public readonly peerPort: number;
  private readonly props: EtcdClusterProps;

  constructor(scope: Cluster, id: string, props: EtcdClusterProps) {
    super(scope, id);
    brand(this, 'EtcdCluster');
    this.props = props;
    this.memberCount = props.members ?? 5;
    this.memberSubnet = props.memberSubnet;
    this.instance = props.instance ?? DEFAULT_ETCD_INSTANCE;
    this.version = props.version ?? '3.5.17';
    this.quotaBackendBytes = props.quotaBackendBytes ?? 8 * 1024 ** 3;
    this.snapshotCount = props.snapshotCount ?? 10000;
    this.compactionMode = props.compactionMode ?? EtcdCompactionMode.PERIODIC;
    this.compactionRetention = props.compactionRetention ?? '1';
    this.clientPort = props.clientPort ?? 2379;
    this.peerPort = props.peerPort ?? 2380;
  }

  public get cluster(): Cluster {
    return this.node.scope as Cluster;
  }

  /** Zone of each member, by index. */
  public get placement(): string[] {
    if (this.props.memberZones) return this.props.memberZones;
    // A count that is not a small whole number is reported by validation; there is nothing to place.
    return isPlaceableCount(this.memberCount) ? spreadMembers(this.memberCount, this.cluster.idc.zoneNames) : [];
  }

  /** The members with their zones and addresses. Call only on a validated estate. */
  public get members(): EtcdMember[] {
    const subnet = parseCidr(this.memberSubnet);
    const placement = this.placement;
    const explicit = this.props.memberAddresses ?? {};
    return placement.map((zone, index) => {
      const address = explicit[index] ?? addressAt(subnet, FIRST_MEMBER_OFFSET + index);
      const host = address.includes(':') ? `[${address}]` : address;
      return {
        index,
        name: `${this.cluster.name}-etcd-${index}`,
        zone,
        address,
        clientUrl: `https://${host}:${this.clientPort}`,
        peerUrl: `https://${host}:${this.peerPort}`,
      };
    });
  }

  /** Largest round-trip time between two zones that hold members. */
  public get maxMemberRttMs(): number {
    const zones = [...new Set(this.placement)];
    let max = 0;
    for (const a of zones) for (const b of zones) max = Math.max(max, this.cluster.idc.rttMs(a, b));
    return max;
  }

  /** Heartbeat and election timeout: the overrides, or what the zones' RTT calls for. */
  public get timeouts(): EtcdTimeouts {
    const derived = timeoutsForRtt(this.maxMemberRttMs);
    const heartbeatIntervalMs = this.props.heartbeatIntervalMs ?? derived.heartbeatIntervalMs;
    // An overridden heartbeat alone still gets an election timeout of ten heartbeats.
    const electionTimeoutMs = this.props.electionTimeoutMs ?? Math.max(derived.electionTimeoutMs, heartbeatIntervalMs * 10);
    return { heartbeatIntervalMs, electionTimeoutMs };
  }

  /**
   * The member subnet, parsed; undefined when it does not parse (validation reports it).
   * @internal
   */
  public tryMemberSubnet(): CidrBlock | undefined {
    try {
      return parseCidr(this.memberSubnet);
    } catch {
      return undefined;
    }
  }

  private collectAddressProblems(path: string, problems: ProblemCollector): void {
    const explicit = this.props.memberAddresses;
    if (explicit === undefined) return;
    const count = this.memberCount;
    const seen = new Map<string, string>();
    for (const [key, address] of Object.entries(explicit)) {
      const index = Number(key);
      if (!Number.isInteger(index) || index < 0 || index >= count) {
        problems.error({
          path,
          rule: 'etcd-member-address',
          message: `etcd.memberAddresses names member ${key}, but the members are 0 to ${count - 1}`,
          fix: 'key memberAddresses by member index',
          value: key,
        });
        continue;
      }
      const block = typeof address === 'string' ? singleAddress(address) : undefined;
      if (!block) {
        problems.error({
          path,
          rule: 'etcd-member-address',
          message: `etcd.memberAddresses[${key}] is not an IP address`,
          fix: 'give an address such as 10.251.0.10 (dotted decimal, no leading zeros)',
          value: address,
        });
        continue;
      }
      for (const [what, text] of [['podCidr', this.cluster.podCidr], ['serviceCidr', this.cluster.serviceCidr]] as const) {
        let network: CidrBlock | undefined;
        try {
          network = parseCidr(text);
        } catch {
          network = undefined;
        }
        if (network && cidrContains(network, block)) problems.error({
          path,
          rule: 'etcd-member-address',
          message: `etcd.memberAddresses[${key}] ${address} is inside the cluster's ${what} ${text}`,
          fix: 'give etcd members addresses outside the pod and service networks',
          value: address,
        });
      }
      const other = seen.get(address);
      if (other !== undefined) problems.error({
        path,
        rule: 'etcd-member-address',
        message: `members ${other} and ${key} would share the address ${address}`,
        fix: 'give each member its own address',
        value: address,
      });
      seen.set(address, key);
    }
    const subnet = this.tryMemberSubnet();
    if (subnet) {
      for (let i = 0; i < count && i < 100; i++) {
        if (explicit[i] !== undefined) continue;
        const planned = addressAt(subnet, FIRST_MEMBER_OFFSET + i);
        const clash = seen.get(planned);
        if (clash !== undefined) problems.error({
          path,
          rule: 'etcd-member-address',
          message: `memberAddresses[${clash}] is member ${i}'s planned address ${planned}`,
          fix: 'choose an address outside the planned ones',
          value: planned,
        });
      }
    }
  }

  /** @internal */
  public collectProblems(problems: ProblemCollector): void {
    const path = this.node.path;
    const n = this.memberCount;
    if (!Number.isInteger(n) || n < 3 || n > 7 || n % 2 === 0) {
      problems.error({
        path,
        rule: 'etcd-odd-member-count',
        message: 'a dedicated etcd runs 3, 5 or 7 members (an even count adds a machine and no fault tolerance)',
        fix: 'set etcd.members to 3, 5 or 7 (5 for large clusters)',
        value: n,
      });
    }
    const idc = this.cluster.idc;
    const idcZones = idc.zoneNames;
    const placement = this.placement;
    if (this.props.memberZones && this.props.memberZones.length !== n) {
      problems.error({
        path,
        rule: 'etcd-placement',
        message: `etcd.memberZones names ${this.props.memberZones.length} zone(s) for ${n} member(s)`,
        fix: 'give exactly one zone per member, or leave memberZones unset',
        value: this.props.memberZones,
      });
    }
    const unknown = placement.filter((z) => !idcZones.includes(z));
    for (const zone of new Set(unknown)) {
      problems.error({
        path,
        rule: 'zone-reference',
        message: `zone "${zone}" is not a zone of IDC ${idc.name}`,
        fix: `use one of: ${idcZones.join(', ')}`,
        value: zone,
      });
    }
    if (unknown.length === 0 && placement.length > 0) {
      const breaking = zonesWhoseLossBreaksQuorum(placement);
      if (breaking.length > 0) {
        const counts = placement.join(', ');
        if (idcZones.length >= 3) {
          problems.error({
            path,
            rule: 'etcd-zone-survivability',
            message: `losing zone ${breaking.join(' or ')} leaves fewer than ${quorum(placement.length)} of ${placement.length} members: the cluster would lose quorum`,
            fix: `spread the members so no zone holds ${placement.length - quorum(placement.length) + 1} or more (leave memberZones unset for an even spread)`,
            value: counts,
          });
        } else {
          problems.warning({
            path,
            rule: 'etcd-zone-survivability',
            message: `IDC ${idc.name} has ${idcZones.length} zone(s): losing zone ${breaking.join(' or ')} loses quorum, and no placement here can prevent it`,
            fix: 'run the cluster in an IDC with three or more zones',
            value: counts,
          });
        }
      }
    }
    const subnet = this.tryMemberSubnet();
    if (!subnet) {
      problems.error({
        path,
        rule: 'cidr-syntax',
        message: 'etcd.memberSubnet is not a CIDR block (network address, no host bits)',
        fix: 'give a subnet such as 10.20.0.0/27',
        value: this.memberSubnet,
      });
    } else if (isPlaceableCount(n) && blockSize(subnet) < BigInt(FIRST_MEMBER_OFFSET + n + 1)) {
      problems.error({
        path,
        rule: 'etcd-member-subnet',
        message: `etcd.memberSubnet is too small for ${n} members at offsets ${FIRST_MEMBER_OFFSET} and up`,
        fix: 'use a /27 or larger subnet',
        value: this.memberSubnet,
      });
    }
    this.collectAddressProblems(path, problems);
    const { heartbeatIntervalMs: hb, electionTimeoutMs: el } = this.timeouts;
    const rtt = this.maxMemberRttMs;
    if (!Number.isInteger(hb) || !Number.isInteger(el) || hb < 1) {
      problems.error({
        path,
        rule: 'etcd-timeouts',
        message: 'etcd takes whole, positive milliseconds for heartbeat and election timeout',
        fix: 'use whole numbers (or leave both unset to derive them from RTT)',
        value: { heartbeatIntervalMs: hb, electionTimeoutMs: el },
      });
    } else {
      if (el < 5 * hb) problems.error({
        path,
        rule: 'etcd-timeouts',
        message: 'etcd refuses an election timeout under five heartbeats',
        fix: 'make electionTimeoutMs at least 10 x heartbeatIntervalMs',
        value: { heartbeatIntervalMs: hb, electionTimeoutMs: el },
      });
      if (el > ETCD_MAX_ELECTION_MS) problems.error({
        path,
        rule: 'etcd-timeouts',
        message: `etcd refuses an election timeout above ${ETCD_MAX_ELECTION_MS} ms`,
        fix: 'place the members in zones with a shorter round trip',
        value: el,
      });
      if (hb < rtt * 0.5) problems.error({
        path,
        rule: 'etcd-timeouts',
        message: `the heartbeat (${hb} ms) is under half the ${rtt} ms round trip between member zones`,
        fix: 'leave heartbeatIntervalMs unset to derive it from RTT',
        value: hb,
      });
      if (el < rtt * 10) problems.error({
        path,
        rule: 'etcd-timeouts',
        message: `the election timeout (${el} ms) is under ten round trips (${rtt} ms) between member zones`,
        fix: 'leave electionTimeoutMs unset to derive it from RTT',
        value: el,
      });
    }
    for (const [name, value] of [['quotaBackendBytes', this.quotaBackendBytes], ['snapshotCount', this.snapshotCount], ['clientPort', this.clientPort], ['peerPort', this.peerPort]] as const) {
      if (!Number.isInteger(value) || value < 1) problems.error({
        path,
        rule: 'etcd-settings',
        message: `etcd.${name} must be a positive whole number`,
        fix: `set etcd.${name} to a positive whole number`,
        value,
      });
    }
    if (this.clientPort === this.peerPort) problems.error({
      path,
      rule: 'etcd-settings',
      message: 'client and peer ports are the same',
      fix: 'use 2379 for clients and 2380 for peers',
      value: this.clientPort,
    });
  }
}
