import { requireSelectedWorkloadEntries } from '../../../../policies/rules';
import { judge, messages } from '../../fixtures/judge';
import { compliantWorkloadEntry, meshedService } from '../../fixtures/mesh';
import { broken } from '../../fixtures/workloads';

describe('require-selected-workload-entries', () => {
  test('a VM the app\'s Service selects, with a service account, is compliant', () => {
    expect(judge(requireSelectedWorkloadEntries, compliantWorkloadEntry(), { target: [meshedService()] })).toEqual({ kind: 'compliant' });
  });

  test('a ServiceEntry workloadSelector selects VMs too', () => {
    const se = { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'legacy', namespace: 'shop' }, spec: { hosts: ['legacy.shop.internal'], workloadSelector: { labels: { 'cluster-estate.io/app': 'checkout' } } } };
    expect(judge(requireSelectedWorkloadEntries, compliantWorkloadEntry(), { target: [se] })).toEqual({ kind: 'compliant' });
  });

  test('a VM nothing selects, without a service account, is a violation on both counts', () => {
    const we = broken(compliantWorkloadEntry(), (w) => { w.spec.labels = { app: 'checkout-vm' }; delete w.spec.serviceAccount; });
    expect(messages(judge(requireSelectedWorkloadEntries, we, { target: [meshedService()] }))).toEqual([
      'no Service or ServiceEntry in namespace shop selects its labels (app=checkout-vm): it receives no traffic',
      'serviceAccount is not set: the VM runs as the namespace\'s "default" identity',
    ]);
  });

  test('a WorkloadGroup is judged on its template', () => {
    const wg = { apiVersion: 'networking.istio.io/v1', kind: 'WorkloadGroup', metadata: { name: 'checkout-vms', namespace: 'shop' }, spec: { metadata: { labels: { 'cluster-estate.io/app': 'checkout' } }, template: { serviceAccount: 'checkout' } } };
    expect(judge(requireSelectedWorkloadEntries, wg, { target: [meshedService()] })).toEqual({ kind: 'compliant' });
    expect(messages(judge(requireSelectedWorkloadEntries, broken(wg, (w) => (w.metadata.namespace = 'other')), { target: [meshedService()] }))[0]).toContain('in namespace other');
  });
});
