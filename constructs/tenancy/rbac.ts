/**
 * The Roles of a team's namespaces: least privilege, written out verb by verb (never `*`), namespaced only.
 * Deployers operate the team's workloads; readers look at them and read logs. Neither may read Secrets, exec into
 * pods, or change the namespace's quota, limits, network policies or RBAC (that would let a team widen its own
 * isolation): those come from the estate.
 */

/** One rule of a Role. */
export interface RoleRule {
  /** API groups (`''` is the core group). */
  readonly apiGroups: readonly string[];
  /** Resources, subresources as `pods/log`. */
  readonly resources: readonly string[];
  /** Verbs, each named: never `*`. */
  readonly verbs: readonly string[];
}

const READ = ['get', 'list', 'watch'] as const;
const WRITE = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] as const;

/** What the deployers group may do in each of its team's namespaces. */
export const DEPLOYER_RULES: readonly RoleRule[] = [
  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets'], verbs: [...WRITE] },
  { apiGroups: ['apps'], resources: ['deployments/scale', 'statefulsets/scale'], verbs: ['get', 'update', 'patch'] },
  { apiGroups: ['apps'], resources: ['replicasets', 'controllerrevisions'], verbs: [...READ] },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: [...WRITE] },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: [...WRITE] },
  { apiGroups: [''], resources: ['services', 'configmaps'], verbs: [...WRITE] },
  // Patch to quarantine one pod (relabel it out of its selectors), delete to replace a stuck one.
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'patch', 'delete'] },
  { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
  { apiGroups: [''], resources: ['endpoints', 'events', 'serviceaccounts', 'resourcequotas', 'limitranges'], verbs: [...READ] },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: [...READ] },
  { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: [...READ] },
];

/** What the readers group may do in each of its team's namespaces. */
export const READER_RULES: readonly RoleRule[] = [
  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'replicasets'], verbs: [...READ] },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: [...READ] },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: [...READ] },
  { apiGroups: [''], resources: ['pods', 'services', 'endpoints', 'configmaps', 'events', 'serviceaccounts', 'resourcequotas', 'limitranges'], verbs: [...READ] },
  { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: [...READ] },
  { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: [...READ] },
];
