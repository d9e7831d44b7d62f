import { requireDefinedSubset } from '../../../../policies/rules';
import { judge, messages } from '../../fixtures/judge';
import { compliantDestinationRule, compliantVirtualService } from '../../fixtures/mesh';
import { broken } from '../../fixtures/workloads';

describe('require-defined-subset', () => {
  test('routes to subsets the DestinationRule defines are compliant (a short host resolves in the namespace)', () => {
    expect(judge(requireDefinedSubset, compliantVirtualService(), { target: [compliantDestinationRule()] })).toEqual({ kind: 'compliant' });
  });

  test('a subset the DestinationRule does not define is a violation', () => {
    const dr = broken(compliantDestinationRule(), (d) => d.spec.subsets.pop());
    expect(messages(judge(requireDefinedSubset, compliantVirtualService(), { target: [dr] }))).toEqual([
      'http route 1 (lane) sends traffic to subset "gray" of checkout.shop.svc.cluster.local, which its DestinationRule does not define (it defines stable)',
      'http route 2 (default) sends traffic to subset "gray" of checkout.shop.svc.cluster.local, which its DestinationRule does not define (it defines stable)',
    ]);
  });

  test('a host with no DestinationRule at all is a violation', () => {
    expect(messages(judge(requireDefinedSubset, compliantVirtualService()))).toHaveLength(3);
    const otherNamespace = broken(compliantDestinationRule(), (d) => { d.metadata.namespace = 'other'; d.spec.host = 'checkout'; });
    expect(messages(judge(requireDefinedSubset, compliantVirtualService(), { target: [otherNamespace] }))[0]).toContain('no DestinationRule has that host');
  });
});
