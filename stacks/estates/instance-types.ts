import { DiskType, InstanceSpec } from '../../constructs';

/** The machine catalogue of the reference estate, one instance spec per service tier (the bench's estates reuse it). */
export const INSTANCE_TYPES: Readonly<Record<'general' | 'ingress' | 'middleware' | 'gateway', InstanceSpec>> = {
  general: { model: 'g7.8xlarge', vcpu: 32, memoryGiB: 128 },
  ingress: { model: 'c7.4xlarge', vcpu: 16, memoryGiB: 32, networkPps: 2_000_000 },
  middleware: {
    model: 'r7.8xlarge',
    vcpu: 32,
    memoryGiB: 256,
    disks: [
      { name: 'system', sizeGiB: 100, type: DiskType.SSD },
      { name: 'data', sizeGiB: 1800, type: DiskType.NVME },
    ],
  },
  gateway: { model: 'c7.8xlarge', vcpu: 32, memoryGiB: 64, networkPps: 4_000_000 },
};
