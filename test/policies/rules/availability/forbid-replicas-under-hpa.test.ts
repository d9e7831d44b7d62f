import { forbidReplicasUnderHpa } from '../../../../policies/rules';
import { judge, messages } from '../../fixtures/judge';
import { broken, compliantAutoscaler, compliantDeployment } from '../../fixtures/workloads';

describe('forbid-replicas-under-hpa', () => {
  test('an HPA-owned Deployment without spec.replicas is compliant', () => {
    expect(judge(forbidReplicasUnderHpa, compliantDeployment(), { target: [compliantAutoscaler()] })).toEqual({ kind: 'compliant' });
  });

  test('spec.replicas next to an HPA is a violation', () => {
    const d = broken(compliantDeployment(), (x) => (x.spec.replicas = 3));
    expect(messages(judge(forbidReplicasUnderHpa, d, { target: [compliantAutoscaler()] }))).toEqual(['spec.replicas is 3 while HorizontalPodAutoscaler checkout scales it: every apply resets the HPA\'s count']);
  });

  test('two HPAs on one Deployment are a violation', () => {
    const second = broken(compliantAutoscaler(), (h) => (h.metadata.name = 'checkout-memory'));
    expect(messages(judge(forbidReplicasUnderHpa, compliantDeployment(), { target: [compliantAutoscaler(), second] }))).toEqual(['2 HorizontalPodAutoscalers (checkout, checkout-memory) scale it and fight each other']);
  });

  test('a Deployment no HPA scales is not applicable (an HPA in another namespace does not count)', () => {
    const elsewhere = broken(compliantAutoscaler(), (h) => (h.metadata.namespace = 'other'));
    expect(judge(forbidReplicasUnderHpa, compliantDeployment(), { target: [elsewhere] }).kind).toBe('not-applicable');
  });
});
