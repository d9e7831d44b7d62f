import { nameOf, namespaceOf, podLabels, podTemplateOf, podTemplatesIn, REPLICATED_KINDS, replicaFloor } from '../../engine/kube';
import { POD_LABEL_KEYS } from '../../engine/workload-labels';
import { defineRule, notApplicable, violations } from '../../engine/types';

export interface RequireMinReplicasConfig {
  readonly minReplicas: number;
  readonly appLabel: string;
  readonly channelLabel: string;
  readonly siblingChannels: readonly string[];
}

/** Never a single replica: at least two, or an HPA whose minimum is at least two. */
export const requireMinReplicas = defineRule<RequireMinReplicasConfig>({
  id: 'require-min-replicas',
  area: 'availability',
  description: 'Every Deployment and StatefulSet runs at least 2 replicas: spec.replicas of 2 or more, or, when an HPA owns it, an HPA minReplicas of 2 or more. A Deployment on a channel that runs next to another of the same app (the gray canary, the blue and green colours) is judged with the app\'s other Deployments in the namespace: together they keep the minimum.',
  rationale: 'One replica is down for every rollout, node drain, machine repair and crash, and a disruption budget cannot protect it. An HPA whose minimum is 1 scales to one replica every quiet night. A canary runs a small share of the app by design, next to its stable Deployment, and the idle colour of a blue/green release may be kept at one replica.',
  remediation: 'Set replicas (or the app\'s autoscaling minimum) to 2 or more; for a singleton by design, suppress with a reason.',
  severity: 'high',
  enforcement: 'mandatory',
  kinds: [...REPLICATED_KINDS],
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
    const floor = replicaFloor(target, object);
    if (floor.replicas >= config.minReplicas) return violations([]);
    if (floor.source === 'spec' && floor.replicas === 0) return notApplicable('scaled to zero on purpose');
    const template = podTemplateOf(object);
    const labels = template ? podLabels(template) : {};
    const app = labels[config.appLabel];
    if (app && config.siblingChannels.includes(labels[config.channelLabel] ?? '')) {
      const siblings = podTemplatesIn(target, namespaceOf(object)).filter((p) => (REPLICATED_KINDS as readonly string[]).includes(p.workload.kind) && p.labels[config.appLabel] === app);
      const total = siblings.reduce((n, p) => n + replicaFloor(target, p.workload).replicas, 0);
      if (siblings.length > 1 && total >= config.minReplicas) return violations([]);
      return violations([`the ${labels[config.channelLabel]} Deployment of app ${app} runs down to ${floor.replicas} replica(s) and its app's Deployments together to ${total}; at least ${config.minReplicas} needed`]);
    }
    if (floor.source === 'hpa') return violations([`HorizontalPodAutoscaler ${nameOf(floor.hpa!)} lets it scale down to ${floor.replicas} replica(s); at least ${config.minReplicas} needed`]);
    if (floor.source === 'default') return violations([`spec.replicas is not set and no HPA owns it: it runs 1 replica; at least ${config.minReplicas} needed`]);
    return violations([`${floor.replicas} replica(s); at least ${config.minReplicas} needed`]);
  },
});
