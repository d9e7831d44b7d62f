import { requireResources } from '../../../../policies/rules';
import { judge, messages } from '../../fixtures/judge';
import { broken, compliantDeployment, mainContainerOf, podSpecOf } from '../../fixtures/workloads';

describe('require-resources', () => {
  test('the compliant Deployment is compliant', () => {
    expect(judge(requireResources, compliantDeployment())).toEqual({ kind: 'compliant' });
  });

  test.each([
    ['requests', 'cpu'], ['requests', 'memory'], ['limits', 'cpu'], ['limits', 'memory'],
  ])('a main container without %s.%s is a violation', (kind, resource) => {
    const d = broken(compliantDeployment(), (x) => delete mainContainerOf(x).resources[kind][resource]);
    expect(messages(judge(requireResources, d))).toEqual([`container "checkout" has no ${kind}.${resource}`]);
  });

  test('a sidecar without resources is a violation', () => {
    const d = broken(compliantDeployment(), (x) => delete podSpecOf(x).initContainers[0].resources);
    expect(messages(judge(requireResources, d))).toEqual(['sidecar "log-shipper" has no requests.cpu, requests.memory, limits.cpu, limits.memory']);
  });

  test('a request above its limit, and a value that is not a quantity, are violations', () => {
    const d = broken(compliantDeployment(), (x) => {
      mainContainerOf(x).resources.requests.memory = '2Gi';
      mainContainerOf(x).resources.limits.cpu = 'one';
    });
    expect(messages(judge(requireResources, d))).toEqual([
      'container "checkout" has no limits.cpu ("one" is not a quantity)',
      'container "checkout" requests more memory than its limit',
    ]);
  });

  test('the CPU limit can be made optional', () => {
    const d = broken(compliantDeployment(), (x) => delete mainContainerOf(x).resources.limits.cpu);
    expect(judge(requireResources, d, { config: { requireCpuLimit: false } })).toEqual({ kind: 'compliant' });
  });
});
