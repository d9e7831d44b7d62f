import { ProblemCollector } from '../estate/problems';
import { parseCidr } from '../estate/cidr';
import { checkDnsLabel } from '../estate/syntax';
import { checkResources, ContainerResources } from '../apps/resources';
import { isMeshHeaderName, MESH_HEADER_NAME_RULE } from './route';

/** The protocol a gateway listener serves (Gateway `servers[].port.protocol`). */
export enum GatewayProtocol {
  /** Plain HTTP/1.1 and HTTP/2 cleartext. */
  HTTP = 'HTTP',
  /** HTTP over TLS terminated at the gateway: needs a `tlsCredentialName`. */
  HTTPS = 'HTTPS',
  /** gRPC over HTTP/2 cleartext. */
  GRPC = 'GRPC',
  /** TLS passed through by SNI (no termination). */
  TLS = 'TLS',
  /** Opaque TCP. */
  TCP = 'TCP',
}

/** How the gateway's Service is exposed. */
export enum GatewayServiceType {
  /** A cloud or MetalLB load balancer address. */
  LOAD_BALANCER = 'LoadBalancer',
  /** A port on every node, for an external balancer of the IDC. */
  NODE_PORT = 'NodePort',
  /** Inside the cluster only (another balancer in front, or tests). */
  CLUSTER_IP = 'ClusterIP',
}

/** One listener of an ingress gateway (Gateway `servers[]`). */
export interface GatewayListenerProps {
  /** The port the gateway listens on (and its Service exposes), 1 to 65535. */
  readonly port: number;
  /** @default GatewayProtocol.HTTPS */
  readonly protocol?: GatewayProtocol;
  /**
   * The host names served, lowercase DNS names. A leading `*.` before at least two labels (`*.example.com`) serves
   * every name below it; `*` and `namespace/` prefixes are refused. Two gateways whose hosts overlap on a port conflict.
   */
  readonly hosts: string[];
  /**
   * The Secret in the gateway's namespace holding the certificate and key (`tls.credentialName`). Required for
   * HTTPS; refused for plain protocols.
   * @default - none
   */
  readonly tlsCredentialName?: string;
}

/**
 * Communities mapped to lanes once, at the gateway: a request whose community header holds one of a lane's ids gets
 * the lane header set before it is routed, so that services inside the mesh route on the lane alone.
 */
export interface CommunityLanesProps {
  /** The request header carrying the caller's community id. @default 'x-community' */
  readonly header?: string;
  /** The lane header the gateway sets. @default 'x-lane' */
  readonly laneHeader?: string;
  /** Community ids (exact) of each lane, by lane name. */
  readonly lanes: Record<string, string[]>;
}

/** A named ingress gateway of a cluster's mesh: a gateway Deployment and Service, and an Istio Gateway. */
export interface IngressGatewayProps {
  /** The gateway's name: names its Deployment, Service, Gateway and pod label `istio: <name>`. */
  readonly name: string;
  /** The namespace the gateway runs in. @default 'ingress-gateway' (the namespace `Caller.ingressGateway()` admits by default) */
  readonly namespace?: string;
  /** What the gateway serves. */
  readonly listeners: GatewayListenerProps[];
  /**
   * The address ranges clients reach the gateway from (CIDRs): the clients' own ranges where the balancer keeps
   * their addresses, or the balancer's. They become the gateway's NetworkPolicy and the Service's
   * `loadBalancerSourceRanges`: an edge is open to named ranges, never implicitly to everyone.
   */
  readonly sourceRanges: string[];
  /** Gateway pods, spread over the zones (at most one more in any zone than in another). @default 3 */
  readonly replicas?: number;
  /** The labelled node pool the gateway pods run on; its taints are tolerated. @default 'general' */
  readonly nodePool?: string;
  /** Requests and limits of the gateway proxy. @default - 500m / 2 CPU, 512 MiB / 1 GiB */
  readonly resources?: ContainerResources;
  /** @default GatewayServiceType.LOAD_BALANCER */
  readonly serviceType?: GatewayServiceType;
  /** The disruption budget's maxUnavailable, in pods. @default 1 */
  readonly maxUnavailable?: number;
  /**
   * Seconds a stopping gateway pod keeps serving (its preStop sleep) while the balancer and the endpoints forget it.
   * @default 10
   */
  readonly drainSeconds?: number;
  /** @default - no community mapping */
  readonly communityLanes?: CommunityLanesProps;
}

/** A listener with every default applied. */
export interface GatewayListenerSpec {
  readonly port: number;
  readonly protocol: GatewayProtocol;
  readonly hosts: readonly string[];
  readonly tlsCredentialName?: string;
}

