import { autoscalersOf, field, nameOf, REPLICATED_KINDS } from '../../engine/kube';
import { defineRule, notApplicable, violations } from '../../engine/types';

/** A workload an HPA scales states no `spec.replicas`: the two would fight on every apply. */
export const forbidReplicasUnderHpa = defineRule({
  id: 'forbid-replicas-under-hpa',
  area: 'availability',
  description: 'A Deployment or StatefulSet that a HorizontalPodAutoscaler scales leaves spec.replicas unset.',
  rationale: 'The HPA owns the replica count. A manifest that also states spec.replicas resets it on every apply (pulumi up, kubectl apply): at the peak of a promotion a deploy would scale a service scaled out to 60 pods back to 3.',
  remediation: 'Remove spec.replicas (the app templates omit it whenever autoscaling is set); keep the floor in the HPA\'s minReplicas.',
  severity: 'high',
  enforcement: 'mandatory',
  kinds: [...REPLICATED_KINDS],
  relational: true,
  reads: ['HorizontalPodAutoscaler'],
  estateContext: 'none',
  config: {},
  check({ object, target }) {
    const hpas = autoscalersOf(target, object);
    if (hpas.length === 0) return notApplicable('no HPA scales it');
    const messages: string[] = [];
    const replicas = field(object, 'spec.replicas');
    if (replicas !== undefined && replicas !== null) {
      messages.push(`spec.replicas is ${JSON.stringify(replicas)} while HorizontalPodAutoscaler ${nameOf(hpas[0])} scales it: every apply resets the HPA's count`);
    }
    if (hpas.length > 1) messages.push(`${hpas.length} HorizontalPodAutoscalers (${hpas.map(nameOf).join(', ')}) scale it and fight each other`);
    return violations(messages);
  },
});
