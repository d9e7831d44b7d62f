import { isIP } from 'net';
import type { AppInstancePlan } from '../apps/instance-plan';
import { LABEL_CHANNEL, ReleaseChannel, serviceSelector } from '../apps/labels';
import { ProblemCollector } from '../estate/problems';
import { checkDnsLabel, checkLabelKey, checkLabelValue } from '../estate/syntax';
import type { KubeObject } from '../synth/kube-object';

/** One legacy VM of a group (a WorkloadEntry). */
export interface VmProps {
  /** The VM's name, unique in its group. */
  readonly name: string;
  /** Its IP address (v4 or v6), where the mesh reaches its proxy. */
  readonly address: string;
  /** `region/zone/subzone`, for locality-aware load balancing. @default - the group's locality */
  readonly locality?: string;
}

/**
 * Legacy VMs that serve the app beside its pods during a migration: a WorkloadGroup and a WorkloadEntry per VM,
 * labelled so that the app's Service selects them, so callers reach VMs and pods alike.
 */
export interface VmGroupProps {
  /** The group's name, unique in the app. */
  readonly name: string;
  /** The cluster whose mesh the VMs join (one the app is placed on). */
  readonly cluster: string;
  /** The VMs of the group. */
  readonly vms: VmProps[];
  /** The identity the VMs' proxies run as. @default - the app's service account (its name) */
  readonly serviceAccount?: string;
  /** The network the VMs sit on, when it is not the cluster's (multi-network meshes). @default - the cluster's network */
  readonly network?: string;
  /** `region/zone/subzone` of the VMs. @default - none */
  readonly locality?: string;
  /** Further labels of the VMs; they may not contradict the Service's selector. @default {} */
  readonly labels?: Record<string, string>;
}

