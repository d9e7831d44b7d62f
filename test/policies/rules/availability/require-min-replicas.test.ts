import { requireMinReplicas } from '../../../../policies/rules';
import { judge, messages } from '../../fixtures/judge';
import { broken, compliantAutoscaler, compliantDeployment } from '../../fixtures/workloads';

const withReplicas = (n: number | undefined) => broken(
  compliantDeployment(),
  (d) => (n === undefined ? delete d.spec.replicas : (d.spec.replicas = n)),
);

describe('require-min-replicas', () => {
  test('an HPA minimum of 3, or 2 fixed replicas, is compliant', () => {
    expect(judge(requireMinReplicas, compliantDeployment(), { target: [compliantAutoscaler()] })).toEqual({ kind: 'compliant' });
    expect(judge(requireMinReplicas, withReplicas(2))).toEqual({ kind: 'compliant' });
  });

  test('one replica, or none stated without an HPA, is a violation', () => {
    expect(messages(judge(requireMinReplicas, withReplicas(1)))).toEqual(['1 replica(s); at least 2 needed']);
    expect(messages(judge(requireMinReplicas, withReplicas(undefined)))).toEqual(['spec.replicas is not set and no HPA owns it: it runs 1 replica; at least 2 needed']);
  });

  test('an HPA that scales down to one replica is a violation on the HPA (its minReplicas defaults to 1), not on the Deployment', () => {
    const hpa = broken(compliantAutoscaler(), (h) => delete h.spec.minReplicas);
    expect(messages(judge(requireMinReplicas, hpa, { target: [compliantDeployment()] }))).toEqual(['minReplicas is not set (Kubernetes defaults it to 1) lets Deployment checkout scale down to 1 replica(s); at least 2 needed']);
    expect(judge(requireMinReplicas, compliantDeployment(), { target: [hpa] })).toEqual({ kind: 'not-applicable', reason: 'a HorizontalPodAutoscaler sets its floor: judged on the HPA' });
  });

  test('an HPA is judged whether or not what it scales is in the input', () => {
    expect(judge(requireMinReplicas, compliantAutoscaler())).toEqual({ kind: 'compliant' });
    expect(messages(judge(requireMinReplicas, compliantAutoscaler('cart', 1)))).toEqual(['minReplicas 1 lets Deployment cart scale down to 1 replica(s); at least 2 needed']);
    expect(messages(judge(requireMinReplicas, compliantAutoscaler('cart', 2), { config: { minReplicas: 3 } }))).toEqual(['minReplicas 2 lets Deployment cart scale down to 2 replica(s); at least 3 needed']);
  });

  test('the HPA of a gray Deployment may keep one replica next to its app\'s other Deployment, not on its own', () => {
    const gray = broken(compliantDeployment(), (d) => {
      d.metadata.name = 'checkout-gray';
      d.spec.template.metadata.labels['cluster-estate.io/channel'] = 'gray';
    });
    const grayHpa = compliantAutoscaler('checkout-gray', 1, 3);
    expect(judge(requireMinReplicas, grayHpa, { target: [gray, compliantDeployment(), compliantAutoscaler()] })).toEqual({ kind: 'compliant' });
    expect(messages(judge(requireMinReplicas, grayHpa, { target: [gray] }))).toEqual(['the gray Deployment of app checkout runs down to 1 replica(s) and its app\'s Deployments together to 1; at least 2 needed']);
  });

  test.each(['gray', 'green'])('a %s Deployment of one replica is fine next to its app\'s other Deployment, not on its own', (channel) => {
    const gray = broken(compliantDeployment(), (d) => {
      d.metadata.name = `checkout-${channel}`;
      d.spec.template.metadata.labels['cluster-estate.io/channel'] = channel;
      d.spec.replicas = 1;
    });
    expect(judge(requireMinReplicas, gray, { target: [compliantDeployment(), compliantAutoscaler()] })).toEqual({ kind: 'compliant' });
    expect(messages(judge(requireMinReplicas, gray))).toEqual([`the ${channel} Deployment of app checkout runs down to 1 replica(s) and its app\'s Deployments together to 1; at least 2 needed`]);
  });

  test('scaled to zero is not applicable; the minimum is configurable', () => {
    expect(judge(requireMinReplicas, withReplicas(0)).kind).toBe('not-applicable');
    expect(messages(judge(requireMinReplicas, withReplicas(2), { config: { minReplicas: 3 } }))).toEqual(['2 replica(s); at least 3 needed']);
  });
});
