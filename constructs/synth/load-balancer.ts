import * as ipaddr from 'ipaddr.js';
import { IdcKind } from '../estate';
import { ClusterPlan } from './plan';

/**
 * The control-plane load balancer of clusters in self-built IDCs, after the kubeadm HA guide (kubernetes/kubeadm
 * docs/ha-considerations.md, "keepalived and haproxy"): HAProxy forwards TCP to the kube-apiservers (TLS ends at the
 * API servers, never at the balancer) and checks each one with an HTTPS `GET /healthz`; keepalived moves a VRRP
 * virtual IP between the balancer hosts. Cloud IDCs use the provider's load balancer instead.
 *
 * The API servers' addresses are not known at synthesis time (machines get them when they are built), so every
 * function here takes the backends as input: render again when a control-plane machine is replaced. Plain, pure
 * functions: the same input always gives the same text.
 */

/** Where the balancer hosts keep their files. */
export const LOAD_BALANCER_PATHS = {
  haproxyConfig: '/etc/haproxy/haproxy.cfg',
  keepalivedConfig: '/etc/keepalived/keepalived.conf',
  keepalivedCheckScript: '/etc/keepalived/check_apiserver.sh',
  /**
   * Client certificate and key (one PEM file) HAProxy presents on its health checks. Placed by the IDC's certificate
   * service, like the etcd certificates: no key material is ever part of the synthesized output.
   */
  healthCheckCertificate: '/etc/haproxy/pki/apiserver-healthcheck.pem',
} as const;

/** One kube-apiserver behind the balancer. */
export interface HaproxyBackend {
  /** Server name in HAProxy (letters, digits, `-`, `_`, `.`), for example the control-plane machine's name. */
  readonly name: string;
  /** IPv4 or IPv6 address, or a DNS name resolvable when HAProxy starts. */
  readonly address: string;
  /** The API server's secure port. */
  readonly port: number;
}

/** How HAProxy checks each API server. Durations in whole milliseconds. */
export interface HaproxyHealthCheck {
  /** Path of the HTTPS GET. @default '/healthz' */
  readonly path?: string;
  /** Interval between checks of a server that is up. @default 10000 */
  readonly interMs?: number;
  /** Interval between checks of a server that is down. @default 5000 */
  readonly downInterMs?: number;
  /** Consecutive successful checks before a down server is up again. @default 2 */
  readonly rise?: number;
  /** Consecutive failed checks before a server is down. @default 2 */
  readonly fall?: number;
  /** Time over which a server that came back ramps up to its full weight (0: at once). @default 60000 */
  readonly slowStartMs?: number;
  /** Connections per server beyond which HAProxy queues. @default 250 */
  readonly maxConn?: number;
  /** Queued connections per server beyond which HAProxy redispatches. @default 256 */
  readonly maxQueue?: number;
  /** @default 100 */
  readonly weight?: number;
  /**
   * PEM file (certificate and key) presented on the checks only; traffic is passed through untouched. Needed when
   * the API servers refuse anonymous requests (`anonymousAuth: false`, this estate's default): they then answer an
   * anonymous `/healthz` with 401, and every server would be marked down. Any authenticated identity may read
   * `/healthz` (ClusterRole `system:public-info-viewer`).
   * @default - none: anonymous checks
   */
  readonly clientCertificate?: string;
}

/** HAProxy timeouts, in whole milliseconds. */
export interface HaproxyTimeouts {
  /** @default 5000 */
  readonly connectMs?: number;
  /** Client-side inactivity before the stream is established. @default 20000 */
  readonly clientMs?: number;
  /** Server-side inactivity before the stream is established. @default 20000 */
  readonly serverMs?: number;
  /** Time a connection may wait in a queue for a free server slot. @default 20000 */
  readonly queueMs?: number;
  /** Check timeout once connected. @default 10000 */
  readonly checkMs?: number;
  /**
   * Inactivity of an established TCP stream, in both directions. It supersedes the client and server timeouts
   * once the stream is up, so that idle watches, `kubectl logs -f` and `exec` sessions are not cut every 20 s (the
   * guide's client/server timeouts). @default 3600000 (1 h)
   */
  readonly tunnelMs?: number;
}