/** An ingress gateway with every default applied. Plain data. */
export interface IngressGatewaySpec {
  readonly name: string;
  readonly namespace: string;
  readonly listeners: readonly GatewayListenerSpec[];
  readonly sourceRanges: readonly string[];
  readonly replicas: number;
  readonly drainSeconds: number;
  readonly nodePool: string;
  readonly resources: ContainerResources;
  readonly serviceType: GatewayServiceType;
  readonly maxUnavailable: number;
  readonly communityLanes?: { readonly header: string; readonly laneHeader: string; readonly lanes: Readonly<Record<string, readonly string[]>> };
}

/** The gateway proxy's requests and limits when `IngressGatewayProps.resources` is not given. */
export const DEFAULT_GATEWAY_RESOURCES: ContainerResources = { cpuMillis: { request: 500, limit: 2000 }, memoryMiB: { request: 512, limit: 1024 } };
/** The namespace of a gateway when `IngressGatewayProps.namespace` is not given. */
export const DEFAULT_GATEWAY_NAMESPACE = 'ingress-gateway';
/** The most community ids one gateway maps to lanes: a bounded list of exact matches, never a regex. */
export const MAX_GATEWAY_COMMUNITIES = 1024;

/** @internal */
export function resolveIngressGateway(props: IngressGatewayProps): IngressGatewaySpec {
  const lanes = props.communityLanes;
  return {
    name: props.name,
    namespace: props.namespace ?? DEFAULT_GATEWAY_NAMESPACE,
    listeners: (props.listeners ?? []).map((l) => ({
      port: l.port,
      protocol: l.protocol ?? GatewayProtocol.HTTPS,
      hosts: [...(l.hosts ?? [])],
      ...(l.tlsCredentialName !== undefined ? { tlsCredentialName: l.tlsCredentialName } : {}),
    })),
    sourceRanges: [...(props.sourceRanges ?? [])],
    replicas: props.replicas ?? 3,
    drainSeconds: props.drainSeconds ?? 10,
    nodePool: props.nodePool ?? 'general',
    resources: props.resources ?? DEFAULT_GATEWAY_RESOURCES,
    serviceType: props.serviceType ?? GatewayServiceType.LOAD_BALANCER,
    maxUnavailable: props.maxUnavailable ?? 1,
    ...(lanes ? {
      communityLanes: {
        header: lanes.header ?? 'x-community',
        laneHeader: lanes.laneHeader ?? 'x-lane',
        lanes: Object.fromEntries(Object.entries(lanes.lanes ?? {}).map(([k, v]) => [k, [...(v ?? [])]])),
      },
    } : {}),
  };
}

/** The construct path of a gateway, for problems: `<cluster>/mesh/gateway/<name>`. */
export function gatewayPath(clusterPath: string, name: string): string {
  return `${clusterPath}/mesh/gateway/${name}`;
}

/** The reference a VirtualService binds a gateway by: `<namespace>/<name>`. */
export function gatewayRef(g: IngressGatewaySpec): string {
  return `${g.namespace}/${g.name}`;
}

const HOST = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;
const ID = /^[A-Za-z0-9][-A-Za-z0-9_.]{0,62}$/;

/**
 * Whether an Istio host pattern (`*.example.com`, `*`, or a name) covers `host`, case-insensitively as Istio matches
 * hosts. The constructs' gateways and the policies' rules on hand-written Istio objects judge hosts with it.
 */
export function hostServes(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p === '*') return true;
  return p.startsWith('*.') ? h.endsWith(p.slice(1)) && h.length > p.length - 1 : p === h;
}

/**
 * Whether two listener hosts can both claim one request: equal names, `*` against anything, or a wildcard covering
 * the other (`*.a.com` covers `x.a.com` and `*.x.a.com`, never `a.com`), as Istio's check of conflicting gateways
 * (IST0145) matches them. Give bare names, without a `namespace/` part.
 */
export function listenerHostsOverlap(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x === y || x === '*' || y === '*') return true;
  if (x.startsWith('*.') && y.startsWith('*.')) return x.endsWith(y.slice(1)) || y.endsWith(x.slice(1));
  return hostServes(x, y) || hostServes(y, x);
}

/**
 * Checks every gateway of one cluster; a host and port claimed twice (by two gateways, or two listeners of one) is
 * reported at the later gateway's path.
 * @internal
 */
