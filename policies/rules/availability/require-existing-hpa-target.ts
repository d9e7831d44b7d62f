import { asString, field, hpaMaxReplicas, hpaMinReplicas, namespaceOf } from '../../engine/kube';
import { defineRule, violations } from '../../engine/types';

/** An HPA scales a workload that exists, within bounds that make sense. */
export const requireExistingHpaTarget = defineRule({
  id: 'require-existing-hpa-target',
  area: 'availability',
  description: 'A HorizontalPodAutoscaler\'s scaleTargetRef names a Deployment or StatefulSet of the same namespace in the target, and 1 <= minReplicas <= maxReplicas.',
  rationale: 'An HPA whose target is missing (a renamed Deployment, a typo) silently scales nothing, so the workload it was meant to protect stays at its manifest size through a promotion peak.',
  remediation: 'Point scaleTargetRef at the workload\'s kind and name (the app templates do), and keep minReplicas <= maxReplicas.',
  severity: 'medium',
  enforcement: 'mandatory',
  kinds: ['HorizontalPodAutoscaler'],
  relational: true,
  reads: ['*'],
  estateContext: 'none',
  config: {},
  check({ object, target }) {
    const messages: string[] = [];
    const kind = asString(field(object, 'spec.scaleTargetRef.kind'));
    const name = asString(field(object, 'spec.scaleTargetRef.name'));
    if (!kind || !name) messages.push('spec.scaleTargetRef does not name a kind and a name');
    else if (!target.find(kind, namespaceOf(object), name)) messages.push(`scaleTargetRef ${kind} ${name} is not in namespace ${namespaceOf(object) ?? '(none)'} of the target: the HPA scales nothing`);
    const min = hpaMinReplicas(object);
    const max = hpaMaxReplicas(object);
    if (max === undefined) messages.push('spec.maxReplicas is not set');
    else if (min < 1 || min > max) messages.push(`minReplicas ${min} and maxReplicas ${max} do not satisfy 1 <= min <= max`);
    return violations(messages);
  },
});