/** Properties of the HAProxy configuration. */
export interface HaproxyConfigProps {
  readonly clusterName: string;
  /** Address the frontend binds: `*` for every address, or one address (the virtual IP needs `ip_nonlocal_bind` on backup hosts). @default '*' */
  readonly frontendBind?: string;
  /** The control-plane endpoint's port. */
  readonly frontendPort: number;
  readonly backends: readonly HaproxyBackend[];
  /** @default - see HaproxyHealthCheck */
  readonly healthCheck?: HaproxyHealthCheck;
  /** @default - see HaproxyTimeouts */
  readonly timeouts?: HaproxyTimeouts;
  /** Connection retries on another server after a failed connect. @default 1 */
  readonly retries?: number;
  /** Global connection limit. @default 4000 */
  readonly maxConn?: number;
  /** `log` lines of the global section. @default ['/dev/log local0', '/dev/log local1 notice'] */
  readonly logTargets?: readonly string[];
  /** Run in the background (the packaged systemd unit runs HAProxy in master-worker mode and overrides this). @default true */
  readonly daemon?: boolean;
  /** Path of an admin-level stats socket (`show stat`, `disable server`), mode 0600. @default - none */
  readonly statsSocket?: string;
}

export const HAPROXY_DEFAULT_HEALTH_CHECK: Readonly<Required<Omit<HaproxyHealthCheck, 'clientCertificate'>>> = {
  path: '/healthz',
  interMs: 10_000,
  downInterMs: 5_000,
  rise: 2,
  fall: 2,
  slowStartMs: 60_000,
  maxConn: 250,
  maxQueue: 256,
  weight: 100,
};

export const HAPROXY_DEFAULT_TIMEOUTS: Readonly<Required<HaproxyTimeouts>> = {
  connectMs: 5_000,
  clientMs: 20_000,
  serverMs: 20_000,
  queueMs: 20_000,
  checkMs: 10_000,
  tunnelMs: 3_600_000,
};

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** True for a literal IPv4 (dotted quad) or IPv6 address. */
export function isIpAddress(text: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(text) || (text.includes(':') && ipaddr.IPv6.isValid(text));
}

/** HAProxy duration: whole seconds as `10s` (as the guide writes them), anything else as `200ms`. */
export function haproxyDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

