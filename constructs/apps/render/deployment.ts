import { k8s } from 'cdk8s-plus-28';
import { NODE_POOL } from '../../estate/well-known-labels';
import type { KubeObject } from '../../synth/kube-object';
import { AppInstancePlan, WorkloadPlan } from '../instance-plan';
import {
  ANNOTATION_DEBUG, ANNOTATION_DEFAULT_CONTAINER, APP_INSTANCE, APP_VERSION, DEBUG_POLICY_RULE, LABEL_CHANNEL, LABEL_SERVING, SERVING,
  SUPPRESS_POLICY_PREFIX, workloadSelector,
} from '../labels';
import { MIN_DEBUG_REASON_LENGTH } from '../debug';
import { terminationGracePeriodSeconds } from '../lifecycle';
import { proxyResourceAnnotations } from '../../mesh/traffic';
import { APP_LOG_VOLUME, APP_LOG_DIR, SidecarKind, VolumeMountSpec } from '../sidecars';
import { memoryQuantity } from '../resources';
import { mainContainer, sidecarContainer } from './containers';
import { toManifest } from './wire';

/**
 * Keys of node and pod topology.
 * @internal
 */
export const TOPOLOGY_ZONE = 'topology.kubernetes.io/zone';
export const TOPOLOGY_HOST = 'kubernetes.io/hostname';

/**
 * Labels of one Deployment and its pods.
 * @internal
 */
export function workloadLabels(plan: AppInstancePlan, workload: WorkloadPlan): Record<string, string> {
  const version = plan.spec.version ?? workload.image.version;
  return {
    ...plan.labels,
    [LABEL_CHANNEL]: workload.channel,
    [APP_INSTANCE]: workload.name,
    ...(version !== undefined ? { [APP_VERSION]: version } : {})
  };
}

/**
 * The pod spec of one Deployment: native sidecars (init containers, in order) before the main container, or the
 * fallback; restricted security; zone spread (max skew 1) and preferred host anti-affinity over the Deployment's own
 * serving pods; required node affinity to the app's pool, with its taints tolerated; the priority class.
 */
export function podSpec(plan: AppInstancePlan, workload: WorkloadPlan): k8s.PodSpec {
  const spec = plan.spec;
  const debug = spec.debug !== undefined;
  const logShipper = spec.sidecars.some((s) => s.kind === SidecarKind.LOG_SHIPPER);
  const mounts: VolumeMountSpec[] = [{ volume: 'tmp', mountPath: '/tmp', sizeLimitMiB: spec.tmpSizeMiB }];
  if (logShipper) mounts.push({ volume: APP_LOG_VOLUME, mountPath: APP_LOG_DIR, sizeLimitMiB: 1024 });
  const main = mainContainer({
    name: spec.name,
    image: workload.image.image,
    command: workload.image.command,
    env: logShipper ? { ...spec.env, ESTATE_LOG_DIR: APP_LOG_DIR } : spec.env,
    ports: spec.ports,
    resources: spec.resources,
    readiness: spec.readiness,
    liveness: spec.liveness,
    startup: spec.startup,
    lifecycle: spec.lifecycle,
    mounts,
    debug,
  });
  const sidecars = spec.sidecars.map((s) => sidecarContainer(s, plan.nativeSidecars, spec.lifecycle));
  const containers = plan.nativeSidecars ? [main] : [...sidecars, main];
  const initContainers = plan.nativeSidecars && sidecars.length > 0 ? sidecars : undefined;
  // Volumes in the order their first mount appears (containers, then init containers), as cdk8s-plus orders them.
  const sizes = new Map<string, number>();
  for (const m of [...mounts, ...spec.sidecars.flatMap((s) => s.volumeMounts)]) if (!sizes.has(m.volume)) sizes.set(m.volume, m.sizeLimitMiB ?? 64);
  const order: string[] = [];
  for (const c of [...containers, ...(initContainers ?? [])]) for (const m of c.volumeMounts ?? []) if (!order.includes(m.name)) order.push(m.name);
  const selector = workloadSelector(spec.name, workload.channel);
  return {
    automountServiceAccountToken: spec.serviceAccountToken,
    containers,
    dnsPolicy: 'ClusterFirst',
    hostNetwork: false,
    ...(initContainers ? { initContainers } : {}),
    priorityClassName: spec.priority,
    restartPolicy: 'Always',
    securityContext: {
      fsGroup: spec.runAsUser,
      fsGroupChangePolicy: 'OnRootMismatch',
      runAsGroup: spec.runAsUser,
      runAsNonRoot: true,
      runAsUser: spec.runAsUser,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    serviceAccountName: spec.name,
    setHostnameAsFqdn: false,
    terminationGracePeriodSeconds: terminationGracePeriodSeconds(spec.lifecycle),
    volumes: order.map((name) => ({ name, emptyDir: { sizeLimit: k8s.Quantity.fromString(memoryQuantity(sizes.get(name)!)) } })),
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: NODE_POOL, operator: 'In', values: [plan.pool.name] }] }],
        },
      },
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{
          weight: 100,
          podAffinityTerm: { labelSelector: { matchLabels: selector }, topologyKey: TOPOLOGY_HOST },
        }],
      },
    },
    ...(plan.pool.taints.length > 0 ? {
      tolerations: plan.pool.taints.map((t) => ({ effect: t.effect, key: t.key, operator: 'Equal', value: t.value ?? '' })),
    } : {}),
    topologySpreadConstraints: [{
      labelSelector: { matchLabels: selector },
      maxSkew: 1,
      nodeTaintsPolicy: 'Honor',
      topologyKey: TOPOLOGY_ZONE,
      whenUnsatisfiable: 'DoNotSchedule',
    }],
  };
}

