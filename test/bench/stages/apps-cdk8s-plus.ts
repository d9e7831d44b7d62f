/**
 * Baseline (a) of the `apps` stage: the same objects as a team would write them by hand with cdk8s-plus-28, in one
 * cdk8s App with one Chart per cluster, synthesized the way `app.synth()` does it (every chart's `toJson()`), and
 * written by the estate's writer. It uses cdk8s-plus's high-level constructs (Deployment, Service, ServiceAccount,
 * HorizontalPodAutoscaler, Volume, scheduling) where they can say it, the low-level `k8s` objects where cdk8s-plus
 * has none (PriorityClass, Namespace, PodDisruptionBudget), and JSON patches for what neither can express
 * (topology spread, priority class name, pod-level seccomp, trafficDistribution) or to drop what cdk8s-plus adds on
 * its own (the `cdk8s.io/metadata.addr` pod label, an empty `externalIPs`). The values come from the same plain plans
 * as baseline (b): the stage checks that the files are byte-identical to ours. cdk8s-plus has nothing for Istio: the
 * mesh's objects (mTLS, gateway, routes, authorization) are plain ApiObjects of the mesh renderer's manifests, as a
 * team would write them with imported CRD types, and meshed pods carry the injection label and proxy-size annotations.
 */
import { ApiObject, App, Chart, Duration, JsonPatch, Size } from 'cdk8s';
import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-28';
import {
  AppInstancePlan, ClusterPlan, KubeObject, LifecycleSpec, NODE_POOL, PRIORITY_CLASSES, ProbeSpec, SidecarSpec,
  VolumeMountSpec, ZoneRouting, postStartCommand, preStopBudgetSeconds, preStopCommand, renderNamespace,
  serviceSelector, terminationGracePeriodSeconds, workloadLabels, workloadSelector, APP_LOG_DIR, APP_LOG_VOLUME,
  ANNOTATION_DEBUG, ANNOTATION_DEFAULT_CONTAINER, ANNOTATION_TOPOLOGY_HINTS, ANNOTATION_TOPOLOGY_MODE, LABEL_CLUSTER,
  LABEL_ESTATE, LABEL_SERVING, SERVING, APP_MANAGED_BY, MANAGED_BY, SidecarKind, TOPOLOGY_ZONE, renderTenancyObjects,
} from '../../../constructs/internal';
import { EstateMeshFacts, proxyResourceAnnotations, renderClusterMesh } from '../../../constructs/mesh';

const { k8s } = kplus;

function probe(p: ProbeSpec): kplus.Probe {
  const options = {
    failureThreshold: p.failureThreshold,
    periodSeconds: Duration.seconds(p.periodSeconds),
    successThreshold: p.successThreshold,
    timeoutSeconds: Duration.seconds(p.timeoutSeconds),
  };
  if (p.check.http) return kplus.Probe.fromHttpGet(p.check.http.path, { ...options, port: p.check.http.port });
  if (p.check.tcp) return kplus.Probe.fromTcpSocket({ ...options, port: p.check.tcp.port });
  return kplus.Probe.fromCommand([...p.check.exec!.command], options);
}

/** CPU as the API server stores it: whole cores as units (`1`), the rest in millicores (`250m`). */
function cpu(millis: number): kplus.Cpu {
  return millis % 1000 === 0 ? kplus.Cpu.units(millis / 1000) : kplus.Cpu.millis(millis);
}

function resources(r: { cpuMillis: { request: number; limit: number }; memoryMiB: { request: number; limit: number } }): kplus.ContainerResources {
  return {
    cpu: { request: cpu(r.cpuMillis.request), limit: cpu(r.cpuMillis.limit) },
    memory: { request: Size.mebibytes(r.memoryMiB.request), limit: Size.mebibytes(r.memoryMiB.limit) },
  };
}

function security(user?: number): kplus.ContainerSecurityContextProps {
  return {
    ensureNonRoot: true, privileged: false, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false,
    capabilities: { drop: [kplus.Capability.ALL] }, seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
    ...(user !== undefined ? { user } : {}),
  };
}

function envOf(vars: Readonly<Record<string, string>>): Record<string, kplus.EnvValue> {
  return Object.fromEntries(Object.keys(vars).sort().map((k) => [k, kplus.EnvValue.fromValue(vars[k])]));
}

