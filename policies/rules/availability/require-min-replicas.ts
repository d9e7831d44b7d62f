import type { KubeObject } from '../../../constructs';
import { asString, field, hpaMinReplicas, namespaceOf, podLabels, podTemplateOf, podTemplatesIn, REPLICATED_KINDS, replicaFloor } from '../../engine/kube';
import type { TargetView } from '../../engine/target';
import { POD_LABEL_KEYS } from '../../engine/workload-labels';
import { COMPLIANT, defineRule, notApplicable, Verdict, violations } from '../../engine/types';

export interface RequireMinReplicasConfig {
  readonly minReplicas: number;
  readonly appLabel: string;
  readonly channelLabel: string;
  readonly siblingChannels: readonly string[];
}

/**
 * The verdict on a workload whose floor is below the minimum, when it runs on a sibling channel (canary, blue/green)
 * next to other Deployments of its app: together they keep the minimum. Undefined for a workload on no such channel.
 */
function siblingVerdict(target: TargetView, workload: KubeObject, floor: number, config: RequireMinReplicasConfig): Verdict | undefined {
  const template = podTemplateOf(workload);
  const labels = template ? podLabels(template) : {};
  const app = labels[config.appLabel];
  if (!app || !config.siblingChannels.includes(labels[config.channelLabel] ?? '')) return undefined;
  const siblings = podTemplatesIn(target, namespaceOf(workload))
    .filter((p) => (REPLICATED_KINDS as readonly string[]).includes(p.workload.kind) && p.labels[config.appLabel] === app);
  const total = siblings.reduce((n, p) => n + replicaFloor(target, p.workload).replicas, 0);
  if (siblings.length > 1 && total >= config.minReplicas) return COMPLIANT;
  return violations([`the ${labels[config.channelLabel]} ${workload.kind} of app ${app} runs down to ${floor} replica(s) and its app's Deployments together to ${total}; at least ${config.minReplicas} needed`]);
}

/** An HPA's minimum, judged on the HPA whether or not the workload it scales is in the target. */
function judgeAutoscaler(target: TargetView, hpa: KubeObject, config: RequireMinReplicasConfig): Verdict {
  const min = hpaMinReplicas(hpa);
  if (min >= config.minReplicas) return COMPLIANT;
  const kind = asString(field(hpa, 'spec.scaleTargetRef.kind'));
  const name = asString(field(hpa, 'spec.scaleTargetRef.name'));
  const workload = kind && name ? target.find(kind, namespaceOf(hpa), name) : undefined;
  if (workload && (REPLICATED_KINDS as readonly string[]).includes(workload.kind)) {
    const sibling = siblingVerdict(target, workload, min, config);
    if (sibling) return sibling;
  }
  const stated = field(hpa, 'spec.minReplicas') === undefined ? 'minReplicas is not set (Kubernetes defaults it to 1)' : `minReplicas ${min}`;
  const scaled = kind && name ? `${kind} ${name}` : 'its target';
  return violations([`${stated} lets ${scaled} scale down to ${min} replica(s); at least ${config.minReplicas} needed`]);
}

/** Never a single replica: at least two, or an HPA whose minimum is at least two. */
export const requireMinReplicas = defineRule<RequireMinReplicasConfig>({
  id: 'require-min-replicas',
  area: 'availability',
  description: 'Every Deployment and StatefulSet runs at least 2 replicas, and every HorizontalPodAutoscaler keeps at least 2 (its minReplicas).',
  rationale: 'One replica is down for every rollout, node drain, machine repair and crash, and a disruption budget cannot protect it. An HPA whose minimum is 1 scales to one replica every quiet night; it is judged on the HPA itself, even when what it scales is not in the input. A Deployment on a channel that runs next to another of the same app (the gray canary, the blue and green colours) is judged with the app\'s other Deployments in the namespace: a canary runs a small share of the app by design, and the idle colour of a blue/green release may be kept at one replica.',
  remediation: 'Set replicas (or the app\'s autoscaling minimum, the HPA\'s minReplicas) to 2 or more; for a singleton by design, suppress with a reason.',
  severity: 'high',
  enforcement: 'mandatory',
  kinds: [...REPLICATED_KINDS, 'HorizontalPodAutoscaler'],
  relational: true,
  reads: ['HorizontalPodAutoscaler', ...REPLICATED_KINDS],
  estateContext: 'none',
  config: {
    minReplicas: { type: 'integer', description: 'Fewest replicas.', default: 2, minimum: 1 },
    appLabel: { type: 'string', description: 'Pod label naming the app, to find a canary\'s sibling Deployments.', default: POD_LABEL_KEYS.app },
    channelLabel: { type: 'string', description: 'Pod label of the release channel.', default: POD_LABEL_KEYS.channel },
    siblingChannels: { type: 'array', items: { type: 'string' }, description: 'Release channels whose Deployment runs next to another Deployment of the same app (canary, blue/green).', default: ['gray', 'blue', 'green'] },
  },
  check({ object, target, config }) {
    if (object.kind === 'HorizontalPodAutoscaler') return judgeAutoscaler(target, object, config);
    const floor = replicaFloor(target, object);
    if (floor.replicas >= config.minReplicas) return COMPLIANT;
    // The HPA's minimum is judged on the HPA (above): one finding per mistake.
    if (floor.source === 'hpa') return notApplicable('a HorizontalPodAutoscaler sets its floor: judged on the HPA');
    if (floor.source === 'spec' && floor.replicas === 0) return notApplicable('scaled to zero on purpose');
    const sibling = siblingVerdict(target, object, floor.replicas, config);
    if (sibling) return sibling;
    if (floor.source === 'default') return violations([`spec.replicas is not set and no HPA owns it: it runs 1 replica; at least ${config.minReplicas} needed`]);
    return violations([`${floor.replicas} replica(s); at least ${config.minReplicas} needed`]);
  },
});