export function checkIngressGateways(
  clusterPath: string,
  gateways: readonly IngressGatewaySpec[],
  poolNames: readonly string[],
  problems: ProblemCollector,
): void {
  const names = new Set<string>();
  // Every valid host claimed so far on each port: its gateway and listener.
  const claimed = new Map<number, { host: string; gateway: string }[]>();
  for (const g of gateways) {
    const path = gatewayPath(clusterPath, g.name);
    const nameProblem = checkDnsLabel(g.name, 50);
    if (nameProblem) problems.error({
      path,
      rule: 'ingress-gateway',
      message: `the gateway name ${nameProblem}`,
      fix: 'use a short lowercase name such as "public"',
      value: g.name,
    });
    if (names.has(g.name)) problems.error({
      path,
      rule: 'ingress-gateway',
      message: `gateway "${g.name}" is declared twice on the cluster`,
      fix: 'give each gateway its own name',
      value: g.name,
    });
    names.add(g.name);
    const nsProblem = checkDnsLabel(g.namespace);
    if (nsProblem) problems.error({
      path,
      rule: 'ingress-gateway',
      message: `the gateway namespace ${nsProblem}`,
      fix: `keep the default, ${DEFAULT_GATEWAY_NAMESPACE}`,
      value: g.namespace,
    });
    if (!Number.isInteger(g.replicas) || g.replicas < 2) problems.error({
      path,
      rule: 'ingress-gateway',
      message: 'a gateway runs at least 2 replicas, so that losing a pod or a zone keeps it serving',
      fix: 'keep the default, 3',
      value: g.replicas,
    });
    if (!Number.isInteger(g.maxUnavailable) || g.maxUnavailable < 1 || g.maxUnavailable >= g.replicas) problems.error({
      path,
      rule: 'ingress-gateway',
      message: 'maxUnavailable must be a whole number from 1 to replicas - 1',
      fix: 'keep the default, 1',
      value: g.maxUnavailable,
    });
    if (!poolNames.includes(g.nodePool)) problems.error({
      path,
      rule: 'ingress-gateway',
      message: `node pool "${g.nodePool}" does not exist in the cluster`,
      fix: `use one of ${poolNames.join(', ')}`,
      value: g.nodePool,
    });
    if (!Object.values(GatewayServiceType).includes(g.serviceType)) problems.error({
      path,
      rule: 'ingress-gateway',
      message: 'unknown service type',
      fix: 'use GatewayServiceType.LOAD_BALANCER, NODE_PORT or CLUSTER_IP',
      value: g.serviceType,
    });
    checkResources(path, 'the gateway proxy', g.resources, problems);
    if (!Number.isInteger(g.drainSeconds) || g.drainSeconds < 1 || g.drainSeconds > 600) problems.error({
      path,
      rule: 'ingress-gateway',
      message: 'drainSeconds must be a whole number from 1 to 600',
      fix: 'keep the default, 10',
      value: g.drainSeconds,
    });
    if (g.sourceRanges.length === 0) problems.error({
      path,
      rule: 'ingress-gateway',
      message: 'a gateway names the address ranges its clients come from',
      fix: 'set sourceRanges to the clients\' (or the balancer\'s) CIDRs, such as ["198.51.100.0/24"]',
      value: 0,
    });
    for (const r of g.sourceRanges) {
      try { parseCidr(r); } catch { problems.error({
        path,
        rule: 'ingress-gateway',
        message: `source range "${r}" is not a CIDR`,
        fix: 'use a range such as "198.51.100.0/24"',
        value: r,
      }); }
    }
    if (g.listeners.length === 0) problems.error({
      path,
      rule: 'gateway-listener',
      message: 'a gateway needs at least one listener',
      fix: 'add a listener such as { port: 443, hosts: ["api.example.com"], tlsCredentialName: "api-cert" }',
      value: 0,
    });
    for (const l of g.listeners) {
      if (!Number.isInteger(l.port) || l.port < 1 || l.port > 65535) problems.error({
        path,
        rule: 'gateway-listener',
        message: 'a listener port is a whole number from 1 to 65535',
        fix: 'use 443 or 80',
        value: l.port,
      });
      if (!Object.values(GatewayProtocol).includes(l.protocol)) problems.error({
        path,
        rule: 'gateway-listener',
        message: 'unknown listener protocol',
        fix: 'use a GatewayProtocol',
        value: l.protocol,
      });
      if (l.protocol === GatewayProtocol.HTTPS && l.tlsCredentialName === undefined) problems.error({
        path,
        rule: 'gateway-listener',
        message: `HTTPS listener on port ${l.port} has no tlsCredentialName`,
        fix: 'name the Secret in the gateway namespace that holds the certificate and key',
        value: l.port,
      });
      if (l.protocol !== GatewayProtocol.HTTPS && l.tlsCredentialName !== undefined) problems.error({
        path,
        rule: 'gateway-listener',
        message: `a ${l.protocol} listener terminates no TLS, yet names tlsCredentialName`,
        fix: 'use GatewayProtocol.HTTPS, or drop tlsCredentialName',
        value: l.tlsCredentialName,
      });
      if (l.tlsCredentialName !== undefined && checkDnsLabel(l.tlsCredentialName, 253)) problems.error({
        path,
        rule: 'gateway-listener',
        message: 'tlsCredentialName must name a Secret',
        fix: 'use the Secret\'s name, such as "api-cert"',
        value: l.tlsCredentialName,
      });
      if (l.hosts.length === 0) problems.error({
        path,
        rule: 'gateway-listener',
        message: `listener on port ${l.port} serves no host`,
        fix: 'list the host names it serves',
        value: l.port,
      });
      for (const h of l.hosts) {
        if (typeof h !== 'string' || !HOST.test(h)) { problems.error({
          path,
          rule: 'gateway-listener',
          message: typeof h === 'string' && h.includes('/')
            ? `host "${h}" names a namespace: the estate binds each app's routes to the gateway itself`
            : h === '*'
              ? 'host "*" would answer for every name on the port and overlap every other gateway\'s hosts there'
              : `host "${h}" is not a lowercase DNS name (a leading "*." before at least two labels is allowed)`,
          fix: 'use a name such as "api.example.com", or a wildcard such as "*.example.com"',
          value: h,
        }); continue; }
        const onPort = claimed.get(l.port) ?? [];
        // Across gateways any overlap conflicts (Istio IST0145); within one gateway only a repeated name does, since
        // its servers on one port become one listener where the most specific name wins (one wildcard certificate
        // beside a dedicated one is a common set-up).
        const clash = onPort.find((c) => (c.gateway !== g.name ? listenerHostsOverlap(c.host, h) : c.host === h));
        if (clash) problems.error({
          path,
          rule: 'gateway-conflict',
          message: clash.host === h
            ? `host ${h} on port ${l.port} is already served by gateway "${clash.gateway}": the proxies would race for it (Istio IST0145)`
            : `host ${h} on port ${l.port} overlaps host ${clash.host}, already served by gateway "${clash.gateway}": the proxies would race for the names both cover (Istio IST0145)`,
          fix: 'serve each host and port from one gateway only (a wildcard included)',
          value: `${h}:${l.port}`,
        });
        else onPort.push({ host: h, gateway: g.name });
        claimed.set(l.port, onPort);
      }
    }
    const lanes = g.communityLanes;
    if (lanes) {
      for (const h of [lanes.header, lanes.laneHeader]) {
        if (!isMeshHeaderName(h)) problems.error({
          path,
          rule: 'community-lanes',
          message: `header "${h}" ${MESH_HEADER_NAME_RULE}`,
          fix: 'use a name such as "x-community"',
          value: h,
        });
      }
      if (lanes.header === lanes.laneHeader) problems.error({
        path,
        rule: 'community-lanes',
        message: 'the community header and the lane header must differ',
        fix: 'keep the defaults, x-community and x-lane',
        value: lanes.header,
      });
      const seen = new Map<string, string>();
      let count = 0;
      for (const [lane, ids] of Object.entries(lanes.lanes).sort(([a], [b]) => a.localeCompare(b))) {
        if (!ID.test(lane)) problems.error({
          path,
          rule: 'community-lanes',
          message: `lane "${lane}" must be 1 to 63 letters, digits, "-", "_" or "."`,
          fix: 'use a release channel, such as "gray"',
          value: lane,
        });
        if (ids.length === 0) problems.error({
          path,
          rule: 'community-lanes',
          message: `lane "${lane}" lists no community`,
          fix: 'list its community ids, or remove the lane',
          value: lane,
        });
        for (const id of ids) {
          count++;
          if (typeof id !== 'string' || !ID.test(id)) problems.error({
            path,
            rule: 'community-lanes',
            message: `community id "${id}" must be 1 to 63 letters, digits, "-", "_" or "."`,
            fix: 'use the id the clients send',
            value: id,
          });
          const other = seen.get(id);
          if (other !== undefined) problems.error({
            path,
            rule: 'community-lanes',
            message: `community "${id}" is mapped to lane "${other}" and to lane "${lane}"`,
            fix: 'map each community to one lane',
            value: id,
          });
          seen.set(id, lane);
        }
      }
      if (count > MAX_GATEWAY_COMMUNITIES) problems.error({
        path,
        rule: 'community-lanes',
        message: `a gateway maps at most ${MAX_GATEWAY_COMMUNITIES} communities to lanes`,
        fix: 'set the lane header in the calling application for larger populations',
        value: count,
      });
    }
  }
}
