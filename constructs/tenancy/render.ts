import { APP_MANAGED_BY, LABEL_APP, MANAGED_BY } from '../apps/labels';
import type { AppInstancePlan } from '../apps/instance-plan';
import { instancePods } from '../apps/instance-plan';
import { SidecarKind, SidecarSpec } from '../apps/sidecars';
import { cpuQuantity, limitsOf, memoryQuantity } from '../apps/resources';
import { toManifest } from '../apps/render/wire';
import { cidrContains, CidrBlock, parseCidr, singleAddress } from '../estate/cidr';
import { LABEL_CLUSTER, LABEL_ESTATE, ESTATE_DOMAIN } from '../estate/well-known-labels';
import type { KubeObject } from '../synth/kube-object';
import { CallerKind, CallerSpec, DestinationKind, NetworkProtocol } from './access';
import { DEPLOYER_RULES, READER_RULES, RoleRule } from './rbac';
import { namespaceNeed, NamespaceNeed, QuotaSize, quotaSize, ROLLING_UPDATE_SURGE } from './sizing';
import type { TeamBudget } from './team';

/** The label that names a namespace's owning team, on the namespace and every tenancy object. */
export const LABEL_TEAM = `${ESTATE_DOMAIN}/team`;
/** The label every namespace carries with its own name (set by the API server since Kubernetes 1.22). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
/** Where the cluster DNS runs: every pod may reach it on port 53, UDP and TCP. */
export const CLUSTER_DNS = { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' }, port: 53 } as const;
/** The name of the default-deny NetworkPolicy of every app namespace. */
export const DEFAULT_DENY_POLICY = 'default-deny';

/** A team as the tenancy renderer needs it. */
export interface TenantTeam {
  readonly name: string;
  readonly deployersGroup: string;
  readonly readersGroup: string;
  readonly headroomPercent: number;
  readonly budgets: readonly TeamBudget[];
}

/** One app namespace on one cluster: its owner, its apps there, and the quota they need. */
export interface NamespaceTenancy {
  readonly namespace: string;
  readonly team?: TenantTeam;
  readonly headroomPercent: number;
  readonly need: NamespaceNeed;
  readonly quota: QuotaSize;
  readonly instances: readonly AppInstancePlan[];
}

/** The headroom of namespaces no team owns. */
export const DEFAULT_HEADROOM_PERCENT = 20;

/**
 * The tenancy of one cluster's app namespaces at the as-of time (instances of that cluster only), sorted by
 * namespace. `budgetOf` finds the budget that holds for a team's namespace there.
 */
export function planClusterTenancy(
  instances: readonly AppInstancePlan[],
  teams: ReadonlyMap<string, TenantTeam>,
  budgetOf: (team: TenantTeam, instances: readonly AppInstancePlan[]) => TeamBudget | undefined,
): NamespaceTenancy[] {
  const byNamespace = new Map<string, AppInstancePlan[]>();
  for (const i of instances) {
    const list = byNamespace.get(i.namespace);
    if (list) list.push(i);
    else byNamespace.set(i.namespace, [i]);
  }
  return [...byNamespace.keys()].sort().map((namespace) => {
    const list = byNamespace.get(namespace)!;
    const team = teams.get(namespace);
    const headroomPercent = team ? team.headroomPercent : DEFAULT_HEADROOM_PERCENT;
    const need = namespaceNeed(list.map((i) => ({ spec: i.spec, maxPods: instancePods(i).max })));
    return {
      namespace,
      ...(team ? { team } : {}),
      headroomPercent,
      need,
      quota: quotaSize(need, headroomPercent, team ? budgetOf(team, list) : undefined),
      instances: list,
    };
  });
}

function labelsFor(estate: string, cluster: string, team: TenantTeam | undefined): Record<string, string> {
  return { [LABEL_ESTATE]: estate, [LABEL_CLUSTER]: cluster, [APP_MANAGED_BY]: MANAGED_BY, ...(team ? { [LABEL_TEAM]: team.name } : {}) };
}

/**
 * Every tenancy object of one namespace on one cluster, in a fixed order: the team's Roles and RoleBindings, the
 * ResourceQuota and LimitRange, then the NetworkPolicies (default deny, DNS, then per app its ingress and egress
 * allows). `all` is every app instance of the cluster: callers in other namespaces and callees of this one's apps.
 */
export function renderNamespaceTenancy(estate: string, cluster: string, ns: NamespaceTenancy, all: readonly AppInstancePlan[]): KubeObject[] {
  const labels = labelsFor(estate, cluster, ns.team);
  const meta = (name: string) => ({ name, namespace: ns.namespace, labels: { ...labels } });
  const out: KubeObject[] = [];
  if (ns.team) {
    for (const [suffix, group, rules] of [['deployer', ns.team.deployersGroup, DEPLOYER_RULES], ['reader', ns.team.readersGroup, READER_RULES]] as const) {
      const name = `${ns.team.name}-${suffix}`;
      out.push(toManifest({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role' }, { metadata: meta(name), rules: rules.map((r: RoleRule) => ({ apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs] })) } as never));
      out.push(toManifest({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' }, {
        metadata: meta(name),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }],
      } as never));
    }
  }
  const q = ns.quota;
  const quotaAnnotations: Record<string, string> = {
    [`${ESTATE_DOMAIN}/quota-sizing`]: `apps at autoscaler max + ${Math.round(100 * ROLLING_UPDATE_SURGE)}% rolling-update surge: ${ns.need.pods} pods, requests ${cpuQuantity(ns.need.requests.cpuMillis)} / ${memoryQuantity(ns.need.requests.memoryMiB)}; headroom ${ns.headroomPercent}%${q.budget ? `; requests from the team's budget for group ${q.budget.group.name}${q.budget.phase ? ` (${q.budget.phase})` : ''}` : ''}`,
  };
  out.push(toManifest({ apiVersion: 'v1', kind: 'ResourceQuota' }, {
    metadata: { ...meta('tenant-quota'), annotations: quotaAnnotations },
    spec: {
      hard: {
        pods: String(q.pods),
        'requests.cpu': cpuQuantity(q.requests.cpuMillis),
        'requests.memory': memoryQuantity(q.requests.memoryMiB),
        'limits.cpu': cpuQuantity(q.limits.cpuMillis),
        'limits.memory': memoryQuantity(q.limits.memoryMiB),
      },
    },
  } as never));
  out.push(renderLimitRange(meta('tenant-limits'), ns.instances));
  out.push(...renderNetworkPolicies(meta, ns, all));
  return out;
}

/** Containers get the platform's small defaults when they state nothing, and none may exceed the largest the apps use. */
function renderLimitRange(metadata: Record<string, unknown>, instances: readonly AppInstancePlan[]): KubeObject {
  let maxCpu = 0;
  let maxMemory = 0;
  for (const i of instances) {
    for (const r of [i.spec.resources, ...i.spec.sidecars.map((s) => s.resources), ...(i.spec.mesh ? [i.spec.mesh.proxyResources] : [])]) {
      const l = limitsOf(r);
      maxCpu = Math.max(maxCpu, l.cpuMillis);
      maxMemory = Math.max(maxMemory, l.memoryMiB);
    }
  }
  const min = (a: number, b: number) => Math.min(a, b);
  return toManifest({ apiVersion: 'v1', kind: 'LimitRange' }, {
    metadata,
    spec: {
      limits: [{
        type: 'Container',
        default: { cpu: cpuQuantity(min(500, maxCpu)), memory: memoryQuantity(min(512, maxMemory)) },
        defaultRequest: { cpu: cpuQuantity(min(100, maxCpu)), memory: memoryQuantity(min(128, maxMemory)) },
        max: { cpu: cpuQuantity(maxCpu), memory: memoryQuantity(maxMemory) },
      }],
    },
  } as never);
}

type Peer = Record<string, unknown>;
interface PortRule { readonly port: number; readonly protocol: string }

function nsSelector(namespace: string): Peer {
  return { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } };
}

function appPeer(namespace: string, app: string): Peer {
  return { namespaceSelector: nsSelector(namespace), podSelector: { matchLabels: { [LABEL_APP]: app } } };
}

function ports(list: readonly PortRule[]): Peer[] {
  return list.map((p) => ({ port: p.port, protocol: p.protocol }));
}

/** The callee's ports a caller may reach: the Service's ports, narrowed to the caller's named ports. */
export function callerPorts(callee: AppInstancePlan['spec'], caller: CallerSpec): PortRule[] {
  return callee.ports.filter((p) => caller.ports === undefined || caller.ports.includes(p.name)).map((p) => ({
    port: p.port,
    protocol: NetworkProtocol.TCP,
  }));
}

/** True when `caller` names the app instance `from` (by app, or by its namespace). */
export function callerMatches(caller: CallerSpec, from: AppInstancePlan): boolean {
  return (caller.kind === CallerKind.APP && caller.name === from.app) || (caller.kind === CallerKind.NAMESPACE && caller.name === from.namespace);
}

/** A sidecar's in-cluster destination, from its configuration (`name.namespace.svc…:port`), or an address. */
export function sidecarDestinations(sidecar: SidecarSpec): { namespace?: string; cidr?: string; port: number; address: string }[] {
  const addresses: string[] = [];
  const args = sidecar.args ?? [];
  if (sidecar.kind === SidecarKind.LOG_SHIPPER) {
    for (const a of args) if (a.startsWith('brokers=')) addresses.push(...a.slice('brokers='.length).split(',').filter(Boolean));
  } else if (sidecar.kind === SidecarKind.MESH_PROXY) {
    for (const a of args) if (a.startsWith('--discoveryAddress=')) addresses.push(a.slice('--discoveryAddress='.length));
  }
  const out: { namespace?: string; cidr?: string; port: number; address: string }[] = [];
  for (const address of addresses) {
    const m = /^([^:]+):(\d{1,5})$/.exec(address);
    if (!m) continue;
    const host = m[1];
    const port = Number(m[2]);
    const labels = host.split('.');
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) out.push({ cidr: `${host}/32`, port, address });
    else if (labels.length >= 3 && labels[2] === 'svc') out.push({ namespace: labels[1], port, address });
    else if (labels.length === 2 && labels[1] !== '') out.push({ namespace: labels[1], port, address });
    else out.push({ port, address });
  }
  return out;
}

