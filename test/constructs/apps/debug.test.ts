import { EstateValidationError, synthesize } from '../../../constructs';
import { estateContext, RULES, runChecks, suppressionKey } from '../../../policies/api';
import { forbidDebugModeInProduction } from '../../../policies/rules';
import { theObject } from '../../helpers/objects';
import { Json, podSpecOf, shopObjects, TIMES, withShop } from './app-fixtures';

function errorOf(fn: () => unknown): EstateValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof EstateValidationError) return e;
    throw e;
  }
  throw new Error('expected an EstateValidationError');
}

describe('debug mode', () => {
  test('drops the main container\'s probes and hooks, keeps the sidecars\' probes, and says why on the pods', () => {
    const d = theObject(shopObjects(() => ({ debug: { reason: 'INC-4411: heap dump of a crash-looping pod' } })), 'Deployment', 'shop') as Json;
    const main = podSpecOf(d).containers[0];
    for (const key of ['readinessProbe', 'livenessProbe', 'startupProbe', 'lifecycle']) expect(main[key]).toBeUndefined();
    for (const c of podSpecOf(d).initContainers) expect(c.readinessProbe).toBeDefined();
    expect(d.spec.template.metadata.annotations['cluster-estate.io/debug']).toBe('INC-4411: heap dump of a crash-looping pod');
  });

  test('is refused in production without a written reason', () => {
    for (const debug of [{}, { reason: 'because' }, { reason: '          ' }]) {
      const e = errorOf(() => synthesize(withShop(() => ({ debug })).estate, { asOf: TIMES.normal }));
      expect(e.errors).toEqual([expect.objectContaining({ rule: 'debug-in-production', path: 'shopfloor/shop' })]);
      expect(e.errors[0].fix).toMatch(/reason/);
    }
  });

  test('is allowed outside production without a reason', () => {
    const d = theObject(shopObjects(() => ({ debug: {} }), 'new-k8s', TIMES.normal, { environment: 'staging' }), 'Deployment', 'shop') as Json;
    expect(podSpecOf(d).containers[0].livenessProbe).toBeUndefined();
    expect(d.spec.template.metadata.labels['cluster-estate.io/env']).toBe('staging');
  });
});

describe('debug mode acknowledged in production', () => {
  const reason = 'INC-4411: heap dump of a crash-looping pod';

  test('the Deployment carries the reason as the suppression of forbid-debug-mode-in-production, and the policy gate reports it suppressed', () => {
    const shop = withShop(() => ({ debug: { reason: `  ${reason} ` } }));
    const synthesis = synthesize(shop.estate, { asOf: TIMES.normal });
    const deployment = synthesis.targets.flatMap((t) => t.objects).find((o) => o.kind === 'Deployment' && o.metadata.name === 'shop') as Json;
    expect(deployment.metadata.annotations).toEqual({ [suppressionKey(forbidDebugModeInProduction.id)]: reason });

    const result = runChecks(synthesis.targets, { rules: RULES, context: estateContext(synthesis, shop.estate) });
    const debugFindings = result.findings.filter((f) => f.policy === forbidDebugModeInProduction.id);
    expect(debugFindings).toEqual([expect.objectContaining({ enforcement: 'mandatory', object: expect.objectContaining({ kind: 'Deployment', name: 'shop' }), suppressed: { reason } })]);
    expect(result.findings.filter((f) => f.enforcement === 'mandatory' && !f.suppressed)).toEqual([]);
  });

  test('without debug mode the Deployment suppresses nothing', () => {
    const deployment = theObject(shopObjects(), 'Deployment', 'shop') as Json;
    expect(deployment.metadata.annotations).toBeUndefined();
  });
});
