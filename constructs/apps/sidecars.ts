import { KubernetesVersion } from '../estate/kubernetes-version';
import { ProblemCollector } from '../estate/problems';
import { checkLabelValue } from '../estate/syntax';
import { checkPinnedImage } from './image';
import { checkDistinctProbes, checkProbe, ProbeSpec } from './probes';
import { checkResources, ContainerResources } from './resources';

/** What a sidecar is for. */
export enum SidecarKind {
  LOG_SHIPPER = 'log-shipper',
  OPS_AGENT = 'ops-agent',
  MESH_PROXY = 'mesh-proxy',
  CUSTOM = 'custom',
}

/**
 * How sidecars start before the main container.
 *
 * Native sidecars (Kubernetes 1.29+, beta and on by default; alpha behind a gate in 1.28) are init containers with
 * `restartPolicy: Always`: the kubelet starts them in order, each one after the previous one has started (and passed
 * its startup probe, if it has one), before the main container; they stop after the main container.
 *
 * The fallback, for older clusters or pools: sidecars become ordinary containers listed before the main container.
 * The kubelet starts containers in list order but does not wait for them, except that it runs a container's postStart
 * hook before starting the next container: a sidecar's `fallbackPostStart` (the mesh proxy's waits until the proxy
 * is ready, as Istio's holdApplicationUntilProxyStarts does) holds the main container back. On shutdown all
 * containers get SIGTERM together, so each sidecar gets a preStop `sleep` of the main container's preStop budget and
 * keeps shipping logs and routing traffic while the main container drains.
 */
export enum SidecarMode {
  /** Native sidecars where the cluster's control plane and the app's node pool are 1.29 or newer; the fallback elsewhere. */
  AUTO = 'auto',
  /** Always native: a validation error names every target cluster or pool older than 1.29. */
  NATIVE = 'native',
  /** Always the fallback. */
  REGULAR = 'regular',
}

/** The first minor release where native sidecars are on by default. */
export const NATIVE_SIDECAR_MINOR = 29;

/** Whether sidecars run natively on a cluster whose control plane and node pool have these versions. */
export function nativeSidecars(mode: SidecarMode, versions: readonly (KubernetesVersion | undefined)[]): boolean {
  if (mode === SidecarMode.REGULAR) return false;
  if (mode === SidecarMode.NATIVE) return true;
  return versions.every((v) => v !== undefined && (v.major > 1 || v.minor >= NATIVE_SIDECAR_MINOR));
}

/** An emptyDir volume a container mounts; volumes of the same name are shared between the pod's containers. */
export interface VolumeMountSpec {
  readonly volume: string;
  readonly mountPath: string;
  /** @default false */
  readonly readOnly?: boolean;
  /** Size limit of the emptyDir. @default 64 */
  readonly sizeLimitMiB?: number;
}

/** A container port. */
export interface ContainerPortSpec {
  /** IANA service name: at most 15 lowercase letters, digits and "-". */
  readonly name: string;
  readonly port: number;
}

/** A sidecar, resolved: plain data. */
export interface SidecarSpec {
  readonly kind: SidecarKind;
  /** Container name, unique in the pod. */
  readonly name: string;
  readonly image: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly ports: readonly ContainerPortSpec[];
  readonly resources: ContainerResources;
  readonly readiness: ProbeSpec;
  readonly liveness: ProbeSpec;
  readonly startup?: ProbeSpec;
  readonly volumeMounts: readonly VolumeMountSpec[];
  /** @default - the pod's user */
  readonly runAsUser?: number;
  /** In the fallback only: a postStart command that returns once the sidecar is ready. @default - none */
  readonly fallbackPostStart?: readonly string[];
}

/**
 * The volume the main container writes its log files to and the log shipper reads.
 * @internal
 */
export const APP_LOG_VOLUME = 'app-logs';
/** @internal */
export const APP_LOG_DIR = '/var/log/app';

/** Properties of the log shipper. */
export interface LogShipperProps {
  /** Kafka bootstrap servers, `host:port`. */
  readonly brokers: string[];
  /** The topic the app's log lines go to. */
  readonly topic: string;
  /** @default 'cr.fluentbit.io/fluent/fluent-bit:3.1.9' */
  readonly image?: string;
  /** @default - 100m-200m CPU, 128-256 MiB */
  readonly resources?: ContainerResources;
}

