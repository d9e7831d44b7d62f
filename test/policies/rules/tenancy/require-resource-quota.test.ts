import { requireResourceQuota } from '../../../../policies/rules';
import { judge, messages } from '../../fixtures/judge';
import { resourceQuota } from '../../fixtures/tenancy';
import { broken, compliantDeployment } from '../../fixtures/workloads';

describe('require-resource-quota', () => {
  test('a Deployment whose namespace has a quota on CPU and memory is compliant', () => {
    expect(judge(requireResourceQuota, compliantDeployment(), { target: [resourceQuota()] })).toEqual({ kind: 'compliant' });
  });

  test('no quota in the namespace is a violation', () => {
    expect(messages(judge(requireResourceQuota, compliantDeployment(), { target: [resourceQuota('shop-staging')] }))).toEqual(['namespace shop has no ResourceQuota: its workloads may take any share of the cluster']);
  });

  test('a quota that bounds only pods is a violation', () => {
    const quota = broken(resourceQuota(), (q) => { delete q.spec.hard['requests.cpu']; delete q.spec.hard['requests.memory']; });
    expect(messages(judge(requireResourceQuota, compliantDeployment(), { target: [quota] }))[0]).toMatch(/tenant-quota\) bounds neither requests.cpu nor requests.memory/);
  });

  test('the short forms cpu and memory count', () => {
    const quota = broken(resourceQuota(), (q) => (q.spec.hard = { cpu: '10', memory: '20Gi' }));
    expect(judge(requireResourceQuota, compliantDeployment(), { target: [quota] }).kind).toBe('compliant');
  });
});
