import { k8s } from 'cdk8s-plus-28';
import type { KubeObject } from '../../synth/kube-object';
import { AppInstancePlan, WorkloadPlan } from '../instance-plan';
import { toManifest } from './wire';
import { workloadLabels } from './deployment';

/**
 * A HorizontalPodAutoscaler (autoscaling/v2) for one Deployment: bounds from the plan, CPU (and optionally memory)
 * targets, and a stated behaviour: scale up fast (4 pods or 100% a minute, whichever is more), scale down slowly
 * (10% a minute after 5 minutes of stability).
 */
export function renderAutoscaler(plan: AppInstancePlan, workload: WorkloadPlan): KubeObject {
  return toManifest(k8s.KubeHorizontalPodAutoscalerV2.GVK, autoscalerProps(plan, workload));
}

/** The autoscaler as cdk8s-plus-28's typed struct. */
export function autoscalerProps(plan: AppInstancePlan, workload: WorkloadPlan): k8s.KubeHorizontalPodAutoscalerV2Props {
  const a = plan.spec.autoscaling!;
  const bounds = workload.autoscaling!;
  const metrics: k8s.MetricSpecV2[] = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: a.cpuUtilizationPercent } } }];
  if (a.memoryUtilizationPercent !== undefined) metrics.push({ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: a.memoryUtilizationPercent } } });
  const props: k8s.KubeHorizontalPodAutoscalerV2Props = {
    metadata: { name: workload.name, namespace: plan.namespace, labels: workloadLabels(plan, workload) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: workload.name },
      minReplicas: bounds.minReplicas,
      maxReplicas: bounds.maxReplicas,
      metrics,
      behavior: {
        scaleUp: { policies: [{ type: 'Pods', value: 4, periodSeconds: 60 }, { type: 'Percent', value: 100, periodSeconds: 60 }], selectPolicy: 'Max', stabilizationWindowSeconds: 0 },
        scaleDown: { policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }], selectPolicy: 'Max', stabilizationWindowSeconds: 300 },
      },
    },
  };
  return props;
}
