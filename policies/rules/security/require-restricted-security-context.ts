import { asArray, asInteger, asObject, containersOf, describeContainer, podTemplateOf, WORKLOAD_KINDS } from '../../engine/kube';
import { defineRule, notApplicable, violations } from '../../engine/types';

export interface RequireRestrictedSecurityContextConfig {
  readonly requireReadOnlyRootFilesystem: boolean;
  readonly allowedCapabilities: readonly string[];
}

/** Containers run as in the Pod Security "restricted" profile: non-root, no escalation, no capabilities, seccomp. */
export const requireRestrictedSecurityContext = defineRule<RequireRestrictedSecurityContextConfig>({
  id: 'require-restricted-security-context',
  area: 'security',
  description: 'Every container meets the restricted Pod Security Standard: non-root, no escalation, no capabilities, seccomp, read-only root.',
  rationale: 'Every container, init containers and sidecars included, runs as non-root (runAsNonRoot, never UID 0), with allowPrivilegeEscalation false, all capabilities dropped (NET_BIND_SERVICE may be added back), a RuntimeDefault or Localhost seccomp profile and a read-only root filesystem. These are the Pod Security Standard "restricted" controls that the estate\'s namespaces enforce: a pod without them is refused at admission, after the deploy has started. They also bound what an exploited process can do: root plus capabilities plus a writable root filesystem is most of a container escape.',
  remediation: 'Use the app templates (restricted by default); in hand-written YAML set securityContext.runAsNonRoot: true and seccompProfile.type: RuntimeDefault on the pod, and allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities.drop: [ALL] on every container.',
  severity: 'high',
  enforcement: 'mandatory',
  kinds: [...WORKLOAD_KINDS],
  relational: false,
  estateContext: 'none',
  config: {
    requireReadOnlyRootFilesystem: { type: 'boolean', description: 'Require readOnlyRootFilesystem (not part of the restricted profile, but of the estate\'s).', default: true },
    allowedCapabilities: { type: 'array', items: { type: 'string' }, description: 'Capabilities a container may add back after dropping ALL.', default: ['NET_BIND_SERVICE'] },
  },
  check({ object, config }) {
    const template = podTemplateOf(object);
    if (!template) return notApplicable('no pod template');
    const pod = asObject(template.spec.securityContext);
    const podNonRoot = pod?.runAsNonRoot;
    const podUser = asInteger(pod?.runAsUser);
    const podSeccomp = asObject(pod?.seccompProfile)?.type;
    const messages: string[] = [];
    if (podSeccomp === 'Unconfined') messages.push('the pod\'s seccomp profile is Unconfined');
    if (podUser === 0) messages.push('the pod runs as UID 0 (root)');
    for (const ref of containersOf(template.spec)) {
      const sc = asObject(ref.container.securityContext);
      const capabilities = asObject(sc?.capabilities);
      const problems: string[] = [];
      const nonRoot = sc?.runAsNonRoot ?? podNonRoot;
      if (nonRoot !== true) problems.push('runAsNonRoot is not true');
      if (asInteger(sc?.runAsUser) === 0) problems.push('runs as UID 0');
      if (sc?.allowPrivilegeEscalation !== false) problems.push('allowPrivilegeEscalation is not false');
      const drop = asArray(capabilities?.drop);
      if (!drop.includes('ALL')) problems.push('capabilities are not dropped (drop: [ALL])');
      const added = asArray(capabilities?.add).map(String).filter((c) => !config.allowedCapabilities.includes(c));
      if (added.length > 0) problems.push(`adds capabilities ${added.join(', ')}`);
      const seccomp = asObject(sc?.seccompProfile)?.type ?? podSeccomp;
      if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') problems.push(`seccomp profile is ${seccomp === undefined ? 'not set' : String(seccomp)} (RuntimeDefault or Localhost)`);
      if (config.requireReadOnlyRootFilesystem && sc?.readOnlyRootFilesystem !== true) problems.push('root filesystem is writable');
      if (problems.length > 0) messages.push(`${describeContainer(ref)}: ${problems.join('; ')}`);
    }
    return violations(messages);
  },
});