/**
 * The program: one App and, by default, one Chart holding every cluster's objects (each labelled with its cluster),
 * resolved once and split into the clusters' targets by that label. `chartPerCluster` gives each cluster its own
 * Chart instead, as the targets suggest; but `app.synth()` then validates the whole App again for every chart
 * (cdk8s's `App._synthChart`), which grows with the square of the estate: at 100 clusters it is already most of
 * the time, at 1,000 it would take many minutes. The bench uses the single Chart, the fastest a user can get.
 */
export function buildCdk8sPlusApp(
  estate: string,
  clusters: readonly ClusterPlan[],
  instances: readonly AppInstancePlan[],
  chartPerCluster = false,
  mesh: EstateMeshFacts = { estate, lanes: [], namespaces: new Map() },
): { app: App; charts: Chart[] } {
  const app = new App({ outdir: '.', recordConstructMetadata: false });
  const charts: Chart[] = [];
  const byCluster = new Map<string, AppInstancePlan[]>();
  for (const i of instances) byCluster.set(i.cluster, [...(byCluster.get(i.cluster) ?? []), i]);
  let shared: Chart | undefined;
  for (const cluster of clusters) {
    const list = byCluster.get(cluster.name);
    if (!list) continue;
    let chart: Chart;
    if (chartPerCluster) charts.push((chart = new Chart(app, cluster.name, { disableResourceNameHashes: true })));
    else if (shared) chart = shared;
    else charts.push((chart = shared = new Chart(app, estate, { disableResourceNameHashes: true })));
    const scope = chartPerCluster ? chart : new Construct(chart, cluster.name);
    for (const p of PRIORITY_CLASSES) {
      new k8s.KubePriorityClass(scope, `pc-${p.name}`, {
        metadata: { name: p.name, labels: { [LABEL_ESTATE]: estate, [LABEL_CLUSTER]: cluster.name, [APP_MANAGED_BY]: MANAGED_BY } },
        value: p.value, preemptionPolicy: p.preemptionPolicy, globalDefault: false, description: p.description,
      });
    }
    for (const ns of [...new Set(list.map((i) => i.namespace))].sort()) {
      const manifest = renderNamespace(estate, cluster.name, cluster.kubernetesVersion, ns);
      new k8s.KubeNamespace(scope, `ns-${ns}`, { metadata: { name: ns, labels: { ...manifest.metadata.labels } } });
    }
    addTenancy(scope, estate, cluster.name, list);
    for (const instance of list) addInstance(scope, instance);
    // Last in the cluster's scope: synthCharts gives objects without the cluster label to the cluster before them.
    for (const o of renderClusterMesh(cluster, list, mesh)) new ApiObject(scope, `mesh-${o.kind}-${o.metadata.namespace ?? ''}-${o.metadata.name}`, o);
  }
  return { app, charts };
}

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function quantities(map: Record<string, string> | undefined): Record<string, kplus.k8s.Quantity> | undefined {
  return map ? Object.fromEntries(Object.entries(map).map(([k, v]) => [k, k8s.Quantity.fromString(v)])) : undefined;
}

function policyPorts(ports: Json[] | undefined): kplus.k8s.NetworkPolicyPort[] | undefined {
  return ports?.map((p) => ({ port: k8s.IntOrString.fromNumber(p.port), protocol: p.protocol }));
}

/**
 * Each app namespace's quota, limit range and network policies, as a team writes them with the typed `k8s` structs
 * (cdk8s-plus's NetworkPolicy construct cannot say a default deny with no rules in both directions), sized from the
 * same plain plans.
 */
function addTenancy(scope: Construct, estate: string, cluster: string, list: readonly AppInstancePlan[]): void {
  for (const o of renderTenancyObjects(estate, cluster, list)) {
    const id = `${o.kind}-${o.metadata.namespace}-${o.metadata.name}`;
    const metadata = {
      name: o.metadata.name,
      namespace: o.metadata.namespace,
      labels: { ...o.metadata.labels },
      ...(o.metadata.annotations ? { annotations: { ...o.metadata.annotations } } : {})
    };
    const spec = (o as Json).spec;
    if (o.kind === 'ResourceQuota') new k8s.KubeResourceQuota(scope, id, { metadata, spec: { hard: quantities(spec.hard) } });
    else if (o.kind === 'LimitRange') {
      new k8s.KubeLimitRange(
        scope,
        id,
        {
          metadata,
          spec: { limits: spec.limits.map((l: Json) => ({
            type: l.type,
            default: quantities(l.default),
            defaultRequest: quantities(l.defaultRequest),
            max: quantities(l.max),
          })) },
        },
      );
    } else if (o.kind === 'NetworkPolicy') {
      new k8s.KubeNetworkPolicy(scope, id, {
        metadata,
        spec: {
          podSelector: spec.podSelector,
          policyTypes: spec.policyTypes,
          ...(spec.ingress ? { ingress: spec.ingress.map((r: Json) => ({ from: r.from, ports: policyPorts(r.ports) })) } : {}),
          ...(spec.egress ? { egress: spec.egress.map((r: Json) => ({ to: r.to, ports: policyPorts(r.ports) })) } : {}),
        },
      });
    } else new ApiObject(scope, id, o);
  }
}

