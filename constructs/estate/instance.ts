/** The kind of disk a machine carries. */
export enum DiskType {
  NVME = 'nvme',
  SSD = 'ssd',
  HDD = 'hdd',
}

/** One disk of a machine. */
export interface DiskSpec {
  /** Name of the disk, unique per machine, for example `data`. */
  readonly name: string;
  readonly sizeGiB: number;
  /** @default DiskType.SSD */
  readonly type?: DiskType;
}

/** What a machine is: chosen per service tier. */
export interface InstanceSpec {
  /**
   * Machine model: the instance type on a cloud (`ecs.g7.4xlarge`, `m6i.4xlarge`) or the server model in a
   * self-built IDC. Becomes the `node.kubernetes.io/instance-type` label.
   */
  readonly model: string;
  readonly vcpu: number;
  readonly memoryGiB: number;
  /** @default - one 100 GiB SSD system disk */
  readonly disks?: DiskSpec[];
  /** Network packets per second the machine sustains, for tiers that are bound by packet rate (gateways, ingress). @default - not stated */
  readonly networkPps?: number;
}

/** Disks when an instance states none. */
export const DEFAULT_DISKS: readonly DiskSpec[] = [{ name: 'system', sizeGiB: 100, type: DiskType.SSD }];
