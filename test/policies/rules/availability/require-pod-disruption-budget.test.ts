import { requirePodDisruptionBudget } from '../../../../policies/rules';
import { judge, messages } from '../../fixtures/judge';
import { broken, compliantApp, compliantAutoscaler, compliantDeployment, compliantDisruptionBudget } from '../../fixtures/workloads';

const app = (change: (pdb: any) => void = () => undefined, min = 3) => { // eslint-disable-line @typescript-eslint/no-explicit-any
  const deployment = compliantDeployment();
  return { deployment, target: [deployment, compliantAutoscaler('checkout', min), broken(compliantDisruptionBudget(), change)] };
};

describe('require-pod-disruption-budget', () => {
  test('the compliant app (10% max unavailable, rounded up) is compliant', () => {
    const [deployment, ...rest] = compliantApp();
    expect(judge(requirePodDisruptionBudget, deployment, { target: rest })).toEqual({ kind: 'compliant' });
  });

  test('no budget is a violation', () => {
    expect(messages(judge(requirePodDisruptionBudget, compliantDeployment()))).toEqual(['no PodDisruptionBudget selects its pods: a node drain may evict every replica at once']);
  });

  test('a budget that selects other pods does not count', () => {
    const { deployment, target } = app((p) => (p.spec.selector.matchLabels['cluster-estate.io/app'] = 'cart'));
    expect(messages(judge(requirePodDisruptionBudget, deployment, { target }))[0]).toMatch(/^no PodDisruptionBudget/);
  });

  test('two budgets over the same pods are a violation', () => {
    const { deployment, target } = app();
    const second = broken(compliantDisruptionBudget(), (p) => (p.metadata.name = 'checkout-extra'));
    expect(messages(judge(requirePodDisruptionBudget, deployment, { target: [...target, second] }))).toEqual(['2 PodDisruptionBudgets select its pods (checkout, checkout-extra): the eviction API refuses to evict pods covered by more than one']);
  });

  test.each([
    ['minAvailable 100%', (p: any) => { delete p.spec.maxUnavailable; p.spec.minAvailable = '100%'; }], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['minAvailable equal to the HPA minimum', (p: any) => { delete p.spec.maxUnavailable; p.spec.minAvailable = 3; }], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['maxUnavailable 0', (p: any) => (p.spec.maxUnavailable = 0)], // eslint-disable-line @typescript-eslint/no-explicit-any
  ])('a budget with %s allows no eviction at the HPA minimum', (_what, change) => {
    const { deployment, target } = app(change);
    expect(messages(judge(requirePodDisruptionBudget, deployment, { target }))).toEqual(['PodDisruptionBudget checkout allows no eviction at 3 pod(s) (HPA minimum): node drains would block']);
  });

  test('minAvailable below the HPA minimum is fine', () => {
    const { deployment, target } = app((p) => { delete p.spec.maxUnavailable; p.spec.minAvailable = 2; });
    expect(judge(requirePodDisruptionBudget, deployment, { target })).toEqual({ kind: 'compliant' });
  });

  test('a budget over two channels counts both Deployments\' pods', () => {
    const { deployment, target } = app((p) => { delete p.spec.maxUnavailable; p.spec.minAvailable = 3; });
    const gray = broken(compliantDeployment(), (d) => {
      d.metadata.name = 'checkout-gray';
      d.spec.template.metadata.labels['cluster-estate.io/channel'] = 'gray';
      d.spec.replicas = 1;
    });
    expect(judge(requirePodDisruptionBudget, deployment, { target: [...target, gray] })).toEqual({ kind: 'compliant' });
  });

  test('a budget that states neither minAvailable nor maxUnavailable is a violation', () => {
    const { deployment, target } = app((p) => delete p.spec.maxUnavailable);
    expect(messages(judge(requirePodDisruptionBudget, deployment, { target }))).toEqual(['PodDisruptionBudget checkout states neither a usable minAvailable nor maxUnavailable']);
  });
});
