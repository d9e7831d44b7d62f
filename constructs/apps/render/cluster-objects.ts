import { k8s } from 'cdk8s-plus-28';
import { parseKubernetesVersion } from '../../estate/kubernetes-version';
import { ESTATE_DOMAIN, LABEL_CLUSTER, LABEL_ESTATE } from '../../estate/well-known-labels';
import type { KubeObject } from '../../synth/kube-object';
import { AppInstancePlan } from '../instance-plan';
import { APP_MANAGED_BY, MANAGED_BY } from '../labels';
import { PRIORITY_CLASSES } from '../priority';
import { toManifest } from './wire';

/** The estate's priority classes, in every cluster target. */
export function renderPriorityClasses(estate: string, cluster: string): KubeObject[] {
  return PRIORITY_CLASSES.map((p) => {
    const props: k8s.KubePriorityClassProps = {
      metadata: { name: p.name, labels: { [LABEL_ESTATE]: estate, [LABEL_CLUSTER]: cluster, [APP_MANAGED_BY]: MANAGED_BY } },
      value: p.value,
      preemptionPolicy: p.preemptionPolicy,
      globalDefault: false,
      description: p.description,
    };
    return toManifest(k8s.KubePriorityClass.GVK, props);
  });
}

/**
 * A namespace of applications: Pod Security Admission enforces the restricted profile, pinned to the cluster's minor.
 * @internal
 */
export function renderNamespace(estate: string, cluster: string, kubernetesVersion: string, name: string, team?: string): KubeObject {
  const v = parseKubernetesVersion(kubernetesVersion);
  const version = v ? `v${v.major}.${v.minor}` : 'latest';
  const props: k8s.KubeNamespaceProps = {
    metadata: {
      name,
      labels: {
        [LABEL_ESTATE]: estate,
        [LABEL_CLUSTER]: cluster,
        [APP_MANAGED_BY]: MANAGED_BY,
        ...(team !== undefined ? { [`${ESTATE_DOMAIN}/team`]: team } : {}),
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': version,
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/warn-version': version,
      },
    },
  };
  return toManifest(k8s.KubeNamespace.GVK, props);
}

/** The app's own service account: its token is not mounted unless the app asks for it. */
export function renderServiceAccount(plan: AppInstancePlan): KubeObject {
  const props: k8s.KubeServiceAccountProps = {
    metadata: { name: plan.spec.name, namespace: plan.namespace, labels: { ...plan.labels } },
    automountServiceAccountToken: plan.spec.serviceAccountToken,
  };
  return toManifest(k8s.KubeServiceAccount.GVK, props);
}
