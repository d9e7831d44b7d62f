/**
 * Who may call an app, and where it may call out to: one statement of intent per app (`AppTemplateProps.access`).
 *
 * The estate renders it at L4 today, as NetworkPolicies in every cluster the app runs on (the callee's ingress allow
 * and, derived from the same line, the caller's egress allow). The same declaration is what a service mesh renders
 * at L7 where the app is meshed (an Istio AuthorizationPolicy whose `from` lists the callers' service accounts and
 * namespaces): a caller is declared once, on the callee, and both layers read it. That is why callers are named by
 * app and namespace, never by IP or label selector, and why a caller may narrow itself to named ports: the mesh adds
 * methods and paths to the same `Caller` later, without a second list to keep in step.
 */

/** The transport protocol of a port. */
export enum NetworkProtocol {
  /** TCP, the default. */
  TCP = 'TCP',
  /** UDP. */
  UDP = 'UDP',
  /** SCTP. */
  SCTP = 'SCTP',
}

/** What kind of caller a `Caller` is. */
export enum CallerKind {
  /** The pods of another app of the estate (its service account, at L7). */
  APP = 'app',
  /** Every pod of a namespace. */
  NAMESPACE = 'namespace',
  /** The cluster's ingress gateway pods. */
  INGRESS_GATEWAY = 'ingress-gateway',
  /** Clients behind a load balancer, by source range (the balancer preserves client addresses, or its SNAT range). */
  LOAD_BALANCER = 'load-balancer',
}

/** Options every caller takes. */
export interface CallerOptions {
  /**
   * Names of the app's ports this caller may reach (`ports` of the app template).
   * @default - every port the app's Service exposes
   */
  readonly ports?: string[];
  /**
   * HTTP methods this caller may use (uppercase). Only a mesh can tell methods apart: enforced by the app's
   * AuthorizationPolicy where the app is meshed, not by NetworkPolicies.
   * @default - every method
   */
  readonly methods?: string[];
  /**
   * Request paths this caller may reach: exact, a prefix ending in `*`, or a suffix starting with `*`. Enforced by the
   * mesh only, like `methods`.
   * @default - every path
   */
  readonly paths?: string[];
}

/** Where the cluster's ingress gateway pods run. */
export interface IngressGatewayOptions extends CallerOptions {
  /** @default 'ingress-gateway' */
  readonly namespace?: string;
  /** Labels of the gateway pods. @default { 'app.kubernetes.io/name': 'ingress-gateway' } */
  readonly podLabels?: Record<string, string>;
}

/** Clients behind a load balancer. */
export interface LoadBalancerOptions extends CallerOptions {
  /** The source ranges the balancer's traffic arrives from (client ranges, or the balancer's own SNAT range). */
  readonly sourceRanges: string[];
}

/** A caller, resolved: plain data. */
export interface CallerSpec {
  /** What kind of caller it is. */
  readonly kind: CallerKind;
  /** The app (`APP`) or namespace (`NAMESPACE`, `INGRESS_GATEWAY`) the calls come from. */
  readonly name?: string;
  /** Labels of the ingress gateway's pods. */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** The load balancer's source ranges. */
  readonly sourceRanges?: readonly string[];
  /** Port names of the callee; undefined: all of them. */
  readonly ports?: readonly string[];
  /** HTTP methods (mesh only); undefined: all of them. */
  readonly methods?: readonly string[];
  /** Request paths (mesh only); undefined: all of them. */
  readonly paths?: readonly string[];
}

/** The default namespace and pod labels of the ingress gateway. */
export const DEFAULT_INGRESS_GATEWAY = { namespace: 'ingress-gateway', podLabels: { 'app.kubernetes.io/name': 'ingress-gateway' } } as const;

/** Who may call an app. */
export class Caller {
  /** The pods of another app of the estate, by its name (`AppTemplate` id), in whatever namespace it runs. */
  public static app(name: string, options: CallerOptions = {}): Caller {
    return new Caller({ kind: CallerKind.APP, name, ...portsOf(options) });
  }

  /** Every pod of a namespace (apps of the estate there, or the platform's own tooling). */
  public static namespace(name: string, options: CallerOptions = {}): Caller {
    return new Caller({ kind: CallerKind.NAMESPACE, name, ...portsOf(options) });
  }

  /** The cluster's ingress gateway: traffic from outside the cluster enters through it. */
  public static ingressGateway(options: IngressGatewayOptions = {}): Caller {
    return new Caller({
      kind: CallerKind.INGRESS_GATEWAY,
      name: options.namespace ?? DEFAULT_INGRESS_GATEWAY.namespace,
      podLabels: { ...(options.podLabels ?? DEFAULT_INGRESS_GATEWAY.podLabels) },
      ...portsOf(options),
    });
  }

  /** Clients behind a load balancer, by the source ranges its traffic arrives from. */
  public static loadBalancer(options: LoadBalancerOptions): Caller {
    return new Caller({ kind: CallerKind.LOAD_BALANCER, sourceRanges: [...(options?.sourceRanges ?? [])], ...portsOf(options ?? {}) });
  }

