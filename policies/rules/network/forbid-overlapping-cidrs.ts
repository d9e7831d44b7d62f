import type { KubeObject } from '../../../constructs';
import { CidrBlock, parseCidr } from '../../../constructs/internal';
import { controlPlaneOf, isCapiObject, urlHost } from '../../engine/capi';
import { asArray, field, nameOf, namespaceOf } from '../../engine/kube';
import type { TargetView } from '../../engine/target';
import { defineRule, notApplicable, violations } from '../../engine/types';

interface Entry {
  readonly cluster: string;
  readonly what: string;
  readonly block: CidrBlock;
}

function clusterKey(object: KubeObject): string {
  return `${namespaceOf(object) ?? ''}/${nameOf(object)}`;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** A well-formed IPv4 CIDR without host bits, read directly (parseCidr, which also explains errors, is slower). */
function ipv4Block(text: string): CidrBlock | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const v4 = IPV4.exec(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!v4 || !/^(3[0-2]|[12]\d|\d)$/.test(prefixText)) return undefined;
  const prefixLength = Number(prefixText);
  const value = BigInt(((Number(v4[1]) << 24) >>> 0) + (Number(v4[2]) << 16) + (Number(v4[3]) << 8) + Number(v4[4]));
  const mask = (1n << BigInt(32 - prefixLength)) - 1n;
  if ((value & mask) !== 0n) return undefined; // host bits set: parseCidr says so
  return { text, family: 'ipv4', first: value, last: value | mask, prefixLength };
}

/** A host address as a one-address block (IPv4 read directly, IPv6 through parseCidr); undefined for a DNS name. */
function hostBlock(host: string): CidrBlock | undefined {
  const v4 = IPV4.exec(host);
  if (v4) {
    const value = BigInt(((Number(v4[1]) << 24) >>> 0) + (Number(v4[2]) << 16) + (Number(v4[3]) << 8) + Number(v4[4]));
    return { text: `${host}/32`, family: 'ipv4', first: value, last: value, prefixLength: 32 };
  }
  if (!host.includes(':')) return undefined;
  try {
    return parseCidr(`${host}/128`);
  } catch {
    return undefined;
  }
}

/** The networks of one Cluster: pod and service blocks, and its etcd members' addresses. */
function entriesOf(target: TargetView, cluster: KubeObject, problems: string[]): Entry[] {
  const name = nameOf(cluster);
  const out: Entry[] = [];
  for (const [path, what] of [['spec.clusterNetwork.pods.cidrBlocks', 'pod network'], ['spec.clusterNetwork.services.cidrBlocks', 'service network']] as const) {
    for (const text of asArray(field(cluster, path))) {
      const fast = ipv4Block(String(text));
      if (fast) {
        out.push({ cluster: name, what: `${what} ${String(text)}`, block: fast });
        continue;
      }
      try {
        out.push({ cluster: name, what: `${what} ${String(text)}`, block: parseCidr(String(text)) });
      } catch (e) {
        problems.push(`${what} ${JSON.stringify(text)}: ${(e as Error).message}`);
      }
    }
  }
  const kcp = controlPlaneOf(target, namespaceOf(cluster), name);
  for (const endpoint of asArray(field(kcp, 'spec.kubeadmConfigSpec.clusterConfiguration.etcd.external.endpoints'))) {
    const host = urlHost(String(endpoint));
    if (!host) continue;
    const block = hostBlock(host);
    if (block) out.push({ cluster: name, what: `etcd member ${host}`, block });
  }
  return out;
}

/** Overlaps found in the whole target, per Cluster: one sort and sweep, n log n, computed once per target. */
function overlapsByCluster(target: TargetView): Map<string, string[]> {
  return target.memo('cidr-overlaps', () => {
    const found = new Map<string, string[]>();
    const add = (key: string, message: string) => {
      const list = found.get(key);
      if (list) list.push(message);
      else found.set(key, [message]);
    };
    const entries: (Entry & { key: string })[] = [];
    for (const cluster of target.ofKind('Cluster')) {
      if (!isCapiObject(cluster)) continue;
      const problems: string[] = [];
      for (const entry of entriesOf(target, cluster, problems)) entries.push({ ...entry, key: clusterKey(cluster) });
      for (const p of problems) add(clusterKey(cluster), p);
    }
    const order = (x: string | bigint, y: string | bigint) => (x < y ? -1 : x > y ? 1 : 0);
    entries.sort((a, b) => order(a.block.family, b.block.family) || order(a.block.first, b.block.first));
    const active: (Entry & { key: string })[] = [];
    for (const entry of entries) {
      // Drop blocks that end before this one starts (in place: this sweep sees every address block of the estate).
      let kept = 0;
      for (const a of active) if (a.block.family === entry.block.family && a.block.last >= entry.block.first) active[kept++] = a;
      active.length = kept;
      for (const other of active) {
        const sameCluster = other.key === entry.key;
        if (sameCluster && other.what.startsWith('etcd') && entry.what.startsWith('etcd')) continue;
        if (sameCluster) {
          add(entry.key, `${other.what} overlaps ${entry.what}`);
        } else {
          add(entry.key, `${entry.what} overlaps ${other.what} of cluster ${other.cluster}`);
          add(other.key, `${other.what} overlaps ${entry.what} of cluster ${entry.cluster}`);
        }
      }
      active.push(entry);
    }
    return found;
  });
}

/** Pod, service and etcd networks never overlap, within a cluster or across the estate. */
export const forbidOverlappingCidrs = defineRule({
  id: 'forbid-overlapping-cidrs',
  area: 'network',
  description: 'The pod and service CIDR blocks of every Cluster, and its etcd members\' addresses, overlap neither each other nor those of any other cluster of the target.',
  rationale: 'Clusters of one estate route to each other (multi-cluster services, the etcd members, the management cluster). An overlapping block makes a pod address ambiguous: traffic meant for one cluster\'s service reaches another\'s pod, or nothing.',
  remediation: 'Give every cluster its own podCidr, serviceCidr and etcd.memberSubnet from an address plan (see network() in stacks/estates/reference.ts); in hand-written YAML fix spec.clusterNetwork of the Cluster.',
  severity: 'critical',
  enforcement: 'mandatory',
  kinds: ['Cluster'],
  relational: true,
  reads: ['KubeadmControlPlane'],
  estateContext: 'none',
  config: {},
  check({ object, target }) {
    if (!isCapiObject(object)) return notApplicable('not a Cluster API Cluster');
    return violations(overlapsByCluster(target).get(clusterKey(object)) ?? []);
  },
});
