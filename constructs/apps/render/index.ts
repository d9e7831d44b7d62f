import type { KubeObject } from '../../synth/kube-object';
import { AppInstancePlan } from '../instance-plan';
import { renderAutoscaler } from './autoscaling';
import { renderNamespace, renderPriorityClasses, renderServiceAccount } from './cluster-objects';
import { renderDeployment } from './deployment';
import { renderDisruptionBudget } from './disruption';
import { renderService } from './service';

export * from './autoscaling';
export * from './cluster-objects';
export * from './containers';
export * from './deployment';
export * from './disruption';
export * from './service';
export * from './wire';

/**
 * Every object of one app instance, in a fixed order: service account, Deployments, autoscalers, Service, budget.
 * @internal
 */
export function renderAppInstance(plan: AppInstancePlan): KubeObject[] {
  const objects: KubeObject[] = [renderServiceAccount(plan)];
  for (const w of plan.workloads) objects.push(renderDeployment(plan, w));
  for (const w of plan.workloads) if (w.autoscaling) objects.push(renderAutoscaler(plan, w));
  objects.push(renderService(plan), renderDisruptionBudget(plan));
  return objects;
}

/**
 * A cluster target's shared objects: the priority classes, then one Namespace per namespace its apps use (sorted).
 * @internal
 */
export function renderClusterObjects(
  estate: string,
  cluster: { name: string; kubernetesVersion: string },
  instances: readonly AppInstancePlan[],
  teams?: ReadonlyMap<string, { readonly name: string }>,
): KubeObject[] {
  const namespaces = [...new Set(instances.map((i) => i.namespace))].sort();
  return [
    ...renderPriorityClasses(estate, cluster.name),
    ...namespaces.map((ns) => renderNamespace(estate, cluster.name, cluster.kubernetesVersion, ns, teams?.get(ns)?.name))
  ];
}