/**
 * The addresses of the legacy VMs that serve an app instance beside its pods (its mesh VM groups on the instance's
 * cluster), as host blocks (`/32`, or `/128` for IPv6), in address order. The app's Service selects their
 * WorkloadEntries, so a caller's proxy sends part of its requests straight to these addresses.
 */
export function vmAddressBlocks(plan: AppInstancePlan): CidrBlock[] {
  if (!plan.mesh || !plan.spec.mesh) return [];
  const blocks = new Map<string, CidrBlock>();
  for (const g of plan.spec.mesh.vmGroups) {
    if (g.cluster !== plan.cluster) continue;
    for (const vm of g.vms) {
      const block = singleAddress(vm.address); // not an address: validation refuses it
      if (block) blocks.set(block.text, block);
    }
  }
  return [...blocks.values()].sort((a, b) => (a.family !== b.family ? (a.family === 'ipv4' ? -1 : 1) : a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
}

/**
 * The VM blocks a caller's egress does not allow yet on every one of `list`'s ports: its external destinations may
 * already cover a VM (a range the team listed while the VMs were outside the mesh).
 */
/** The external blocks an app may reach, parsed (with their ports): what its egress already opens. */
function externalBlocks(caller: AppInstancePlan): ExternalBlock[] {
  return caller.spec.access.egressTo.filter((d) => d.kind === DestinationKind.EXTERNAL)
    .flatMap((d) => (d.cidrs ?? []).flatMap((c) => {
      try { return [{ block: parseCidr(c), ports: d.ports, protocol: d.protocol as string }]; } catch { return []; }
    }));
}

interface ExternalBlock {
  readonly block: CidrBlock;
  readonly ports: readonly number[];
  readonly protocol: string;
}

function uncoveredVms(vms: readonly CidrBlock[], list: readonly PortRule[], external: readonly ExternalBlock[]): CidrBlock[] {
  const covered = (vm: CidrBlock, p: PortRule) =>
    external.some((e) => e.protocol === p.protocol && e.ports.includes(p.port) && cidrContains(e.block, vm));
  return vms.filter((vm) => !list.every((p) => covered(vm, p)));
}

/** istiod's port for proxies' configuration and certificates (xDS over mTLS). */
export const ISTIOD_XDS_PORT = 15012;

/**
 * The NetworkPolicies every namespace the estate writes starts from, by name and spec: deny all traffic, then allow
 * the cluster's DNS. App namespaces and gateway namespaces both take them. @internal
 */
export function baselineNetworkPolicies(): { readonly name: string; readonly spec: Record<string, unknown> }[] {
  return [
    { name: DEFAULT_DENY_POLICY, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } },
    {
      name: 'allow-dns',
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{
          to: [{ namespaceSelector: nsSelector(CLUSTER_DNS.namespace), podSelector: { matchLabels: { ...CLUSTER_DNS.podLabels } } }],
          ports: ports([{ port: CLUSTER_DNS.port, protocol: 'UDP' }, { port: CLUSTER_DNS.port, protocol: 'TCP' }]),
        }],
      },
    },
  ];
}

