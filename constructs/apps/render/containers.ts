import { k8s } from 'cdk8s-plus-28';
import { LifecycleSpec, postStartCommand, preStopBudgetSeconds, preStopCommand } from '../lifecycle';
import { ProbeSpec } from '../probes';
import { ContainerResources, cpuQuantity, memoryQuantity } from '../resources';
import { ContainerPortSpec, SidecarSpec, VolumeMountSpec } from '../sidecars';

/**
 * Containers typed with cdk8s-plus-28's `k8s` structs (Kubernetes 1.28's API), so that every field name is checked
 * by the compiler; the structs' own converters (`KubeDeployment.manifest`) turn them into the manifest.
 */

/** Restricted pod security for one container: non-root, no privilege escalation, no capability, RuntimeDefault seccomp, read-only root. */
export function restrictedContainerSecurity(runAsUser?: number): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    ...(runAsUser !== undefined ? { runAsUser } : {}),
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export function resourceRequirements(r: ContainerResources): k8s.ResourceRequirements {
  return {
    limits: { cpu: k8s.Quantity.fromString(cpuQuantity(r.cpuMillis.limit)), memory: k8s.Quantity.fromString(memoryQuantity(r.memoryMiB.limit)) },
    requests: {
      cpu: k8s.Quantity.fromString(cpuQuantity(r.cpuMillis.request)),
      memory: k8s.Quantity.fromString(memoryQuantity(r.memoryMiB.request)),
    },
  };
}

export function probe(p: ProbeSpec): k8s.Probe {
  const c = p.check;
  return {
    failureThreshold: p.failureThreshold,
    periodSeconds: p.periodSeconds,
    successThreshold: p.successThreshold,
    timeoutSeconds: p.timeoutSeconds,
    ...(c.http ? { httpGet: { path: c.http.path, port: k8s.IntOrString.fromNumber(c.http.port), scheme: 'HTTP' } } : {}),
    ...(c.tcp ? { tcpSocket: { port: k8s.IntOrString.fromNumber(c.tcp.port) } } : {}),
    ...(c.exec ? { exec: { command: [...c.exec.command] } } : {}),
  };
}

export function ports(list: readonly ContainerPortSpec[]): k8s.ContainerPort[] | undefined {
  return list.length === 0 ? undefined : list.map((p) => ({ containerPort: p.port, name: p.name, protocol: 'TCP' }));
}

export function env(vars: Readonly<Record<string, string>>): k8s.EnvVar[] | undefined {
  const names = Object.keys(vars).sort();
  return names.length === 0 ? undefined : names.map((name) => ({ name, value: vars[name] }));
}

export function volumeMounts(mounts: readonly VolumeMountSpec[]): k8s.VolumeMount[] | undefined {
  return mounts.length === 0 ? undefined : mounts.map((m) => ({ mountPath: m.mountPath, name: m.volume, ...(m.readOnly ? { readOnly: true } : {}) }));
}

/** The main container. In debug mode it has neither probes nor lifecycle hooks. */
export function mainContainer(props: {
  readonly name: string;
  readonly image: string;
  readonly command?: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly ports: readonly ContainerPortSpec[];
  readonly resources: ContainerResources;
  readonly readiness: ProbeSpec;
  readonly liveness: ProbeSpec;
  readonly startup?: ProbeSpec;
  readonly lifecycle: LifecycleSpec;
  readonly mounts: readonly VolumeMountSpec[];
  readonly debug: boolean;
}): k8s.Container {
  return {
    name: props.name,
    image: props.image,
    imagePullPolicy: 'IfNotPresent',
    ...(props.command ? { command: [...props.command] } : {}),
    env: env(props.env),
    ports: ports(props.ports),
    resources: resourceRequirements(props.resources),
    securityContext: restrictedContainerSecurity(),
    volumeMounts: volumeMounts(props.mounts),
    ...(props.debug ? {} : {
      readinessProbe: probe(props.readiness),
      livenessProbe: probe(props.liveness),
      ...(props.startup ? { startupProbe: probe(props.startup) } : {}),
      lifecycle: {
        postStart: { exec: { command: postStartCommand(props.lifecycle) } },
        preStop: { exec: { command: preStopCommand(props.lifecycle) } },
      },
    }),
  };
}

/**
 * A sidecar: a native sidecar (an init container with `restartPolicy: Always`), or in the fallback an ordinary
 * container with its readiness wait (postStart) and a preStop sleep that outlasts the main container's drain.
 */
export function sidecarContainer(s: SidecarSpec, native: boolean, mainLifecycle: LifecycleSpec): k8s.Container {
  const fallbackLifecycle: k8s.Lifecycle = {
    ...(s.fallbackPostStart ? { postStart: { exec: { command: [...s.fallbackPostStart] } } } : {}),
    preStop: { exec: { command: ['/bin/sleep', String(preStopBudgetSeconds(mainLifecycle))] } },
  };
  return {
    name: s.name,
    image: s.image,
    imagePullPolicy: 'IfNotPresent',
    ...(s.command ? { command: [...s.command] } : {}),
    ...(s.args ? { args: [...s.args] } : {}),
    env: env(s.env),
    ports: ports(s.ports),
    resources: resourceRequirements(s.resources),
    securityContext: restrictedContainerSecurity(s.runAsUser),
    volumeMounts: volumeMounts(s.volumeMounts),
    readinessProbe: probe(s.readiness),
    livenessProbe: probe(s.liveness),
    ...(s.startup ? { startupProbe: probe(s.startup) } : {}),
    ...(native ? { restartPolicy: 'Always' } : { lifecycle: fallbackLifecycle }),
  };
}