function requireInteger(what: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${what} must be a whole number from ${min} to ${max} (got ${value})`);
}

function hostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** Renders `haproxy.cfg`. Throws an Error naming the property when the input cannot make a valid configuration. */
export function renderHaproxyConfig(props: HaproxyConfigProps): string {
  const check = { ...HAPROXY_DEFAULT_HEALTH_CHECK, ...defined(props.healthCheck ?? {}) };
  const timeouts = { ...HAPROXY_DEFAULT_TIMEOUTS, ...defined(props.timeouts ?? {}) };
  const bind = props.frontendBind ?? '*';
  const retries = props.retries ?? 1;
  const maxConn = props.maxConn ?? 4000;
  const logTargets = props.logTargets ?? ['/dev/log local0', '/dev/log local1 notice'];

  if (!NAME.test(props.clusterName)) throw new Error(`clusterName "${props.clusterName}" is not a name HAProxy accepts`);
  requireInteger('frontendPort', props.frontendPort, 1, 65535);
  if (bind !== '*' && !isIpAddress(bind)) throw new Error(`frontendBind must be "*" or an IP address (got "${bind}")`);
  if (props.backends.length === 0) throw new Error('backends is empty: give every control-plane machine\'s address');
  const names = new Set<string>();
  for (const b of props.backends) {
    if (!NAME.test(b.name)) throw new Error(`backend name "${b.name}" is not a name HAProxy accepts (letters, digits, ".", "_", "-")`);
    if (names.has(b.name)) throw new Error(`backend name "${b.name}" is used twice`);
    names.add(b.name);
    if (!isIpAddress(b.address) && !HOSTNAME.test(b.address)) throw new Error(`backend ${b.name}: "${b.address}" is neither an IP address nor a DNS name`);
    requireInteger(`backend ${b.name} port`, b.port, 1, 65535);
  }
  if (!/^\/[\x21-\x7e]*$/.test(check.path)) throw new Error(`healthCheck.path must be an absolute path without spaces (got "${check.path}")`);
  for (const [key, min] of [['interMs', 1], ['downInterMs', 1], ['rise', 1], ['fall', 1], ['slowStartMs', 0], ['maxConn', 1], ['maxQueue', 0]] as const) {
    requireInteger(`healthCheck.${key}`, check[key], min);
  }
  requireInteger('healthCheck.weight', check.weight, 0, 256);
  for (const [key, value] of Object.entries(timeouts)) requireInteger(`timeouts.${key}`, value, 1);
  requireInteger('retries', retries, 0);
  requireInteger('maxConn', maxConn, 1);
  if (check.clientCertificate !== undefined && !/^\/\S+$/.test(check.clientCertificate)) throw new Error(`healthCheck.clientCertificate must be an absolute path (got "${check.clientCertificate}")`);
  if (props.statsSocket !== undefined && !/^\/\S+$/.test(props.statsSocket)) throw new Error(`statsSocket must be an absolute path (got "${props.statsSocket}")`);
  for (const target of logTargets) if (!target.trim() || /[\n#]/.test(target)) throw new Error(`log target "${target}" is not one line`);

  const d = haproxyDuration;
  const defaultServer = [
    `inter ${d(check.interMs)}`, `downinter ${d(check.downInterMs)}`, `rise ${check.rise}`, `fall ${check.fall}`,
    `slowstart ${d(check.slowStartMs)}`, `maxconn ${check.maxConn}`, `maxqueue ${check.maxQueue}`, `weight ${check.weight}`,
  ].join(' ');
  const serverCheck = `check check-ssl verify none${check.clientCertificate ? ` crt ${check.clientCertificate}` : ''}`;
  const lines = [
    `# HAProxy in front of the kube-apiservers of cluster ${props.clusterName}: TCP passthrough (TLS ends at the API`,
    '# servers), HTTPS health checks. After the kubeadm HA guide (kubernetes/kubeadm docs/ha-considerations.md).',
    '# Rendered by cluster-estate; render again when a control-plane machine changes.',
    'global',
    ...logTargets.map((t) => `    log ${t}`),
    `    maxconn ${maxConn}`,
    ...(props.daemon ?? true ? ['    daemon'] : []),
    ...(props.statsSocket ? [`    stats socket ${props.statsSocket} mode 600 level admin`] : []),
    '',
    'defaults',
    '    mode                    tcp',
    '    log                     global',
    '    option                  tcplog',
    '    option                  dontlognull',
    '    option                  redispatch',
    `    retries                 ${retries}`,
    `    timeout queue           ${d(timeouts.queueMs)}`,
    `    timeout connect         ${d(timeouts.connectMs)}`,
    `    timeout client          ${d(timeouts.clientMs)}`,
    `    timeout server          ${d(timeouts.serverMs)}`,
    `    timeout tunnel          ${d(timeouts.tunnelMs)}`,
    `    timeout check           ${d(timeouts.checkMs)}`,
    '',
    'frontend apiserver',
    `    bind ${bind === '*' ? `*:${props.frontendPort}` : hostPort(bind, props.frontendPort)}`,
    '    mode tcp',
    '    option tcplog',
    '    default_backend apiserverbackend',
    '',
    'backend apiserverbackend',
    '    mode tcp',
    `    option httpchk GET ${check.path}`,
    '    http-check expect status 200',
    '    balance roundrobin',
    `    default-server ${defaultServer}`,
    ...props.backends.map((b) => `    server ${b.name} ${hostPort(b.address, b.port)} ${serverCheck}`),
    '',
  ];
  return lines.join('\n');
}

/** Properties of one balancer host's keepalived configuration. */
export interface KeepalivedConfigProps {
  readonly clusterName: string;
  /** The virtual IP the balancer hosts share: the control-plane endpoint's address. */
  readonly virtualIp: string;
  /** Prefix length of the virtual IP on the interface. @default 32 (IPv4), 128 (IPv6) */
  readonly virtualIpPrefixLength?: number;
  /** Network interface taking part in VRRP. @default 'eth0' */
  readonly interface?: string;
  /** `MASTER` on one host, `BACKUP` on the others. @default 'BACKUP' */
  readonly state?: 'MASTER' | 'BACKUP';
  /** Higher on the master. @default 101 for MASTER, 100 for BACKUP */
  readonly priority?: number;
  /**
   * VRRP router id, 1-255: the same on every balancer host of the cluster, unique among the clusters sharing the
   * subnet. @default - derived from the cluster name (check it is unique in the subnet)
   */
  readonly virtualRouterId?: number;
  /** VRRP PASS authentication, at most 8 characters, sent in clear text. @default - none (VRRPv3 dropped it) */
  readonly authPass?: string;
  /** Health check script. @default LOAD_BALANCER_PATHS.keepalivedCheckScript */
  readonly checkScript?: string;
  /** Seconds between runs of the check script. @default 3 */
  readonly checkIntervalSeconds?: number;
  /** Failed runs before the host gives up the virtual IP. @default 10 */
  readonly checkFall?: number;
  /** Successful runs before it may take it again. @default 2 */
  readonly checkRise?: number;
}