/** A Deployment: no `spec.replicas` when an autoscaler owns the replicas; surge-only rolling updates. */
export function renderDeployment(plan: AppInstancePlan, workload: WorkloadPlan): KubeObject {
  return toManifest(k8s.KubeDeployment.GVK, deploymentProps(plan, workload));
}

/** The Deployment as cdk8s-plus-28's typed struct. */
export function deploymentProps(plan: AppInstancePlan, workload: WorkloadPlan): k8s.KubeDeploymentProps {
  const spec = plan.spec;
  const labels = workloadLabels(plan, workload);
  const annotations: Record<string, string> = { [ANNOTATION_DEFAULT_CONTAINER]: spec.name, ...workload.image.annotations };
  if (spec.debug) annotations[ANNOTATION_DEBUG] = spec.debug.reason ?? 'debug mode';
  if (plan.mesh && spec.mesh) Object.assign(annotations, proxyResourceAnnotations(spec.mesh.proxyResources));
  // Debug mode acknowledged with a written reason (validation demands one in production) is a decision, not an
  // accident: the Deployment carries it as the policy suppression, so `estate check` and the policy pack report the
  // finding as suppressed with that reason instead of blocking the rollout.
  const reason = spec.debug?.reason?.trim();
  const acknowledged = reason !== undefined && reason.length >= MIN_DEBUG_REASON_LENGTH ? { [`${SUPPRESS_POLICY_PREFIX}${DEBUG_POLICY_RULE}`]: reason } : undefined;
  const props: k8s.KubeDeploymentProps = {
    metadata: { name: workload.name, namespace: plan.namespace, labels, ...(acknowledged ? { annotations: acknowledged } : {}) },
    spec: {
      ...(workload.replicas !== undefined ? { replicas: workload.replicas } : {}),
      minReadySeconds: 0,
      progressDeadlineSeconds: 600,
      selector: { matchLabels: workloadSelector(spec.name, workload.channel) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromString('25%'), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
      template: {
        metadata: { labels: { ...labels, [LABEL_SERVING]: SERVING, ...(plan.mesh?.injection ?? {}) }, annotations },
        spec: podSpec(plan, workload),
      },
    },
  };
  return props;
}
