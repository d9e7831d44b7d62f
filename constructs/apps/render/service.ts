import { k8s } from 'cdk8s-plus-28';
import type { KubeObject } from '../../synth/kube-object';
import { AppInstancePlan, ZoneRouting } from '../instance-plan';
import { ANNOTATION_TOPOLOGY_HINTS, ANNOTATION_TOPOLOGY_MODE, serviceSelector } from '../labels';
import { toManifest } from './wire';

/**
 * `trafficDistribution` (Kubernetes 1.30 alpha, 1.31 beta) is newer than cdk8s-plus-28's structs: its own converter
 * would drop it (even when a JSON patch adds it, since `KubeService.toJson` converts after patching). Declared here
 * and written by `manifest`, which keeps every field it is given; tests assert it in the synthesized Service.
 */
export interface ServiceSpecSince131 {
  readonly trafficDistribution?: 'PreferClose';
}

/**
 * The app's Service: one for every channel (stable and gray share it; blue/green select the live colour), zone
 * first: `trafficDistribution: PreferClose` where every node's kube-proxy and the API server are 1.31 or newer,
 * topology-aware routing's annotation before that. Both are never set together: the annotation would win.
 */
export function renderService(plan: AppInstancePlan): KubeObject {
  return toManifest(k8s.KubeService.GVK, serviceProps(plan));
}

/** The Service as cdk8s-plus-28's typed struct, with the fields newer than it. */
export function serviceProps(plan: AppInstancePlan): k8s.KubeServiceProps & { spec: k8s.ServiceSpec & ServiceSpecSince131 } {
  const spec = plan.spec;
  const annotations: Record<string, string> | undefined = plan.zoneRouting === ZoneRouting.TOPOLOGY_MODE ? { [ANNOTATION_TOPOLOGY_MODE]: 'Auto' }
    : plan.zoneRouting === ZoneRouting.TOPOLOGY_HINTS ? { [ANNOTATION_TOPOLOGY_HINTS]: 'auto' } : undefined;
  const props: k8s.KubeServiceProps & { spec: k8s.ServiceSpec & ServiceSpecSince131 } = {
    metadata: { name: spec.name, namespace: plan.namespace, labels: { ...plan.labels }, ...(annotations ? { annotations } : {}) },
    spec: {
      type: 'ClusterIP',
      selector: serviceSelector(spec.name, spec.serviceChannel),
      ports: spec.ports.map((p) => ({ name: p.name, port: p.port, protocol: 'TCP', targetPort: k8s.IntOrString.fromNumber(p.port) })),
      ...(plan.zoneRouting === ZoneRouting.TRAFFIC_DISTRIBUTION ? { trafficDistribution: 'PreferClose' as const } : {}),
    },
  };
  return props;
}