/** A VM group with every default applied. Plain data. */
export interface VmGroupSpec {
  readonly name: string;
  readonly cluster: string;
  readonly vms: readonly { readonly name: string; readonly address: string; readonly locality?: string }[];
  readonly serviceAccount?: string;
  readonly network?: string;
  readonly locality?: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** @internal */
export function resolveVmGroup(p: VmGroupProps): VmGroupSpec {
  return {
    name: p.name,
    cluster: p.cluster,
    vms: (p.vms ?? []).map((v) => ({ name: v.name, address: v.address, ...(v.locality !== undefined ? { locality: v.locality } : {}) })),
    ...(p.serviceAccount !== undefined ? { serviceAccount: p.serviceAccount } : {}),
    ...(p.network !== undefined ? { network: p.network } : {}),
    ...(p.locality !== undefined ? { locality: p.locality } : {}),
    labels: { ...(p.labels ?? {}) },
  };
}

const LOCALITY = /^[A-Za-z0-9][-A-Za-z0-9_.]*(\/[A-Za-z0-9][-A-Za-z0-9_.]*){0,2}$/;

/** The labels of the group's VMs: the Service's selector, the channel its subsets select, then the group's own. */
export function vmLabels(app: string, serviceChannel: ReleaseChannel | undefined, g: VmGroupSpec): Record<string, string> {
  return { ...g.labels, ...serviceSelector(app, serviceChannel), [LABEL_CHANNEL]: serviceChannel ?? ReleaseChannel.STABLE };
}

/** @internal */
export function checkVmGroups(
  path: string,
  app: string,
  serviceChannel: ReleaseChannel | undefined,
  groups: readonly VmGroupSpec[],
  clusters: readonly string[],
  problems: ProblemCollector,
): void {
  const names = new Set<string>();
  const addresses = new Map<string, string>();
  const selector: Record<string, string> = { ...serviceSelector(app, serviceChannel), [LABEL_CHANNEL]: serviceChannel ?? ReleaseChannel.STABLE };
  for (const g of groups) {
    const gp = `${path}/vm-group/${g.name}`;
    const np = checkDnsLabel(String(g.name), 40);
    if (np) problems.error({
      path: gp,
      rule: 'vm-group',
      message: `the group name ${np}`,
      fix: 'use a short lowercase name such as "legacy"',
      value: g.name,
    });
    if (names.has(g.name)) problems.error({
      path: gp,
      rule: 'vm-group',
      message: `VM group "${g.name}" is declared twice`,
      fix: 'give each group its own name',
      value: g.name,
    });
    names.add(g.name);
    // A warning, not an error: removing a cluster (or the app from it) must stay possible; the VMs then leave the mesh,
    // which the preview shows as the WorkloadEntries' deletion.
    if (!clusters.includes(g.cluster)) problems.warning({
      path: gp,
      rule: 'vm-group',
      message: `the VMs join cluster "${g.cluster}", where the app is not placed: no Service there selects them, so they are not rendered`,
      fix: `use one of ${clusters.join(', ') || '(none)'}, or remove the group`,
      value: g.cluster,
    });
    if (g.serviceAccount !== undefined && checkDnsLabel(g.serviceAccount, 253)) problems.error({
      path: gp,
      rule: 'vm-group',
      message: 'the service account must be a DNS name',
      fix: 'keep the default, the app\'s own service account',
      value: g.serviceAccount,
    });
    if (g.locality !== undefined && !LOCALITY.test(g.locality)) problems.error({
      path: gp,
      rule: 'vm-group',
      message: 'locality must be region[/zone[/subzone]]',
      fix: 'use, for example, "cn-east/hz1-a"',
      value: g.locality,
    });
    for (const [k, v] of Object.entries(g.labels)) {
      const kp = checkLabelKey(k);
      const vp = typeof v === 'string' ? checkLabelValue(v) : 'must be a string';
      if (kp || vp) problems.error({
        path: gp,
        rule: 'vm-group',
        message: `label ${k}=${v} ${kp ?? vp}`,
        fix: 'use a qualified key and a valid label value',
        value: k,
      });
      else if (selector[k] !== undefined && selector[k] !== v) problems.error({
        path: gp,
        rule: 'vm-labels',
        message: `label ${k}=${v} contradicts the app's Service selector (${k}=${selector[k]}): the Service would not select the VMs`,
        fix: `drop the label ${k}, which the VMs get from the app`,
        value: `${k}=${v}`,
      });
    }
    if (g.vms.length === 0) problems.error({
      path: gp,
      rule: 'vm-group',
      message: 'a VM group lists at least one VM',
      fix: 'add the VMs with their addresses',
      value: 0,
    });
    const vmNames = new Set<string>();
    for (const vm of g.vms) {
      const vp = `${gp}/${vm.name}`;
      const vnp = checkDnsLabel(String(vm.name), 40);
      if (vnp) problems.error({
        path: vp,
        rule: 'vm-group',
        message: `the VM name ${vnp}`,
        fix: 'use its host name, such as "pay-vm-01"',
        value: vm.name,
      });
      if (vmNames.has(vm.name)) problems.error({
        path: vp,
        rule: 'vm-group',
        message: `VM "${vm.name}" is listed twice`,
        fix: 'list each VM once',
        value: vm.name,
      });
      vmNames.add(vm.name);
      if (typeof vm.address !== 'string' || isIP(vm.address) === 0) problems.error({
        path: vp,
        rule: 'vm-address',
        message: `"${vm.address}" is not an IP address`,
        fix: 'give the VM\'s IPv4 or IPv6 address, such as "10.8.0.21"',
        value: vm.address,
      });
      else {
        const other = addresses.get(vm.address);
        if (other !== undefined) problems.error({
          path: vp,
          rule: 'vm-address',
          message: `address ${vm.address} is also VM ${other}'s`,
          fix: 'give each VM its own address',
          value: vm.address,
        });
        addresses.set(vm.address, vm.name);
      }
      if (vm.locality !== undefined && !LOCALITY.test(vm.locality)) problems.error({
        path: vp,
        rule: 'vm-group',
        message: 'locality must be region[/zone[/subzone]]',
        fix: 'use, for example, "cn-east/hz1-a"',
        value: vm.locality,
      });
    }
  }
}

/** The WorkloadGroup and WorkloadEntries of the app's VM groups on this cluster. @internal */
export function renderVmGroups(plan: AppInstancePlan): KubeObject[] {
  const spec = plan.spec;
  const groups = (spec.mesh?.vmGroups ?? []).filter((g) => g.cluster === plan.cluster);
  const ports = Object.fromEntries(spec.ports.map((p) => [p.name, p.port]));
  const objects: KubeObject[] = [];
  for (const g of groups) {
    const labels = vmLabels(spec.name, spec.serviceChannel, g);
    const serviceAccount = g.serviceAccount ?? spec.name;
    const name = `${spec.name}-${g.name}`;
    const meta = (n: string) => ({ name: n, namespace: plan.namespace, labels: { ...plan.labels, ...labels } });
    objects.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'WorkloadGroup',
      metadata: meta(name),
      spec: {
        metadata: { labels },
        template: {
          serviceAccount,
          ports,
          ...(g.network !== undefined ? { network: g.network } : {}),
          ...(g.locality !== undefined ? { locality: g.locality } : {})
        },
      },
    });
    for (const vm of g.vms) {
      const locality = vm.locality ?? g.locality;
      objects.push({
        apiVersion: 'networking.istio.io/v1',
        kind: 'WorkloadEntry',
        metadata: meta(`${name}-${vm.name}`),
        spec: {
          address: vm.address,
          labels,
          serviceAccount,
          ports,
          ...(g.network !== undefined ? { network: g.network } : {}),
          ...(locality !== undefined ? { locality } : {})
        },
      });
    }
  }
  return objects;
}