/** A VRRP router id from the cluster name: 1-255, the same on every host. */
export function defaultVirtualRouterId(clusterName: string): number {
  let h = 2166136261;
  for (const ch of clusterName) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return (h % 255) + 1;
}

/** Renders one balancer host's `keepalived.conf` (as in the kubeadm HA guide). */
export function renderKeepalivedConfig(props: KeepalivedConfigProps): string {
  if (!NAME.test(props.clusterName)) throw new Error(`clusterName "${props.clusterName}" is not a valid name`);
  if (!isIpAddress(props.virtualIp)) throw new Error(`virtualIp must be an IP address (got "${props.virtualIp}"); a DNS name must resolve to the virtual IP, which keepalived needs as an address`);
  const v6 = props.virtualIp.includes(':');
  const prefix = props.virtualIpPrefixLength ?? (v6 ? 128 : 32);
  requireInteger('virtualIpPrefixLength', prefix, 1, v6 ? 128 : 32);
  const iface = props.interface ?? 'eth0';
  if (!/^[A-Za-z0-9._@-]{1,15}$/.test(iface)) throw new Error(`interface "${iface}" is not a network interface name`);
  const state = props.state ?? 'BACKUP';
  const priority = props.priority ?? (state === 'MASTER' ? 101 : 100);
  requireInteger('priority', priority, 1, 254);
  const routerId = props.virtualRouterId ?? defaultVirtualRouterId(props.clusterName);
  requireInteger('virtualRouterId', routerId, 1, 255);
  if (props.authPass !== undefined && !/^[\x21-\x7e]{1,8}$/.test(props.authPass)) throw new Error('authPass must be 1 to 8 printable characters without spaces');
  const script = props.checkScript ?? LOAD_BALANCER_PATHS.keepalivedCheckScript;
  if (!/^\/\S+$/.test(script)) throw new Error(`checkScript must be an absolute path (got "${script}")`);
  const interval = props.checkIntervalSeconds ?? 3;
  const fall = props.checkFall ?? 10;
  const rise = props.checkRise ?? 2;
  requireInteger('checkIntervalSeconds', interval, 1);
  requireInteger('checkFall', fall, 1);
  requireInteger('checkRise', rise, 1);
  return [
    `! keepalived for the control-plane virtual IP of cluster ${props.clusterName}.`,
    '! After the kubeadm HA guide (kubernetes/kubeadm docs/ha-considerations.md). Rendered by cluster-estate.',
    'global_defs {',
    `    router_id ${props.clusterName}-lb`,
    '    enable_script_security',
    '    script_user root',
    '}',
    'vrrp_script check_apiserver {',
    `    script "${script}"`,
    `    interval ${interval}`,
    '    weight -2',
    `    fall ${fall}`,
    `    rise ${rise}`,
    '}',
    '',
    'vrrp_instance VI_1 {',
    `    state ${state}`,
    `    interface ${iface}`,
    `    virtual_router_id ${routerId}`,
    `    priority ${priority}`,
    ...(props.authPass ? ['    authentication {', '        auth_type PASS', `        auth_pass ${props.authPass}`, '    }'] : []),
    '    virtual_ipaddress {',
    `        ${props.virtualIp}/${prefix}`,
    '    }',
    '    track_script {',
    '        check_apiserver',
    '    }',
    '}',
    '',
  ].join('\n');
}

/**
 * The keepalived check script of the guide: the local HAProxy must answer TLS on the endpoint port, and so must the
 * virtual IP while this host holds it. Any HTTP status counts (an API server refusing anonymous requests answers 401).
 */
