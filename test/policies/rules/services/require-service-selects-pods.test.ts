import { requireServiceSelectsPods } from '../../../../policies/rules';
import { judge, messages } from '../../fixtures/judge';
import { broken, compliantDeployment, compliantService } from '../../fixtures/workloads';

describe('require-service-selects-pods', () => {
  test('the compliant Service selects the Deployment\'s pods and its named port', () => {
    expect(judge(requireServiceSelectsPods, compliantService(), { target: [compliantDeployment()] })).toEqual({ kind: 'compliant' });
  });

  test('a selector no pod matches is a violation', () => {
    const service = broken(compliantService(), (s) => (s.spec.selector['cluster-estate.io/serving'] = 'true'));
    expect(messages(judge(requireServiceSelectsPods, service, { target: [compliantDeployment()] }))).toEqual(['its selector cluster-estate.io/app=checkout,cluster-estate.io/serving=true matches the pods of no workload in namespace shop: the Service has no endpoints']);
  });

  test('pods in another namespace do not count', () => {
    const service = broken(compliantService(), (s) => (s.metadata.namespace = 'shop-staging'));
    expect(messages(judge(requireServiceSelectsPods, service, { target: [compliantDeployment()] }))[0]).toMatch(/namespace shop-staging/);
  });

  test('a named targetPort the pods do not have is a violation', () => {
    const service = broken(compliantService(), (s) => (s.spec.ports[0].targetPort = 'https'));
    expect(messages(judge(requireServiceSelectsPods, service, { target: [compliantDeployment()] }))).toEqual(['targetPort "https" is not a container port name of the selected pods']);
  });

  test('a Service without a selector, or an ExternalName, is not applicable', () => {
    expect(judge(requireServiceSelectsPods, broken(compliantService(), (s) => delete s.spec.selector)).kind).toBe('not-applicable');
    expect(judge(requireServiceSelectsPods, broken(compliantService(), (s) => (s.spec.type = 'ExternalName'))).kind).toBe('not-applicable');
  });
});
