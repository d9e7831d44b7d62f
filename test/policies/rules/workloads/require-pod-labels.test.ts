import { requirePodLabels } from '../../../../policies/rules';
import { contextWithTarget } from '../../fixtures/estate';
import { judge, messages } from '../../fixtures/judge';
import { APP_CLUSTER, broken, compliantApp, compliantDeployment } from '../../fixtures/workloads';

const labels = (change: (l: Record<string, string>) => void) => broken(compliantDeployment(), (d) => change(d.spec.template.metadata.labels));

describe('require-pod-labels', () => {
  test('the compliant Deployment is compliant, on its own and placed on its cluster', () => {
    expect(judge(requirePodLabels, compliantDeployment())).toEqual({ kind: 'compliant' });
    expect(judge(requirePodLabels, compliantDeployment(), { targetName: APP_CLUSTER, context: contextWithTarget(APP_CLUSTER, compliantApp()) })).toEqual({ kind: 'compliant' });
  });

  test.each(['cluster-estate.io/app', 'cluster-estate.io/cluster', 'cluster-estate.io/env', 'cluster-estate.io/idc', 'cluster-estate.io/channel'])('a pod without %s is a violation', (key) => {
    expect(messages(judge(requirePodLabels, labels((l) => delete l[key])))).toEqual([`the pod template lacks label(s) ${key}`]);
  });

  test('a release channel outside stable, gray, blue and green is a violation', () => {
    expect(messages(judge(requirePodLabels, labels((l) => (l['cluster-estate.io/channel'] = 'canary'))))).toEqual(['release channel "canary" is not one of stable, gray, blue, green']);
  });

  test('a label value the API server refuses is a violation', () => {
    expect(messages(judge(requirePodLabels, labels((l) => (l['cluster-estate.io/app'] = 'check out'))))[0]).toMatch(/^label cluster-estate.io\/app value "check out" must be alphanumeric/);
  });

  test('with the estate, labels that name another cluster or IDC are violations', () => {
    const d = labels((l) => {
      l['cluster-estate.io/cluster'] = 'trade-hz2';
      l['cluster-estate.io/idc'] = 'sz1';
    });
    expect(messages(judge(requirePodLabels, d, { targetName: APP_CLUSTER, context: contextWithTarget(APP_CLUSTER, [d]) }))).toEqual([
      'label cluster-estate.io/cluster=trade-hz2 but the pod runs in cluster trade-hz1',
      'label cluster-estate.io/idc=sz1 but the pod runs in IDC hz1',
    ]);
  });

  test('the label keys are configurable', () => {
    expect(messages(judge(requirePodLabels, compliantDeployment(), { config: { appLabel: 'app' } }))).toEqual(['the pod template lacks label(s) app']);
  });

  test('it is advisory by default', () => {
    expect(requirePodLabels.enforcement).toBe('advisory');
  });
});
