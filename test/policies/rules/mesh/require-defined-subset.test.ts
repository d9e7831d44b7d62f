import { requireDefinedSubset } from '../../../../policies/rules';
import { judge, messages } from '../../fixtures/judge';
import { compliantDestinationRule, compliantVirtualService, meshedDeployment, meshedService } from '../../fixtures/mesh';
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

  test('a defined subset whose labels no pod behind the Service carries is a violation, where the target has the pods', () => {
    const withGray = [compliantDestinationRule(), meshedService(), meshedDeployment(), meshedDeployment('checkout', 'gray')];
    expect(judge(requireDefinedSubset, compliantVirtualService(), { target: withGray })).toEqual({ kind: 'compliant' });
    const withoutGray = withGray.slice(0, 3);
    expect(messages(judge(requireDefinedSubset, compliantVirtualService(), { target: withoutGray }))).toEqual([
      'http route 1 (lane) sends traffic to subset "gray" of checkout.shop.svc.cluster.local, but no workload\'s pods carry cluster-estate.io/app=checkout, cluster-estate.io/channel=gray',
      'http route 2 (default) sends traffic to subset "gray" of checkout.shop.svc.cluster.local, but no workload\'s pods carry cluster-estate.io/app=checkout, cluster-estate.io/channel=gray',
    ]);
    const scaledToZero = [...withoutGray, broken(meshedDeployment('checkout', 'gray'), (d) => (d.spec.replicas = 0))];
    expect(messages(judge(requireDefinedSubset, compliantVirtualService(), { target: scaledToZero }))).toHaveLength(2);
    // Without the Service or without any workload in the namespace, a file cannot tell which pods exist.
    expect(judge(requireDefinedSubset, compliantVirtualService(), { target: [compliantDestinationRule(), meshedDeployment()] }).kind).toBe('compliant');
  });
});
