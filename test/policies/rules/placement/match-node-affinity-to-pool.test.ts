import { matchNodeAffinityToPool } from '../../../../policies/rules';
import { contextWithTarget, referenceContext } from '../../fixtures/estate';
import { judge, messages } from '../../fixtures/judge';
import { APP_CLUSTER, broken, compliantDeployment, podSpecOf } from '../../fixtures/workloads';

const onCluster = (deployment = compliantDeployment(), cluster = APP_CLUSTER) => judge(
  matchNodeAffinityToPool,
  deployment,
  { targetName: cluster, context: contextWithTarget(cluster, [deployment]) },
);
const terms = (x: any) => podSpecOf(x).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('match-node-affinity-to-pool', () => {
  test('a Deployment pinned to trade-hz1\'s general pool is compliant', () => {
    expect(onCluster()).toEqual({ kind: 'compliant' });
  });

  test('a pool that exists in another cluster only is a violation', () => {
    const d = broken(compliantDeployment(), (x) => (terms(x)[0].matchExpressions[0].values = ['gateway']));
    expect(messages(onCluster(d))).toEqual(['no node pool of cluster trade-hz1 (general, ingress, middleware) has nodes its nodeSelector / node affinity matches: every replica stays Pending']);
  });

  test('a dedicated pool whose taint the pod does not tolerate is a violation; tolerating it is compliant', () => {
    const d = broken(compliantDeployment(), (x) => (terms(x)[0].matchExpressions[0].values = ['middleware']));
    expect(messages(onCluster(d))).toEqual(['it selects pool(s) middleware of cluster trade-hz1 but does not tolerate taint(s) cluster-estate.io/dedicated=middleware:NoSchedule: every replica stays Pending']);
    const tolerating = broken(d, (x) => (podSpecOf(x).tolerations = [{ key: 'cluster-estate.io/dedicated', operator: 'Equal', value: 'middleware', effect: 'NoSchedule' }]));
    expect(onCluster(tolerating)).toEqual({ kind: 'compliant' });
  });

  test('selectors on role, instance type and zone labels are matched against the pool\'s nodes', () => {
    const byRole = broken(compliantDeployment(), (x) => {
      delete podSpecOf(x).affinity.nodeAffinity;
      podSpecOf(x).nodeSelector = { 'node-role.kubernetes.io/general': '', 'node.kubernetes.io/instance-type': 'g7.8xlarge', 'topology.kubernetes.io/zone': 'hz1-b' };
    });
    expect(onCluster(byRole)).toEqual({ kind: 'compliant' });
    const wrongZone = broken(byRole, (x) => (podSpecOf(x).nodeSelector['topology.kubernetes.io/zone'] = 'sz1-a'));
    expect(onCluster(wrongZone).kind).toBe('violations');
  });

  test('a pod that selects no nodes, or a target that is not a cluster of the estate, is not applicable', () => {
    expect(onCluster(broken(compliantDeployment(), (x) => delete podSpecOf(x).affinity.nodeAffinity)).kind).toBe('not-applicable');
    expect(judge(matchNodeAffinityToPool, compliantDeployment(), { targetName: 'files', context: referenceContext() }).kind).toBe('not-applicable');
    expect(judge(matchNodeAffinityToPool, compliantDeployment()).kind).toBe('not-applicable');
  });
});
