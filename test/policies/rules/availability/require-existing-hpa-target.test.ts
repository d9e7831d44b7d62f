import { requireExistingHpaTarget } from '../../../../policies/rules';
import { judge, messages } from '../../fixtures/judge';
import { broken, compliantAutoscaler, compliantDeployment } from '../../fixtures/workloads';

describe('require-existing-hpa-target', () => {
  test('an HPA of an existing Deployment with sane bounds is compliant', () => {
    expect(judge(requireExistingHpaTarget, compliantAutoscaler(), { target: [compliantDeployment()] })).toEqual({ kind: 'compliant' });
  });

  test('an HPA whose target does not exist is a violation', () => {
    const hpa = broken(compliantAutoscaler(), (h) => (h.spec.scaleTargetRef.name = 'check-out'));
    expect(messages(judge(requireExistingHpaTarget, hpa, { target: [compliantDeployment()] }))).toEqual(['scaleTargetRef Deployment check-out is not in namespace shop of the target: the HPA scales nothing']);
  });

  test('bounds out of order, or no maximum, are violations', () => {
    expect(messages(judge(requireExistingHpaTarget, compliantAutoscaler('checkout', 5, 2), { target: [compliantDeployment()] }))).toEqual(['minReplicas 5 and maxReplicas 2 do not satisfy 1 <= min <= max']);
    expect(messages(judge(requireExistingHpaTarget, broken(compliantAutoscaler(), (h) => delete h.spec.maxReplicas), { target: [compliantDeployment()] }))).toEqual(['spec.maxReplicas is not set']);
  });
});
