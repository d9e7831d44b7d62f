import { k8s } from 'cdk8s-plus-28';
import type { KubeObject } from '../../synth/kube-object';
import { AppInstancePlan } from '../instance-plan';
import { serviceSelector } from '../labels';
import { toManifest } from './wire';

/**
 * The PodDisruptionBudget over every serving pod of the app (all channels): `maxUnavailable` as a percentage, which
 * the disruption controller rounds up, so at least one pod may always be evicted and a node drain never blocks
 * forever; unhealthy pods may be evicted regardless (Kubernetes 1.27+), so a crash-looping pod never holds a drain.
 */
export function renderDisruptionBudget(plan: AppInstancePlan): KubeObject {
  return toManifest(k8s.KubePodDisruptionBudget.GVK, disruptionBudgetProps(plan));
}

/** The budget as cdk8s-plus-28's typed struct. */
export function disruptionBudgetProps(plan: AppInstancePlan): k8s.KubePodDisruptionBudgetProps {
  const props: k8s.KubePodDisruptionBudgetProps = {
    metadata: { name: plan.spec.name, namespace: plan.namespace, labels: { ...plan.labels } },
    spec: {
      maxUnavailable: k8s.IntOrString.fromString(`${plan.spec.maxUnavailablePercent}%`),
      selector: { matchLabels: serviceSelector(plan.spec.name) },
      ...(plan.alwaysAllowUnhealthyEviction ? { unhealthyPodEvictionPolicy: 'AlwaysAllow' } : {}),
    },
  };
  return props;
}
