import { jsonEqual, parseDurationSeconds, parseImage, parseQuantity, selectorMatches } from '../../../policies/engine/kube';

describe('reading Kubernetes values', () => {
  test.each([
    ['250m', 0.25], ['2', 2], ['1.5', 1.5], [0.5, 0.5], ['512Mi', 512 * 2 ** 20], ['1Gi', 2 ** 30], ['1G', 1e9], ['1e3', 1000], ['128k', 128000],
  ])('quantity %p is %p', (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value as number);
  });

  test.each(['one', '1 Gi', '', '1Gb', null])('%p is not a quantity', (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });

  test.each([['15s', 15], ['1m30s', 90], ['500ms', 0.5], ['2h', 7200]])('duration %s is %d s', (text, seconds) => {
    expect(parseDurationSeconds(text)).toBeCloseTo(seconds);
  });

  test('images: a registry port is never a tag', () => {
    expect(parseImage('registry:5000/team/app')).toEqual({ repository: 'registry:5000/team/app', tag: undefined, digest: undefined });
    expect(parseImage('registry:5000/team/app:1.2@sha256:abc')).toEqual({ repository: 'registry:5000/team/app', tag: '1.2', digest: 'sha256:abc' });
    expect(parseImage('nginx')).toEqual({ repository: 'nginx', tag: undefined, digest: undefined });
  });

  test('label selectors: matchLabels and every operator of matchExpressions', () => {
    const labels = { app: 'web', tier: 'front' };
    expect(selectorMatches({}, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: 'web' } }, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: 'api' } }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'canary', operator: 'Exists' }] }, labels)).toBe(false);
    expect(selectorMatches(undefined, labels)).toBe(false);
  });

  test('JSON equality ignores key order', () => {
    expect(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
  });
});