function addInstance(chart: Construct, plan: AppInstancePlan): void {
  const spec = plan.spec;
  const id = `${plan.namespace}-${spec.name}`;
  const sa = new kplus.ServiceAccount(chart, `${id}-sa`, { metadata: { name: spec.name, namespace: plan.namespace, labels: { ...plan.labels } }, automountToken: spec.serviceAccountToken });
  const logShipper = spec.sidecars.some((s) => s.kind === SidecarKind.LOG_SHIPPER);
  const volumes = new Map<string, kplus.Volume>();
  const volume = (m: VolumeMountSpec) => {
    let v = volumes.get(m.volume);
    if (!v) volumes.set(m.volume, (v = kplus.Volume.fromEmptyDir(chart, `${id}-vol-${m.volume}`, m.volume, { sizeLimit: Size.mebibytes(m.sizeLimitMiB ?? 64) })));
    return v;
  };
  const mounts = (list: readonly VolumeMountSpec[]): kplus.VolumeMount[] => list.map((m) => ({
    volume: volume(m),
    path: m.mountPath,
    ...(m.readOnly ? { readOnly: true } : {})
  }));
  const sidecar = (s: SidecarSpec, native: boolean, l: LifecycleSpec): kplus.ContainerProps => ({
    name: s.name,
    image: s.image,
    imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
    ...(s.command ? { command: [...s.command] } : {}),
    ...(s.args ? { args: [...s.args] } : {}),
    envVariables: envOf(s.env),
    ports: s.ports.map((p) => ({ number: p.port, name: p.name, protocol: kplus.Protocol.TCP })),
    resources: resources(s.resources),
    securityContext: security(s.runAsUser),
    volumeMounts: mounts(s.volumeMounts),
    readiness: probe(s.readiness),
    liveness: probe(s.liveness),
    ...(s.startup ? { startup: probe(s.startup) } : {}),
    ...(native ? { restartPolicy: kplus.ContainerRestartPolicy.ALWAYS } : {
      lifecycle: {
        ...(s.fallbackPostStart ? { postStart: kplus.Handler.fromCommand([...s.fallbackPostStart]) } : {}),
        preStop: kplus.Handler.fromCommand(['/bin/sleep', String(preStopBudgetSeconds(l))]),
      },
    }),
  });

  const deployments: [AppInstancePlan['workloads'][number], kplus.Deployment][] = [];
  for (const w of plan.workloads) {
    const labels = workloadLabels(plan, w);
    const annotations: Record<string, string> = { [ANNOTATION_DEFAULT_CONTAINER]: spec.name, ...w.image.annotations };
    if (spec.debug) annotations[ANNOTATION_DEBUG] = spec.debug.reason ?? 'debug mode';
    if (plan.mesh && spec.mesh) Object.assign(annotations, proxyResourceAnnotations(spec.mesh.proxyResources));
    const mainMounts: VolumeMountSpec[] = [{ volume: 'tmp', mountPath: '/tmp', sizeLimitMiB: spec.tmpSizeMiB }];
    if (logShipper) mainMounts.push({ volume: APP_LOG_VOLUME, mountPath: APP_LOG_DIR, sizeLimitMiB: 1024 });
    const main: kplus.ContainerProps = {
      name: spec.name,
      image: w.image.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      ...(w.image.command ? { command: [...w.image.command] } : {}),
      envVariables: envOf(logShipper ? { ...spec.env, ESTATE_LOG_DIR: APP_LOG_DIR } : spec.env),
      ports: spec.ports.map((p) => ({ number: p.port, name: p.name, protocol: kplus.Protocol.TCP })),
      resources: resources(spec.resources),
      securityContext: security(),
      volumeMounts: mounts(mainMounts),
      ...(spec.debug ? {} : {
        readiness: probe(spec.readiness),
        liveness: probe(spec.liveness),
        ...(spec.startup ? { startup: probe(spec.startup) } : {}),
        lifecycle: {
          postStart: kplus.Handler.fromCommand(postStartCommand(spec.lifecycle)),
          preStop: kplus.Handler.fromCommand(preStopCommand(spec.lifecycle)),
        },
      }),
    };
    const sidecars = spec.sidecars.map((s) => sidecar(s, plan.nativeSidecars, spec.lifecycle));
    const deployment = new kplus.Deployment(chart, `${id}-${w.channel}`, {
      metadata: { name: w.name, namespace: plan.namespace, labels },
      podMetadata: { labels: { ...labels, [LABEL_SERVING]: SERVING, ...(plan.mesh?.injection ?? {}) }, annotations },
      select: false,
      ...(w.replicas !== undefined ? { replicas: w.replicas } : {}),
      minReady: Duration.seconds(0),
      progressDeadline: Duration.seconds(600),
      strategy: kplus.DeploymentStrategy.rollingUpdate({
        maxSurge: kplus.PercentOrAbsolute.percent(25),
        maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
      }),
      serviceAccount: sa,
      automountServiceAccountToken: spec.serviceAccountToken,
      securityContext: {
        ensureNonRoot: true,
        user: spec.runAsUser,
        group: spec.runAsUser,
        fsGroup: spec.runAsUser,
        fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
      },
      terminationGracePeriod: Duration.seconds(terminationGracePeriodSeconds(spec.lifecycle)),
      containers: plan.nativeSidecars ? [main] : [...sidecars, main],
      initContainers: plan.nativeSidecars ? sidecars : [],
    });
    const selector = workloadSelector(spec.name, w.channel);
    deployment.select(kplus.LabelSelector.of({ labels: selector }));
    deployment.scheduling.attract(kplus.Node.labeled(kplus.NodeLabelQuery.in(NODE_POOL, [plan.pool.name])));
    deployment.scheduling.separate(kplus.Pods.select(chart, `${id}-${w.channel}-peers`, { labels: selector }), { topology: kplus.Topology.HOSTNAME, weight: 100 });
    for (const t of plan.pool.taints) deployment.scheduling.tolerate(kplus.Node.tainted(kplus.NodeTaintQuery.is(t.key, t.value ?? '', { effect: t.effect as unknown as kplus.TaintEffect })));
    const object = ApiObject.of(deployment);
    object.addJsonPatch(
      JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'),
      JsonPatch.add('/spec/template/spec/priorityClassName', spec.priority),
      JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }),
      JsonPatch.add('/spec/template/spec/topologySpreadConstraints', [{ labelSelector: { matchLabels: selector }, maxSkew: 1, nodeTaintsPolicy: 'Honor', topologyKey: TOPOLOGY_ZONE, whenUnsatisfiable: 'DoNotSchedule' }]),
    );
    deployments.push([w, deployment]);
  }
  for (const [w, deployment] of deployments) {
    if (w.autoscaling) {
      const a = spec.autoscaling!;
      new kplus.HorizontalPodAutoscaler(chart, `${id}-${w.channel}-hpa`, {
        metadata: { name: w.name, namespace: plan.namespace, labels: workloadLabels(plan, w) },
        target: deployment,
        minReplicas: w.autoscaling.minReplicas,
        maxReplicas: w.autoscaling.maxReplicas,
        metrics: [
          kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(a.cpuUtilizationPercent)),
          ...(a.memoryUtilizationPercent !== undefined
            ? [kplus.Metric.resourceMemory(kplus.MetricTarget.averageUtilization(a.memoryUtilizationPercent))]
            : []),
        ],
        scaleUp: {
          strategy: kplus.ScalingStrategy.MAX_CHANGE,
          stabilizationWindow: Duration.seconds(0),
          policies: [
            { replicas: kplus.Replicas.absolute(4), duration: Duration.minutes(1) },
            { replicas: kplus.Replicas.percent(100), duration: Duration.minutes(1) },
          ],
        },
        scaleDown: {
          strategy: kplus.ScalingStrategy.MAX_CHANGE,
          stabilizationWindow: Duration.minutes(5),
          policies: [{ replicas: kplus.Replicas.percent(10), duration: Duration.minutes(1) }],
        },
      });
    }
  }

  const annotations: Record<string, string> | undefined = plan.zoneRouting === ZoneRouting.TOPOLOGY_MODE ? { [ANNOTATION_TOPOLOGY_MODE]: 'Auto' }
    : plan.zoneRouting === ZoneRouting.TOPOLOGY_HINTS ? { [ANNOTATION_TOPOLOGY_HINTS]: 'auto' } : undefined;
  const metadata = { name: spec.name, namespace: plan.namespace, labels: { ...plan.labels }, ...(annotations ? { annotations } : {}) };
  const ports = spec.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.port, protocol: kplus.Protocol.TCP }));
  const selector = serviceSelector(spec.name, spec.serviceChannel);
  if (plan.zoneRouting === ZoneRouting.TRAFFIC_DISTRIBUTION) {
    // cdk8s-plus-28's Service (its KubeService) converts the resolved JSON, patches included, through Kubernetes
    // 1.28's ServiceSpec, which has no trafficDistribution: a JSON patch adding it is silently dropped. A user finds
    // out and writes this Service as a plain cdk8s ApiObject instead.
    new ApiObject(chart, `${id}-svc`, { apiVersion: 'v1', kind: 'Service', metadata, spec: { ports, selector, trafficDistribution: 'PreferClose', type: 'ClusterIP' } });
  } else {
    const service = new kplus.Service(chart, `${id}-svc`, { metadata, ports });
    for (const [k, v] of Object.entries(selector)) service.selectLabel(k, v);
    ApiObject.of(service).addJsonPatch(JsonPatch.remove('/spec/externalIPs'));
  }

  new k8s.KubePodDisruptionBudget(chart, `${id}-pdb`, {
    metadata: { name: spec.name, namespace: plan.namespace, labels: { ...plan.labels } },
    spec: {
      maxUnavailable: k8s.IntOrString.fromString(`${spec.maxUnavailablePercent}%`),
      selector: { matchLabels: serviceSelector(spec.name) },
      ...(plan.alwaysAllowUnhealthyEviction ? { unhealthyPodEvictionPolicy: 'AlwaysAllow' } : {}),
    },
  });
}

