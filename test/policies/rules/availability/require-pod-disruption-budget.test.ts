import { requirePodDisruptionBudget } from '../../../../policies/rules';
import { judge, messages } from '../../fixtures/judge';
import { broken, compliantApp, compliantAutoscaler, compliantBarePod, compliantDeployment, compliantDisruptionBudget } from '../../fixtures/workloads';

type Change = (pdb: any) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

const app = (change: Change = () => undefined, min = 3) => {
  const deployment = compliantDeployment();
  const pdb = broken(compliantDisruptionBudget(), change);
  return { deployment, pdb, target: [deployment, compliantAutoscaler('checkout', min), pdb] };
};

const minAvailable = (value: number | string): Change => (p) => {
  delete p.spec.maxUnavailable;
  p.spec.minAvailable = value;
};

describe('require-pod-disruption-budget', () => {
  describe('on a Deployment', () => {
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

    test('a budget that allows no eviction is reported on the budget, not on each Deployment it selects', () => {
      const { deployment, target } = app(minAvailable(3));
      expect(judge(requirePodDisruptionBudget, deployment, { target })).toEqual({ kind: 'compliant' });
    });
  });

  describe('on a PodDisruptionBudget', () => {
    test('the compliant app\'s budget is compliant', () => {
      const { pdb, target } = app();
      expect(judge(requirePodDisruptionBudget, pdb, { target })).toEqual({ kind: 'compliant' });
    });

    test.each([
      ['maxUnavailable 0', (p: any) => (p.spec.maxUnavailable = 0)], // eslint-disable-line @typescript-eslint/no-explicit-any
      ['maxUnavailable 0%', (p: any) => (p.spec.maxUnavailable = '0%')], // eslint-disable-line @typescript-eslint/no-explicit-any
      ['minAvailable 100%', minAvailable('100%')],
    ])('%s allows no eviction whatever it selects, even when nothing it selects is in the input', (what, change) => {
      const expected = [`${what} allows no eviction of any pod it selects: every node drain that reaches one of them blocks`];
      const alone = broken(compliantDisruptionBudget(), change);
      expect(messages(judge(requirePodDisruptionBudget, alone))).toEqual(expected);
      const { pdb, target } = app(change);
      expect(messages(judge(requirePodDisruptionBudget, pdb, { target }))).toEqual(expected);
    });

    test('minAvailable equal to the HPA minimum of what it selects allows no eviction', () => {
      const { pdb, target } = app(minAvailable(3));
      expect(messages(judge(requirePodDisruptionBudget, pdb, { target }))).toEqual(['minAvailable 3 allows no eviction at 3 pod(s) (HPA minimum) of Deployment checkout: node drains would block']);
    });

    test('minAvailable at or above spec.replicas allows no eviction', () => {
      const deployment = broken(compliantDeployment(), (d) => (d.spec.replicas = 2));
      const pdb = broken(compliantDisruptionBudget(), minAvailable(2));
      expect(messages(judge(requirePodDisruptionBudget, pdb, { target: [deployment] }))).toEqual(['minAvailable 2 allows no eviction at 2 pod(s) of Deployment checkout: node drains would block']);
    });

    test('minAvailable below the HPA minimum is fine', () => {
      const { pdb, target } = app(minAvailable(2));
      expect(judge(requirePodDisruptionBudget, pdb, { target })).toEqual({ kind: 'compliant' });
    });

    test('a budget over two channels counts both Deployments\' pods', () => {
      const { pdb, target } = app(minAvailable(3));
      const gray = broken(compliantDeployment(), (d) => {
        d.metadata.name = 'checkout-gray';
        d.spec.template.metadata.labels['cluster-estate.io/channel'] = 'gray';
        d.spec.replicas = 1;
      });
      expect(judge(requirePodDisruptionBudget, pdb, { target: [...target, gray] })).toEqual({ kind: 'compliant' });
      const four = broken(pdb, minAvailable(4));
      expect(messages(judge(requirePodDisruptionBudget, four, { target: [...target.slice(0, 2), gray] }))).toEqual(['minAvailable 4 allows no eviction at 4 pod(s) (HPA minimum) of 2 workloads (Deployment checkout, Deployment checkout-gray): node drains would block']);
    });

    test('a bare Pod it selects counts as one pod', () => {
      const pdb = broken(compliantDisruptionBudget(), minAvailable(1));
      expect(messages(judge(requirePodDisruptionBudget, pdb, { target: [compliantBarePod()] }))).toEqual(['minAvailable 1 allows no eviction at 1 pod(s) of Pod checkout: node drains would block']);
    });

    test('a budget that states neither minAvailable nor maxUnavailable is a violation', () => {
      const { pdb, target } = app((p) => delete p.spec.maxUnavailable);
      expect(messages(judge(requirePodDisruptionBudget, pdb, { target }))).toEqual(['states neither a usable minAvailable nor maxUnavailable: the eviction API cannot apply it']);
    });

    test('a minAvailable count is judged only against what it selects in the input; scaled to zero is not applicable', () => {
      expect(judge(requirePodDisruptionBudget, broken(compliantDisruptionBudget(), minAvailable(3))).kind).toBe('not-applicable');
      const idle = broken(compliantDeployment(), (d) => (d.spec.replicas = 0));
      expect(judge(requirePodDisruptionBudget, broken(compliantDisruptionBudget(), minAvailable(1)), { target: [idle] }).kind).toBe('not-applicable');
    });
  });
});