/** Properties of the ops agent. */
export interface OpsAgentProps {
  /** @default 'registry.estate.internal/platform/ops-agent:2.4.1' */
  readonly image?: string;
  /** @default - 50m-100m CPU, 64-128 MiB */
  readonly resources?: ContainerResources;
}

/** Properties of the mesh proxy. */
export interface MeshProxyProps {
  /** @default 'registry.estate.internal/mesh/proxy:1.23.2' */
  readonly image?: string;
  /** The mesh control plane the proxy takes its configuration from. @default 'istiod.istio-system.svc:15012' */
  readonly discoveryAddress?: string;
  /** @default - 100m-1000m CPU, 128-512 MiB */
  readonly resources?: ContainerResources;
}

/** Properties of a custom sidecar: everything stated, probes and resources included. */
export interface CustomSidecarProps {
  /** The container's name, unique in the pod. */
  readonly name: string;
  /** The image, pinned by digest or tag. */
  readonly image: string;
  /** Requests and limits (every container states both). */
  readonly resources: ContainerResources;
  /** The readiness probe. */
  readonly readiness: ProbeSpec;
  /** The liveness probe, distinct from readiness. */
  readonly liveness: ProbeSpec;
  /** @default - none */
  readonly startup?: ProbeSpec;
  /** @default - the image's */
  readonly command?: string[];
  /** @default - the image's */
  readonly args?: string[];
  /** @default {} */
  readonly env?: Record<string, string>;
  /** @default [] */
  readonly ports?: ContainerPortSpec[];
  /** @default [] */
  readonly volumeMounts?: VolumeMountSpec[];
  /** @default - the pod's user */
  readonly runAsUser?: number;
  /** @default - none */
  readonly fallbackPostStart?: string[];
}

function probe(check: ProbeSpec['check'], periodSeconds: number, failureThreshold = 3, timeoutSeconds = 1): ProbeSpec {
  return { check, periodSeconds, failureThreshold, successThreshold: 1, timeoutSeconds };
}

/** Typed factories for the sidecars the platform offers, and custom ones. */
export class Sidecar {
  /**
   * Ships the main container's log files (the entrypoint writes stdout to `/var/log/app/*.log` on the shared
   * `app-logs` volume) to a Kafka topic: Fluent Bit, configured entirely by its command line, health on port 2020.
   */
  public static logShipper(props: LogShipperProps): Sidecar {
    return new Sidecar({
      kind: SidecarKind.LOG_SHIPPER,
      name: 'log-shipper',
      image: props.image ?? 'cr.fluentbit.io/fluent/fluent-bit:3.1.9',
      command: ['/fluent-bit/bin/fluent-bit'],
      args: [
        '-i', 'tail', '-p', `path=${APP_LOG_DIR}/*.log`, '-p', 'refresh_interval=1',
        '-o', 'kafka', '-p', `brokers=${props.brokers.join(',')}`, '-p', `topics=${props.topic}`, '-p', 'format=json',
        '-H', '-P', '2020', '-f', '1',
      ],
      env: {},
      ports: [{ name: 'http-metrics', port: 2020 }],
      resources: props.resources ?? { cpuMillis: { request: 100, limit: 200 }, memoryMiB: { request: 128, limit: 256 } },
      readiness: probe({ http: { path: '/api/v1/uptime', port: 2020 } }, 5),
      liveness: probe({ http: { path: '/', port: 2020 } }, 10, 3, 2),
      volumeMounts: [{ volume: APP_LOG_VOLUME, mountPath: APP_LOG_DIR, readOnly: true, sizeLimitMiB: 1024 }],
    }, { brokers: props.brokers, topic: props.topic });
  }

  /** The platform's operations agent: metrics, diagnostics and the ops console's hooks into the pod. */
  public static opsAgent(props: OpsAgentProps = {}): Sidecar {
    return new Sidecar({
      kind: SidecarKind.OPS_AGENT,
      name: 'ops-agent',
      image: props.image ?? 'registry.estate.internal/platform/ops-agent:2.4.1',
      env: {},
      ports: [{ name: 'http-agent', port: 9901 }],
      resources: props.resources ?? { cpuMillis: { request: 50, limit: 100 }, memoryMiB: { request: 64, limit: 128 } },
      readiness: probe({ http: { path: '/ready', port: 9901 } }, 10),
      liveness: probe({ http: { path: '/healthz', port: 9901 } }, 20, 3, 2),
      volumeMounts: [],
    });
  }