  /** @param spec - the caller as plain data */
  private constructor(
    /** The caller as plain data. */
    public readonly spec: CallerSpec,
  ) {}
}

/** What kind of destination a `Destination` is. */
export enum DestinationKind {
  /** Every pod of a namespace the estate does not manage as an app (a platform service such as logging). */
  NAMESPACE = 'namespace',
  /** A named service outside the cluster, by address ranges. */
  EXTERNAL = 'external',
}

/** The ports of a destination. */
export interface DestinationPortsOptions {
  /** Port numbers. */
  readonly ports: number[];
  /** @default NetworkProtocol.TCP */
  readonly protocol?: NetworkProtocol;
}

/** A namespace destination. */
export interface NamespaceDestinationOptions extends DestinationPortsOptions {
  /** Only the pods with these labels. @default - every pod of the namespace */
  readonly podLabels?: Record<string, string>;
}

/** An external destination. */
export interface ExternalDestinationOptions extends DestinationPortsOptions {
  /** Its address ranges (CIDRs). */
  readonly cidrs: string[];
}

/** A destination, resolved: plain data. */
export interface DestinationSpec {
  /** What kind of destination it is. */
  readonly kind: DestinationKind;
  /** The namespace, or the external service's name (it names the allow in previews and, in a mesh, its ServiceEntry). */
  readonly name: string;
  /** Only the pods with these labels (a namespace destination). */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** The address ranges (an external destination). */
  readonly cidrs?: readonly string[];
  /** Port numbers. */
  readonly ports: readonly number[];
  /** The transport protocol of the ports. */
  readonly protocol: NetworkProtocol;
}

/**
 * Where an app may open connections, besides the apps that list it as a caller (those are allowed from the callee's
 * declaration, never declared twice), the cluster DNS and its sidecars' own destinations (both derived).
 */
export class Destination {
  /** Pods of a namespace that is not an app namespace of the estate (logging, monitoring, a database operator's). */
  public static namespace(name: string, options: NamespaceDestinationOptions): Destination {
    return new Destination({
      kind: DestinationKind.NAMESPACE,
      name,
      ports: [...(options?.ports ?? [])],
      protocol: options?.protocol ?? NetworkProtocol.TCP,
      ...(options?.podLabels ? { podLabels: { ...options.podLabels } } : {})
    });
  }

  /** A named service outside the cluster (a card network, a partner API), by its address ranges. */
  public static external(name: string, options: ExternalDestinationOptions): Destination {
    return new Destination({
      kind: DestinationKind.EXTERNAL,
      name,
      cidrs: [...(options?.cidrs ?? [])],
      ports: [...(options?.ports ?? [])],
      protocol: options?.protocol ?? NetworkProtocol.TCP,
    });
  }

  /** @param spec - the destination as plain data */
  private constructor(
    /** The destination as plain data. */
    public readonly spec: DestinationSpec,
  ) {}
}

/**
 * An app's statement of network intent: who may call it, and where it may call out to. Rendered as NetworkPolicies
 * (L4) in every cluster it runs on; the service-mesh rendering (L7 AuthorizationPolicy) reads the same statement.
 */
export interface AccessIntent {
  /**
   * Who may call the app, on the ports its Service exposes. A caller app gets the matching egress allow from this
   * same line. The app's own pods are callers like any other: list `Caller.app(<itself>)` when they talk to each
   * other (a gossip ring, a cache cluster).
   * @default [] - nobody: the app is reachable from no pod and no gateway
   */
  readonly allowFrom?: Caller[];
  /**
   * Destinations outside the estate's apps. DNS and the sidecars' destinations (log brokers, the mesh's control
   * plane) are allowed without being listed.
   * @default [] - only the apps that list this app as a caller, DNS and the sidecars' destinations
   */
  readonly egressTo?: Destination[];
}

/** An app's access intent, resolved: plain data. */
export interface AccessSpec {
  /** Who may call the app. */
  readonly allowFrom: readonly CallerSpec[];
  /** Where the app may call out to, besides its callees, DNS and its sidecars' destinations. */
  readonly egressTo: readonly DestinationSpec[];
}

/** @internal */
export function resolveAccess(intent: AccessIntent | undefined): AccessSpec {
  return {
    allowFrom: (intent?.allowFrom ?? []).map((c) => c?.spec).filter((c): c is CallerSpec => c !== undefined),
    egressTo: (intent?.egressTo ?? []).map((d) => d?.spec).filter((d): d is DestinationSpec => d !== undefined),
  };
}

function portsOf(options: CallerOptions): { ports?: readonly string[]; methods?: readonly string[]; paths?: readonly string[] } {
  return {
    ...(options.ports !== undefined ? { ports: [...options.ports] } : {}),
    ...(options.methods !== undefined ? { methods: [...options.methods] } : {}),
    ...(options.paths !== undefined ? { paths: [...options.paths] } : {}),
  };
}
