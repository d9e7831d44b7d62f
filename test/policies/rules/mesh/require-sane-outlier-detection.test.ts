import { requireSaneOutlierDetection } from '../../../../policies/rules';
import { judge, messages } from '../../fixtures/judge';
import { compliantDestinationRule } from '../../fixtures/mesh';
import { broken } from '../../fixtures/workloads';

describe('require-sane-outlier-detection', () => {
  test('the compliant DestinationRule passes', () => {
    expect(judge(requireSaneOutlierDetection, compliantDestinationRule())).toEqual({ kind: 'compliant' });
  });

  test('a duration under 1ms, or malformed, is a violation', () => {
    const dr = broken(compliantDestinationRule(), (d) => { d.spec.trafficPolicy.outlierDetection.interval = '500us'; d.spec.trafficPolicy.outlierDetection.baseEjectionTime = '30 seconds'; });
    expect(messages(judge(requireSaneOutlierDetection, dr))).toEqual([
      'trafficPolicy: outlierDetection.interval must be a duration of 1ms or more, not "500us"',
      'trafficPolicy: outlierDetection.baseEjectionTime must be a duration of 1ms or more, not "30 seconds"',
    ]);
  });

  test('maxEjectionPercent 100 is a violation unless configured', () => {
    const dr = broken(compliantDestinationRule(), (d) => (d.spec.trafficPolicy.outlierDetection.maxEjectionPercent = 100));
    expect(messages(judge(requireSaneOutlierDetection, dr))).toEqual(['trafficPolicy: outlierDetection.maxEjectionPercent 100 can eject every host']);
    expect(judge(requireSaneOutlierDetection, dr, { config: { allowFullEjection: true } }).kind).toBe('compliant');
  });

  test('an inert gateway-error threshold, in a subset, is a violation', () => {
    const dr = broken(
      compliantDestinationRule(),
      (d) => (d.spec.subsets[1].trafficPolicy = { outlierDetection: { consecutive5xxErrors: 3, consecutiveGatewayErrors: 3 } }),
    );
    expect(messages(judge(requireSaneOutlierDetection, dr))).toEqual(['subset gray: consecutiveGatewayErrors 3 is not below consecutive5xxErrors 3: it never fires']);
  });

  test('locality failover without outlier detection is a violation', () => {
    const dr = broken(
      compliantDestinationRule(),
      (d) => { delete d.spec.trafficPolicy.outlierDetection; d.spec.trafficPolicy.loadBalancer = { localityLbSetting: { enabled: true } }; },
    );
    expect(messages(judge(requireSaneOutlierDetection, dr))).toEqual(['trafficPolicy: localityLbSetting without outlierDetection never fails over']);
  });
});
