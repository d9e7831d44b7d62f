import { MAX_KUBELET_MINORS_BEHIND, minorsBehind, parseKubernetesVersion } from '../../../constructs/internal';
import { clusterNameOf, controlPlaneOf } from '../../engine/capi';
import { asString, field, namespaceOf } from '../../engine/kube';
import { defineRule, notApplicable, violations } from '../../engine/types';

export interface LimitVersionSkewConfig {
  readonly maxMinorsBehind: number;
}

/** Kubelets are never newer than the control plane and at most three minors older. */
export const limitVersionSkew = defineRule<LimitVersionSkewConfig>({
  id: 'limit-version-skew',
  area: 'node-pools',
  description: 'Pools and machines are never newer than their control plane and at most three minor releases older.',
  rationale: 'The Kubernetes version of every pool (MachineDeployment) and machine is not newer than its control plane\'s and at most three minor releases older (the Kubernetes version skew policy). A kubelet newer than the API server, or more than three minors older, is outside the skew Kubernetes supports: APIs it relies on may be missing or already removed, and an upgrade that skips the order (control plane first, then pools) can leave nodes unable to register.',
  remediation: 'Upgrade the control plane (cluster kubernetesVersion) first, then each pool; keep pool kubernetesVersion at most three minors behind.',
  severity: 'high',
  enforcement: 'mandatory',
  kinds: ['MachineDeployment', 'Machine'],
  relational: true,
  reads: ['KubeadmControlPlane'],
  estateContext: 'none',
  config: {
    maxMinorsBehind: { type: 'integer', description: 'Most minor releases a kubelet may be behind the control plane.', default: MAX_KUBELET_MINORS_BEHIND, minimum: 0 },
  },
  check({ object, target, config }) {
    const text = asString(field(object, object.kind === 'Machine' ? 'spec.version' : 'spec.template.spec.version'));
    if (!text) return notApplicable('no Kubernetes version stated');
    const cluster = clusterNameOf(object);
    const kcp = cluster ? controlPlaneOf(target, namespaceOf(object), cluster) : undefined;
    const cpText = asString(field(kcp, 'spec.version'));
    if (!cpText) return notApplicable('the control plane of this cluster is not in the target');
    const pool = parseKubernetesVersion(text);
    const controlPlane = parseKubernetesVersion(cpText);
    if (!pool) return violations([`version "${text}" is not a Kubernetes version such as v1.31.4`]);
    if (!controlPlane) return notApplicable(`the control plane's version "${cpText}" is not a Kubernetes version`);
    const behind = minorsBehind(controlPlane, pool);
    if (behind < 0 || (behind === 0 && pool.patch > controlPlane.patch)) return violations([`${pool.text} is newer than the control plane (${controlPlane.text})`]);
    if (behind > config.maxMinorsBehind) return violations([`${pool.text} is ${behind} minor releases behind the control plane (${controlPlane.text}); at most ${config.maxMinorsBehind} allowed`]);
    return violations([]);
  },
});
