import { requireMinReplicas } from '../../../../policies/rules';
import { judge, messages } from '../../fixtures/judge';
import { broken, compliantAutoscaler, compliantDeployment } from '../../fixtures/workloads';

const withReplicas = (n: number | undefined) => broken(compliantDeployment(), (d) => (n === undefined ? delete d.spec.replicas : (d.spec.replicas = n)));

describe('require-min-replicas', () => {
  test('an HPA minimum of 3, or 2 fixed replicas, is compliant', () => {
    expect(judge(requireMinReplicas, compliantDeployment(), { target: [compliantAutoscaler()] })).toEqual({ kind: 'compliant' });
    expect(judge(requireMinReplicas, withReplicas(2))).toEqual({ kind: 'compliant' });
  });

  test('one replica, or none stated without an HPA, is a violation', () => {
    expect(messages(judge(requireMinReplicas, withReplicas(1)))).toEqual(['1 replica(s); at least 2 needed']);
    expect(messages(judge(requireMinReplicas, withReplicas(undefined)))).toEqual(['spec.replicas is not set and no HPA owns it: it runs 1 replica; at least 2 needed']);
  });

  test('an HPA that scales down to one replica is a violation (its minReplicas defaults to 1)', () => {
    const hpa = broken(compliantAutoscaler(), (h) => delete h.spec.minReplicas);
    expect(messages(judge(requireMinReplicas, compliantDeployment(), { target: [hpa] }))).toEqual(['HorizontalPodAutoscaler checkout lets it scale down to 1 replica(s); at least 2 needed']);
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