function renderNetworkPolicies(meta: (name: string) => Record<string, unknown>, ns: NamespaceTenancy, all: readonly AppInstancePlan[]): KubeObject[] {
  const policy = (name: string, spec: Record<string, unknown>) => toManifest({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' }, { metadata: meta(name), spec } as never);
  const out: KubeObject[] = baselineNetworkPolicies().map((p) => policy(p.name, p.spec));
  // Apps whose instance runs on this cluster, by name: callers elsewhere have no pods here to allow.
  const here = new Map<string, AppInstancePlan>();
  for (const i of all) if (!here.has(i.app)) here.set(i.app, i);
  for (const i of ns.instances) {
    const select = { matchLabels: { [LABEL_APP]: i.app } };
    const ingress: Peer[] = [];
    for (const c of i.spec.access.allowFrom) {
      const p = ports(callerPorts(i.spec, c));
      if (p.length === 0) continue;
      let from: Peer[] = [];
      if (c.kind === CallerKind.APP) {
        const caller = here.get(c.name ?? '');
        if (caller) from = [appPeer(caller.namespace, caller.app)];
      } else if (c.kind === CallerKind.NAMESPACE) from = [{ namespaceSelector: nsSelector(c.name ?? '') }];
      else if (c.kind === CallerKind.INGRESS_GATEWAY) from = [{ namespaceSelector: nsSelector(c.name ?? ''), podSelector: { matchLabels: { ...c.podLabels } } }];
      else if (c.kind === CallerKind.LOAD_BALANCER) from = (c.sourceRanges ?? []).map((cidr) => ({ ipBlock: { cidr } }));
      if (from.length > 0) ingress.push({ from, ports: p });
    }
    if (ingress.length > 0) out.push(policy(`${i.app}-allow-ingress`, { podSelector: select, policyTypes: ['Ingress'], ingress }));

    const egress: Peer[] = [];
    let external: ExternalBlock[] | undefined;
    for (const callee of all) {
      const grants = callee.spec.access.allowFrom.filter((c) => callerMatches(c, i));
      const calleeVms = grants.length > 0 ? vmAddressBlocks(callee) : [];
      const seen = new Set<string>();
      for (const c of grants) {
        const p = callerPorts(callee.spec, c).filter((x) => !seen.has(`${x.protocol}/${x.port}`));
        for (const x of p) seen.add(`${x.protocol}/${x.port}`);
        if (p.length === 0) continue;
        egress.push({ to: [appPeer(callee.namespace, callee.app)], ports: ports(p) });
        // During a migration the callee's Service also selects its VMs: their addresses are outside every pod selector.
        const vms = calleeVms.length > 0 ? uncoveredVms(calleeVms, p, (external ??= externalBlocks(i))) : [];
        if (vms.length > 0) egress.push({ to: vms.map((b) => ({ ipBlock: { cidr: b.text } })), ports: ports(p) });
      }
    }
    for (const d of i.spec.access.egressTo) {
      const p = ports(d.ports.map((port) => ({ port, protocol: d.protocol })));
      if (d.kind === DestinationKind.NAMESPACE) egress.push({
        to: [{ namespaceSelector: nsSelector(d.name), ...(d.podLabels ? { podSelector: { matchLabels: { ...d.podLabels } } } : {}) }],
        ports: p,
      });
      else egress.push({ to: (d.cidrs ?? []).map((cidr) => ({ ipBlock: { cidr } })), ports: p });
    }
    const sidecarRules = new Map<string, { to: Peer; ports: Set<number> }>();
    for (const s of i.spec.sidecars) {
      for (const d of sidecarDestinations(s)) {
        const key = d.namespace !== undefined ? `ns:${d.namespace}` : d.cidr !== undefined ? `ip:${d.cidr}` : undefined;
        if (!key) continue;
        let rule = sidecarRules.get(key);
        if (!rule) sidecarRules.set(
          key,
          (rule = {
            to: d.namespace !== undefined ? { namespaceSelector: nsSelector(d.namespace) } : { ipBlock: { cidr: d.cidr } },
            ports: new Set(),
          }),
        );
        rule.ports.add(d.port);
      }
    }
    // An injected mesh proxy fetches its configuration and certificates from istiod (xDS on 15012).
    if (i.mesh) {
      const key = `ns:${i.mesh.rootNamespace}`;
      let rule = sidecarRules.get(key);
      if (!rule) sidecarRules.set(key, (rule = { to: { namespaceSelector: nsSelector(i.mesh.rootNamespace) }, ports: new Set() }));
      rule.ports.add(ISTIOD_XDS_PORT);
    }
    for (const key of [...sidecarRules.keys()].sort()) {
      const r = sidecarRules.get(key)!;
      egress.push({ to: [r.to], ports: ports([...r.ports].sort((a, b) => a - b).map((port) => ({ port, protocol: 'TCP' }))) });
    }
    if (egress.length > 0) out.push(policy(`${i.app}-allow-egress`, { podSelector: select, policyTypes: ['Egress'], egress }));
  }
  return out;
}

/**
 * Every tenancy object of one cluster target from plain plans: what synthesis renders for the cluster's app
 * namespaces (sorted), given the teams by namespace and the budget that holds for a team there.
 */
export function renderTenancyObjects(
  estate: string,
  cluster: string,
  instances: readonly AppInstancePlan[],
  teams: ReadonlyMap<string, TenantTeam> = new Map(),
  budgetOf: (team: TenantTeam, instances: readonly AppInstancePlan[]) => TeamBudget | undefined = () => undefined,
): KubeObject[] {
  return planClusterTenancy(instances, teams, budgetOf).flatMap((ns) => renderNamespaceTenancy(estate, cluster, ns, instances));
}