/**
 * What `app.synth()` does for each chart (validate the App, resolve the chart), without cdk8s's own YAML writer;
 * the objects go to the target of their cluster label, in the order the chart gives them. The mesh's objects carry
 * no cluster label (Istio's own objects are labelled by the mesh): each goes to the cluster of the object before it,
 * since a chart lists its objects in construct order and every cluster's scope starts with labelled objects.
 */
export function synthCharts(charts: readonly Chart[]): { target: string; objects: KubeObject[] }[] {
  const targets = new Map<string, KubeObject[]>();
  for (const chart of charts) {
    let current = chart.node.id;
    for (const object of chart.toJson() as KubeObject[]) {
      canonicalMemory(object);
      const target = object.metadata.labels?.[LABEL_CLUSTER] ?? current;
      current = target;
      const list = targets.get(target);
      if (list) list.push(object);
      else targets.set(target, [object]);
    }
  }
  return [...targets].map(([target, objects]) => ({ target, objects }));
}

/**
 * cdk8s-plus writes every container memory quantity and emptyDir size limit in mebibytes (`2048Mi`); the API server stores the largest
 * binary suffix that keeps an integer (`2Gi`), and so do the estate's renderers. A team using cdk8s-plus would rewrite
 * them like this (a resolver or a patch) to keep its previews free of spurious diffs against the server.
 */
