import { forbidBroadTeamRbac } from '../../../../policies/rules';
import { judge, messages } from '../../fixtures/judge';
import { deployerBinding, deployerRole } from '../../fixtures/tenancy';
import { broken } from '../../fixtures/workloads';

describe('forbid-broad-team-rbac', () => {
  test('a team group bound to a Role that lists its verbs and resources is compliant', () => {
    expect(judge(forbidBroadTeamRbac, deployerBinding(), { target: [deployerRole()] })).toEqual({ kind: 'compliant' });
  });

  test('"*" verbs in the bound Role are a violation', () => {
    const role = broken(deployerRole(), (r) => (r.rules[0].verbs = ['*']));
    expect(messages(judge(forbidBroadTeamRbac, deployerBinding(), { target: [role] }))).toEqual(['it grants group shop-deployers "*" verbs on deployments through Role shop-deployer']);
  });

  test('reading Secrets is a violation', () => {
    const role = broken(deployerRole(), (r) => r.rules[1].resources.push('secrets'));
    expect(messages(judge(forbidBroadTeamRbac, deployerBinding(), { target: [role] }))).toEqual(['it grants group shop-deployers reading Secrets (get, list, watch) through Role shop-deployer']);
  });

  test('cluster-admin, admin and edit are violations without their objects; view is not', () => {
    for (const name of ['cluster-admin', 'admin', 'edit']) {
      const binding = broken(deployerBinding(), (b) => (b.roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name }));
      expect(messages(judge(forbidBroadTeamRbac, binding))[0]).toMatch(new RegExp(`^it grants group shop-deployers ClusterRole ${name}: `));
    }
    const view = broken(deployerBinding(), (b) => (b.roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }));
    expect(judge(forbidBroadTeamRbac, view).kind).toBe('compliant');
  });

  test('a ClusterRoleBinding to a team group is a violation (cluster-scoped rights)', () => {
    const binding = broken(deployerBinding(), (b) => { b.kind = 'ClusterRoleBinding'; delete b.metadata.namespace; b.roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }; });
    expect(messages(judge(forbidBroadTeamRbac, binding))[0]).toMatch(/cluster-wide rights/);
  });

  test('system groups, service accounts and configured platform groups are not judged', () => {
    const admin = broken(deployerBinding(), (b) => (b.roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }));
    expect(judge(forbidBroadTeamRbac, broken(admin, (b) => (b.subjects[0].name = 'system:masters'))).kind).toBe('not-applicable');
    expect(judge(forbidBroadTeamRbac, broken(admin, (b) => (b.subjects = [{ kind: 'ServiceAccount', name: 'ci', namespace: 'shop' }]))).kind).toBe('not-applicable');
    expect(judge(forbidBroadTeamRbac, admin, { config: { platformGroups: ['shop-deployers'] } }).kind).toBe('not-applicable');
  });

  test('a Role that is not among the objects cannot be judged', () => {
    expect(judge(forbidBroadTeamRbac, deployerBinding()).kind).toBe('not-applicable');
  });
});
