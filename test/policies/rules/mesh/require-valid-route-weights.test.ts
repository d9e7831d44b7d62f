import { requireValidRouteWeights } from '../../../../policies/rules';
import { judge, messages } from '../../fixtures/judge';
import { compliantVirtualService } from '../../fixtures/mesh';
import { broken } from '../../fixtures/workloads';

describe('require-valid-route-weights', () => {
  test('95/5 and a lone destination without weight are compliant', () => {
    expect(judge(requireValidRouteWeights, compliantVirtualService())).toEqual({ kind: 'compliant' });
  });

  test('weights that do not add up to 100 are a violation', () => {
    const vs = broken(compliantVirtualService(), (v) => (v.spec.http[1].route[1].weight = 10));
    expect(messages(judge(requireValidRouteWeights, vs))).toEqual(['http route 2 (default): the weights add up to 105, not 100 (Istio reads them as relative shares)']);
  });

  test('a negative or fractional weight is a violation', () => {
    const vs = broken(compliantVirtualService(), (v) => { v.spec.http[1].route[0].weight = -5; v.spec.http[1].route[1].weight = 2.5; });
    expect(messages(judge(requireValidRouteWeights, vs))).toEqual([
      'http route 2 (default): the weight of stable must be a whole number from 0 to 100, not -5',
      'http route 2 (default): the weight of gray must be a whole number from 0 to 100, not 2.5',
    ]);
  });

  test('a lone destination with a partial weight still takes everything', () => {
    const vs = broken(compliantVirtualService(), (v) => (v.spec.http[0].route[0].weight = 5));
    expect(messages(judge(requireValidRouteWeights, vs))).toEqual(['http route 1 (lane) has one destination with weight 5: it still takes all the traffic']);
  });
});
