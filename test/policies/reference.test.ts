import { estateContext, RULES, runChecks } from '../../policies/api';
import { referenceEstate } from '../../stacks/estates';
import { REFERENCE_TIMES, referenceSynthesis } from '../helpers/reference';

describe('the reference estate against every policy', () => {
  test.each(Object.entries(REFERENCE_TIMES))('has no mandatory violation %s', (_phase, asOf) => {
    const synthesis = referenceSynthesis(asOf);
    const result = runChecks(synthesis.targets, { rules: RULES, context: estateContext(synthesis, referenceEstate()) });
    expect(result.findings.filter((f) => f.enforcement === 'mandatory' && !f.suppressed)).toEqual([]);
    expect(result.summary.pass).toBe(true);
    expect(result.summary.objects).toBe(synthesis.targets.reduce((n, t) => n + t.objects.length, 0));
    expect(result.summary.policies.evaluated).toBe(RULES.length);
  });

  test('the peak group exists only inside the promotion window, so the checked clusters change with the phase', () => {
    const clusters = (asOf: Date) => referenceSynthesis(asOf).plan.clusters.map((c) => c.name);
    expect(clusters(REFERENCE_TIMES.dormantBefore)).not.toContain('peak-bj1');
    expect(clusters(REFERENCE_TIMES.peak)).toContain('peak-bj1');
  });
});
