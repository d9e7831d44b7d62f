import type { KubeObject } from '../../../constructs';
import { asArray, field, isObject, namespaceOf } from '../../engine/kube';
import { COMPLIANT, defineRule, notApplicable, violations } from '../../engine/types';

export interface ForbidBroadTeamRbacConfig {
  /** Groups that are not teams (the platform's own operators), exempt from the rule. */
  readonly platformGroups: readonly string[];
}

/** Built-in ClusterRoles whose rights are known without their objects. */
const BUILT_IN: Readonly<Record<string, string | undefined>> = {
  'cluster-admin': 'the built-in cluster-admin role grants every verb on every resource',
  admin: 'the built-in admin role reads Secrets and manages RBAC in the namespace',
  edit: 'the built-in edit role reads Secrets',
  view: undefined,
};

const READ_VERBS = new Set(['get', 'list', 'watch', '*']);

/** What is too broad in a role's rules. */
function broadRules(role: KubeObject): string[] {
  const out: string[] = [];
  for (const rule of asArray(field(role, 'rules'))) {
    if (!isObject(rule)) continue;
    const verbs = asArray(rule.verbs).map(String);
    const resources = asArray(rule.resources).map(String);
    const groups = asArray(rule.apiGroups).map(String);
    if (verbs.includes('*')) out.push(`"*" verbs on ${resources.join(', ') || 'no resources'}`);
    if (resources.includes('*')) out.push(`every resource ("*") of API groups ${groups.map((g) => `"${g}"`).join(', ')}`);
    if ((groups.includes('') || groups.includes('*')) && (resources.includes('secrets') || resources.includes('*')) && verbs.some((v) => READ_VERBS.has(v))) {
      out.push(`reading Secrets (${verbs.filter((v) => READ_VERBS.has(v)).join(', ')})`);
    }
    if (asArray(rule.nonResourceURLs).length > 0) out.push('non-resource URLs (cluster-scoped)');
  }
  return [...new Set(out)];
}

/** No binding gives a team group cluster-admin, `*` verbs, Secret reads or cluster-scoped rights. */
export const forbidBroadTeamRbac = defineRule<ForbidBroadTeamRbacConfig>({
  id: 'forbid-broad-team-rbac',
  area: 'tenancy',
  description: 'No binding grants a team group admin or edit, wildcard rights, Secret reads or any cluster-scoped right.',
  rationale: 'No RoleBinding or ClusterRoleBinding grants a team group (a Group subject that is not system: nor a configured platform group) cluster-admin, admin or edit, a role with "*" verbs or resources, Secret reads, or any cluster-scoped right. A team\'s groups act in its own namespaces only: "*" verbs include escalate and impersonate, Secret reads hand over every credential the namespace holds (service-account tokens included), and a ClusterRoleBinding reaches every other team\'s namespace.',
  remediation: 'Bind the team\'s groups to namespaced Roles that list their verbs and resources (the estate renders `<team>-deployer` and `<team>-reader`); Secrets come from the platform\'s secret store, never from a team\'s kubectl.',
  severity: 'critical',
  enforcement: 'mandatory',
  kinds: ['RoleBinding', 'ClusterRoleBinding'],
  relational: true,
  reads: ['Role', 'ClusterRole'],
  estateContext: 'none',
  config: {
    platformGroups: { type: 'array', description: 'Groups of the platform team, exempt from this rule.', default: [], items: { type: 'string' } },
  },
  check({ object, target, config }) {
    const groups = asArray(field(object, 'subjects')).filter(isObject)
      .filter((s) => s.kind === 'Group' && typeof s.name === 'string' && !s.name.startsWith('system:') && !config.platformGroups.includes(s.name))
      .map((s) => String(s.name));
    if (groups.length === 0) return notApplicable('no team group among the subjects');
    const who = `group${groups.length > 1 ? 's' : ''} ${groups.join(', ')}`;
    const roleKind = String(field(object, 'roleRef.kind') ?? '');
    const roleName = String(field(object, 'roleRef.name') ?? '');
    const messages: string[] = [];
    if (object.kind === 'ClusterRoleBinding') messages.push(`it grants ${who} cluster-wide rights (ClusterRole ${roleName}) in every namespace, other teams' included`);
    const role = roleKind === 'ClusterRole' ? target.find('ClusterRole', undefined, roleName) : target.find('Role', namespaceOf(object), roleName);
    if (role) {
      for (const b of broadRules(role)) messages.push(`it grants ${who} ${b} through ${roleKind} ${roleName}`);
    } else if (roleKind === 'ClusterRole' && roleName in BUILT_IN) {
      const why = BUILT_IN[roleName];
      if (why) messages.push(`it grants ${who} ClusterRole ${roleName}: ${why}`);
    } else if (messages.length === 0) {
      return notApplicable(`${roleKind} ${roleName} is not among the objects: its rules cannot be judged`);
    }
    return messages.length === 0 ? COMPLIANT : violations(messages);
  },
});
