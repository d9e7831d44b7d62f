import { asArray, asInteger, containersOf, describeContainer, field, isObject, podTemplateOf, WORKLOAD_KINDS } from '../../engine/kube';
import { defineRule, notApplicable, violations } from '../../engine/types';

/** Pods share neither the node's network, PID or IPC namespace nor its file system, and bind no port of the node. */
export const forbidHostAccess = defineRule({
  id: 'forbid-host-access',
  area: 'security',
  description: 'No pod uses hostNetwork, hostPID or hostIPC, binds a hostPort, or mounts a hostPath volume.',
  rationale: 'The host namespaces let a pod see and signal every process of the node, sniff its traffic and bind its ports; a hostPort exposes the pod on the node\'s own address (past NetworkPolicies on some CNIs) and allows one such pod per node; a hostPath mount reads the kubelet\'s credentials and other pods\' volumes. Any of them turns an application bug into a node compromise.',
  remediation: 'Remove hostNetwork/hostPID/hostIPC and hostPort (expose the port through a Service), and replace hostPath volumes with emptyDir, a ConfigMap/Secret or a PersistentVolumeClaim; node agents that truly need host access are suppressed with a reason.',
  severity: 'critical',
  enforcement: 'mandatory',
  kinds: [...WORKLOAD_KINDS],
  relational: false,
  estateContext: 'none',
  config: {},
  check({ object }) {
    const template = podTemplateOf(object);
    if (!template) return notApplicable('no pod template');
    const messages: string[] = [];
    for (const key of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
      if (template.spec[key] === true) messages.push(`${key} is true: the pod shares the node's ${key === 'hostNetwork' ? 'network' : key === 'hostPID' ? 'process' : 'IPC'} namespace`);
    }
    for (const ref of containersOf(template.spec)) {
      for (const port of asArray(ref.container.ports)) {
        const hostPort = asInteger(field(port, 'hostPort'));
        // Kubernetes reads hostPort 0 (or none) as "not bound on the host".
        if (hostPort !== undefined && hostPort !== 0) messages.push(`${describeContainer(ref)} binds host port ${hostPort}: the pod listens on the node's own address`);
      }
    }
    for (const volume of asArray(template.spec.volumes)) {
      if (isObject(volume) && isObject(volume.hostPath)) messages.push(`volume "${String(volume.name)}" mounts host path ${String(field(volume, 'hostPath.path'))}`);
    }
    return violations(messages);
  },
});
