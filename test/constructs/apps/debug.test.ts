import { EstateValidationError, synthesize } from '../../../constructs';
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