function canonicalMemory(value: unknown): void {
  if (Array.isArray(value)) {
    for (const v of value) canonicalMemory(v);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const o = value as Record<string, unknown>;
  for (const [key, v] of Object.entries(o)) {
    if (key === 'resources' && v !== null && typeof v === 'object') {
      for (const side of ['requests', 'limits']) {
        const q = (v as Record<string, Record<string, unknown> | undefined>)[side];
        const m = typeof q?.memory === 'string' ? /^(\d+)Mi$/.exec(q.memory) : null;
        if (q && m) q.memory = binaryQuantity(Number(m[1]));
      }
    } else if (key === 'emptyDir' && v !== null && typeof v === 'object') {
      const dir = v as Record<string, unknown>;
      const m = typeof dir.sizeLimit === 'string' ? /^(\d+)Mi$/.exec(dir.sizeLimit) : null;
      if (m) dir.sizeLimit = binaryQuantity(Number(m[1]));
    } else canonicalMemory(v);
  }
}

function binaryQuantity(mebibytes: number): string {
  let n = mebibytes;
  for (const suffix of ['Mi', 'Gi', 'Ti', 'Pi']) {
    if (n % 1024 !== 0 || suffix === 'Pi') return `${n}${suffix}`;
    n /= 1024;
  }
  return `${n}Pi`;
}
