import type { ClusterPlan } from '../../../constructs';
import { parseKubernetesVersion } from '../../../constructs/internal';
import { ContainerRef, containersOf, isObject, podAnnotations, podTemplateOf, WORKLOAD_KINDS } from '../../engine/kube';
import { eligiblePools } from '../../engine/scheduling';
import type { TargetView } from '../../engine/target';
import { defineRule, notApplicable, violations } from '../../engine/types';

export interface StartSidecarsFirstConfig {
  readonly sidecarPatterns: readonly string[];
  readonly preferNative: boolean;
  readonly requireStartupProbe: boolean;
  readonly nativeSidecarMinMinor: number;
}

const newOldestCache = () => new WeakMap<readonly string[], { plan: ClusterPlan; minMinor: number; oldest: string | undefined }>();

/**
 * The first version, of the control plane and then of the pools the pod may run on (every pool when it fits none),
 * older than 1.`minMinor`. Remembered per pool list of the target: workloads that select alike share one
 * (scheduling.ts).
 */
function oldestWithoutNativeSidecars(target: TargetView, plan: ClusterPlan, pools: readonly string[], minMinor: number): string | undefined {
  const oldestCache = target.memo('start-sidecars-first/oldest-versions', newOldestCache);
  const cached = oldestCache.get(pools);
  if (cached && cached.plan === plan && cached.minMinor === minMinor) return cached.oldest;
  const versions = [
    plan.kubernetesVersion,
    ...plan.pools.filter((p) => pools.length === 0 || pools.includes(p.name)).map((p) => p.kubernetesVersion)
  ];
  const oldest = versions.find((v) => {
    const parsed = parseKubernetesVersion(v);
    return parsed !== undefined && parsed.major === 1 && parsed.minor < minMinor;
  });
  oldestCache.set(pools, { plan, minMinor, oldest });
  return oldest;
}

/** The annotation kubectl reads for a pod's main container; the app templates set it. */
const DEFAULT_CONTAINER = 'kubectl.kubernetes.io/default-container';

/**
 * Sidecars start before the main container: as native sidecars (init containers with restartPolicy Always) where the
 * cluster supports them, or in the fallback as ordinary containers listed before the main container.
 */
export const startSidecarsFirst = defineRule<StartSidecarsFirstConfig>({
  id: 'start-sidecars-first',
  area: 'workloads',
  description: 'Sidecars start before the main container: as native sidecars from Kubernetes 1.29, else listed first, never as plain init containers.',
  rationale: 'Sidecar containers (log shipper, ops agent, mesh proxy) start before the main container: as native sidecars (init containers with restartPolicy: Always) where the control plane and the pod\'s node pools run Kubernetes 1.29 or newer, or, in the fallback, as ordinary containers listed before the main container. A sidecar is never a run-to-completion init container, and never a native sidecar on an older cluster. A sidecar that starts after the application loses the app\'s first requests (no mesh proxy yet) and first log lines (no shipper yet). The kubelet starts ordinary containers in list order, and native sidecars before every main container; a sidecar as a plain init container never exits and the pod never starts, and before 1.29 restartPolicy: Always is dropped with the same result.',
  remediation: 'Use the app templates\' sidecar factories (they choose native sidecars or the fallback per cluster and pool version); in hand-written YAML move sidecars to spec.initContainers with restartPolicy: Always, or list them before the main container.',
  severity: 'medium',
  enforcement: 'mandatory',
  kinds: [...WORKLOAD_KINDS],
  relational: false,
  estateContext: 'optional',
  config: {
    sidecarPatterns: { type: 'array', items: { type: 'string' }, description: 'Container or image names that mark a sidecar (substring match), when the pod does not name its main container (kubectl.kubernetes.io/default-container).', default: ['sidecar', 'istio-proxy', 'envoy', 'linkerd-proxy', 'mesh-proxy', 'log-shipper', 'fluent-bit', 'fluentbit', 'filebeat', 'ops-agent'] },
    preferNative: { type: 'boolean', description: 'Also report fallback sidecars where native sidecars are supported.', default: false },
    requireStartupProbe: { type: 'boolean', description: 'Require native sidecars to have a startupProbe, so the main container waits until they are ready (not only started).', default: false },
    nativeSidecarMinMinor: { type: 'integer', description: 'First Kubernetes 1.x minor with native sidecars on by default.', default: 29, minimum: 0 },
  },
  check({ object, target, context, config }) {
    const template = podTemplateOf(object);
    if (!template) return notApplicable('no pod template');
    const refs = containersOf(template.spec);
    const defaultContainer = podAnnotations(template)[DEFAULT_CONTAINER];
    const matches = (ref: ContainerRef) => config.sidecarPatterns.some((p) => ref.name.toLowerCase().includes(p) || (typeof ref.container.image === 'string' && ref.container.image.toLowerCase().includes(p)));
    const mains = refs.filter((r) => r.role === 'main');
    const isSidecar = (ref: ContainerRef) => (defaultContainer !== undefined ? ref.name !== defaultContainer : matches(ref));

    // Native sidecars need 1.29+ on the control plane and on every pool the pod may run on.
    const facts = context?.clusters.get(target.name);
    const oldest = facts ? oldestWithoutNativeSidecars(
      target,
      facts.plan,
      eligiblePools(target, template.spec, facts.plan),
      config.nativeSidecarMinMinor,
    ) : undefined;
    const messages: string[] = [];
    const natives = refs.filter((r) => r.role === 'sidecar');
    if (oldest && natives.length > 0) {
      messages.push(`native sidecar(s) ${natives.map((r) => `"${r.name}"`).join(', ')} where Kubernetes ${oldest} runs: restartPolicy Always is not honoured before 1.${config.nativeSidecarMinMinor} and the pod never starts`);
    }
    for (const ref of refs.filter((r) => r.role === 'init' && matches(r))) {
      messages.push(`sidecar "${ref.name}" is a run-to-completion init container: it never exits and the main container never starts (set restartPolicy: Always)`);
    }
    if (mains.length > 1) {
      const main = mains.find((r) => !isSidecar(r));
      for (const ref of mains.filter(isSidecar)) {
        if (main && ref.index > main.index) messages.push(`sidecar "${ref.name}" is listed after the main container "${main.name}": the kubelet starts it later`);
        else if (config.preferNative && !oldest) messages.push(`sidecar "${ref.name}" is an ordinary container where native sidecars are supported`);
      }
    }
    if (config.requireStartupProbe) {
      for (const ref of natives) if (!isObject(ref.container.startupProbe)) messages.push(`native sidecar "${ref.name}" has no startupProbe: the main container starts as soon as its process does`);
    }
    return violations(messages);
  },
});