export function renderKeepalivedCheckScript(props: { readonly virtualIp: string; readonly port: number }): string {
  if (!isIpAddress(props.virtualIp)) throw new Error(`virtualIp must be an IP address (got "${props.virtualIp}")`);
  requireInteger('port', props.port, 1, 65535);
  const vipUrl = `https://${props.virtualIp.includes(':') ? `[${props.virtualIp}]` : props.virtualIp}:${props.port}/`;
  return [
    '#!/bin/sh',
    '# keepalived health check of the control-plane load balancer. Rendered by cluster-estate.',
    'errorExit() {',
    '    echo "*** $*" 1>&2',
    '    exit 1',
    '}',
    '',
    `curl --silent --max-time 2 --insecure https://localhost:${props.port}/ -o /dev/null || errorExit "Error GET https://localhost:${props.port}/"`,
    `if ip addr | grep -q "${props.virtualIp}/"; then`,
    `    curl --silent --max-time 2 --insecure ${vipUrl} -o /dev/null || errorExit "Error GET ${vipUrl}"`,
    'fi',
    '',
  ].join('\n');
}

/** The balancer of one cluster, as files. */
export interface ControlPlaneLoadBalancer {
  /** Contents of LOAD_BALANCER_PATHS.haproxyConfig. */
  readonly haproxyConfig: string;
  /** The virtual IP, when known (the endpoint host is an IP, or `virtualIp` was given). */
  readonly virtualIp?: string;
  /** Contents of LOAD_BALANCER_PATHS.keepalivedConfig; absent when the virtual IP is not known. */
  readonly keepalivedConfig?: string;
  /** Contents of LOAD_BALANCER_PATHS.keepalivedCheckScript (mode 0755); absent with keepalivedConfig. */
  readonly keepalivedCheckScript?: string;
}

/** Input for a cluster's balancer that synthesis does not know. */
export interface ControlPlaneLoadBalancerProps {
  /** The control-plane machines' API servers. */
  readonly backends: readonly HaproxyBackend[];
  /**
   * The virtual IP. @default - the endpoint host when it is an IP address. When the endpoint host is a DNS name and
   * no virtual IP is given, keepalived is not rendered: the name must then resolve to a balancer address managed
   * elsewhere (or give the address it resolves to here).
   */
  readonly virtualIp?: string;
  /** This host's VRRP role and interface. @default - BACKUP on eth0 */
  readonly keepalived?: Omit<KeepalivedConfigProps, 'clusterName' | 'virtualIp'>;
  /**
   * @default - the HAProxy defaults, and when the cluster's API servers refuse anonymous requests, a client
   * certificate at LOAD_BALANCER_PATHS.healthCheckCertificate for the checks
   */
  readonly healthCheck?: HaproxyHealthCheck;
  readonly timeouts?: HaproxyTimeouts;
  /** Further HAProxy settings (bind address, logging, stats socket). */
  readonly haproxy?: Pick<HaproxyConfigProps, 'frontendBind' | 'retries' | 'maxConn' | 'logTargets' | 'daemon' | 'statsSocket'>;
}

/**
 * The control-plane balancer of a cluster in a self-built IDC: HAProxy on the endpoint's port in front of
 * `backends`, and keepalived holding the endpoint's virtual IP. Undefined for clusters in cloud IDCs, whose
 * infrastructure provider builds the cloud's load balancer.
 */
export function renderControlPlaneLoadBalancer(plan: ClusterPlan, props: ControlPlaneLoadBalancerProps): ControlPlaneLoadBalancer | undefined {
  if (plan.idcKind !== IdcKind.SELF_BUILT) return undefined;
  const endpoint = plan.controlPlane.endpoint;
  const healthCheck: HaproxyHealthCheck = {
    ...(plan.controlPlane.anonymousAuth ? {} : { clientCertificate: LOAD_BALANCER_PATHS.healthCheckCertificate }),
    ...defined(props.healthCheck ?? {}),
  };
  const haproxyConfig = renderHaproxyConfig({
    ...props.haproxy,
    clusterName: plan.name,
    frontendPort: endpoint.port,
    backends: props.backends,
    healthCheck,
    timeouts: props.timeouts,
  });
  const virtualIp = props.virtualIp ?? (isIpAddress(endpoint.host) ? endpoint.host : undefined);
  if (virtualIp === undefined) return { haproxyConfig };
  return {
    haproxyConfig,
    virtualIp,
    keepalivedConfig: renderKeepalivedConfig({ ...props.keepalived, clusterName: plan.name, virtualIp }),
    keepalivedCheckScript: renderKeepalivedCheckScript({ virtualIp, port: endpoint.port }),
  };
}

/** The object without its undefined properties, so spreading it never overrides a default with undefined. */
function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