  /**
   * The service-mesh proxy. Traffic is redirected to it by the mesh's CNI plugin (restricted pods may not run an
   * iptables init container); its startup probe holds the main container back until the proxy is ready.
   */
  public static meshProxy(props: MeshProxyProps = {}): Sidecar {
    return new Sidecar({
      kind: SidecarKind.MESH_PROXY,
      name: 'mesh-proxy',
      image: props.image ?? 'registry.estate.internal/mesh/proxy:1.23.2',
      args: ['proxy', 'sidecar', `--discoveryAddress=${props.discoveryAddress ?? 'istiod.istio-system.svc:15012'}`],
      env: {},
      ports: [{ name: 'http-envoy-prom', port: 15090 }, { name: 'http-health', port: 15021 }],
      resources: props.resources ?? { cpuMillis: { request: 100, limit: 1000 }, memoryMiB: { request: 128, limit: 512 } },
      readiness: probe({ http: { path: '/healthz/ready', port: 15021 } }, 5),
      liveness: probe({ tcp: { port: 15021 } }, 10, 3, 2),
      startup: probe({ http: { path: '/healthz/ready', port: 15021 } }, 1, 120),
      volumeMounts: [{ volume: 'mesh-proxy-data', mountPath: '/var/lib/istio/data', sizeLimitMiB: 64 }],
      runAsUser: 1337,
      fallbackPostStart: ['/usr/local/bin/pilot-agent', 'wait'],
    });
  }

  /** Any other sidecar: every field that matters is stated, probes and resources included. */
  public static custom(props: CustomSidecarProps): Sidecar {
    return new Sidecar({
      kind: SidecarKind.CUSTOM,
      name: props.name,
      image: props.image,
      command: props.command,
      args: props.args,
      env: props.env ?? {},
      ports: props.ports ?? [],
      resources: props.resources,
      readiness: props.readiness,
      liveness: props.liveness,
      startup: props.startup,
      volumeMounts: props.volumeMounts ?? [],
      runAsUser: props.runAsUser,
      fallbackPostStart: props.fallbackPostStart,
    });
  }

  private constructor(public readonly spec: SidecarSpec, private readonly kafka?: { brokers: string[]; topic: string }) {}

  /**
   * Reports every problem of this sidecar.
   * @internal
   */
  public collectProblems(path: string, problems: ProblemCollector): void {
    const s = this.spec;
    const what = `sidecar ${s.name}`;
    const image = checkPinnedImage(s.image);
    if (image) problems.error({
      path,
      rule: 'image-pinned',
      message: `${what}: the image ${image}`,
      fix: 'pin the image to a released version tag or a sha256 digest',
      value: s.image,
    });
    checkResources(path, what, s.resources, problems);
    const ports = s.ports.map((p) => p.port);
    checkProbe(path, `${what}: the readiness probe`, s.readiness, ports, problems);
    checkProbe(path, `${what}: the liveness probe`, s.liveness, ports, problems);
    if (s.startup) checkProbe(path, `${what}: the startup probe`, s.startup, ports, problems);
    checkDistinctProbes(path, what, s.readiness, s.liveness, problems);
    if (this.kafka) {
      if (this.kafka.brokers.length === 0 || this.kafka.brokers.some((b) => !/^[A-Za-z0-9.-]+:\d{1,5}$/.test(b))) {
        problems.error({
          path,
          rule: 'log-shipper',
          message: 'the log shipper needs Kafka brokers as host:port',
          fix: 'list the bootstrap servers, for example kafka-0.logs.svc:9092',
          value: this.kafka.brokers,
        });
      }
      if (!/^[A-Za-z0-9._-]{1,249}$/.test(this.kafka.topic)) {
        problems.error({
          path,
          rule: 'log-shipper',
          message: 'the Kafka topic must be 1 to 249 letters, digits, ".", "_" or "-"',
          fix: 'name the topic after the app, for example order-api-logs',
          value: this.kafka.topic,
        });
      }
    }
    for (const m of s.volumeMounts) {
      if (checkLabelValue(m.volume) || !/^[a-z0-9-]+$/.test(m.volume)) problems.error({
        path,
        rule: 'volume-name',
        message: `${what}: volume name "${m.volume}" must be lowercase letters, digits and "-"`,
        fix: 'rename the volume',
        value: m.volume,
      });
      if (!m.mountPath.startsWith('/')) problems.error({
        path,
        rule: 'volume-name',
        message: `${what}: mount path "${m.mountPath}" must be absolute`,
        fix: 'write an absolute path',
        value: m.mountPath,
      });
    }
  }
}
