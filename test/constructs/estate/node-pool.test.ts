import {
  TaintEffect, validateEstate,
} from '../../../constructs';
import {
  smallEstate, PATHS, errorRules, expectProblem,
} from './small-estate';

/**
 * Validation of node pools: labels and taints, Kubernetes version skew, scaling. Each test breaks the small valid estate in one place and asserts the rule id, the
 * construct path and the severity, that the message and fix say something useful, and which other rules the same
 * break trips as well.
 */

describe('label-syntax and node-label-reach', () => {
  test('a bad label key', () => {
    const problems = validateEstate(smallEstate({ pool: { labels: { 'bad key': 'x' } } }).estate);
    const p = expectProblem(problems, 'label-syntax', PATHS.pool);
    expect(p.message).toMatch(/label key "bad key"/);
    expect(p.fix).toMatch(/qualified key/);
    expect(errorRules(problems)).toEqual(['label-syntax']);
  });

  test('a bad label key prefix', () => {
    const p = expectProblem(validateEstate(smallEstate({ pool: { labels: { 'Example.COM/tier': 'x' } } }).estate), 'label-syntax', PATHS.pool);
    expect(p.message).toMatch(/prefix "Example.COM"/);
  });

  test('a 64-character label value', () => {
    const problems = validateEstate(smallEstate({ pool: { labels: { 'example.com/tier': 'v'.repeat(64) } } }).estate);
    const p = expectProblem(problems, 'label-syntax', PATHS.pool);
    expect(p.message).toMatch(/label value of "example.com\/tier" must be at most 63 characters \(has 64\)/);
    expect(errorRules(problems)).toEqual(['label-syntax']);
    expect(validateEstate(smallEstate({ pool: { labels: { 'example.com/tier': 'v'.repeat(63) } } }).estate)).toEqual([]);
  });

  test('bad taint key and value', () => {
    const problems = validateEstate(smallEstate({ pool: { taints: [{ key: 'bad key', value: 'a b', effect: TaintEffect.NO_SCHEDULE }] } }).estate);
    expect(problems.filter((p) => p.rule === 'label-syntax').map((p) => p.message)).toEqual([
      expect.stringMatching(/^taint key "bad key"/),
      expect.stringMatching(/^taint value of "bad key"/),
    ]);
  });

  test('a bad role', () => {
    const p = expectProblem(validateEstate(smallEstate({ pool: { role: 'Front End' } }).estate), 'label-syntax', PATHS.pool);
    expect(p.message).toMatch(/role cannot be a node-role label/);
  });

  test('kubernetes.io/foo cannot reach the Node', () => {
    const problems = validateEstate(smallEstate({ pool: { labels: { 'kubernetes.io/foo': 'bar' } } }).estate);
    const p = expectProblem(problems, 'node-label-reach', PATHS.pool);
    expect(p.message).toMatch(/"kubernetes.io\/foo"/);
    expect(p.message).toMatch(/NodeRestriction/);
    expect(p.fix).toMatch(/your own domain/);
    expect(errorRules(problems)).toEqual(['node-label-reach']);
  });

  test('labels that reach the Node through the Machine or the kubelet are fine', () => {
    const labels = {
      'example.com/tier': 'gold',
      'node-role.kubernetes.io/edge': '',
      'node-restriction.kubernetes.io/dedicated': 'trade',
      'node.kubernetes.io/disk': 'nvme',
      team: 'trade',
    };
    expect(validateEstate(smallEstate({ pool: { labels } }).estate)).toEqual([]);
  });
});

describe('version-skew and kubernetes-version', () => {
  test('a pool newer than the control plane (minor, and patch)', () => {
    for (const version of ['v1.32.0', 'v1.31.5']) {
      const problems = validateEstate(smallEstate({ pool: { kubernetesVersion: version } }).estate);
      const p = expectProblem(problems, 'version-skew', PATHS.pool);
      expect(p.message).toBe(`the pool (${version}) is newer than the control plane (v1.31.4)`);
      expect(p.fix).toMatch(/control plane first/);
      expect(errorRules(problems)).toEqual(['version-skew']);
    }
  });

  test('a pool 4 minors behind', () => {
    const problems = validateEstate(smallEstate({ pool: { kubernetesVersion: 'v1.27.9' } }).estate);
    const p = expectProblem(problems, 'version-skew', PATHS.pool);
    expect(p.message).toMatch(/4 minors behind the control plane \(v1\.31\.4\); kubelets may be at most 3 behind/);
  });

  test.each(['v1.28.0', 'v1.29.12', 'v1.31.0', 'v1.31.4'])('a pool at %s is fine', (version) => {
    expect(validateEstate(smallEstate({ pool: { kubernetesVersion: version } }).estate)).toEqual([]);
  });

  test('a malformed version', () => {
    const pool = validateEstate(smallEstate({ pool: { kubernetesVersion: 'v1.31' } }).estate);
    expectProblem(pool, 'kubernetes-version', PATHS.pool);
    expect(errorRules(pool)).toEqual(['kubernetes-version']);
    const cluster = validateEstate(smallEstate({ cluster: { kubernetesVersion: '1.31.4' } }).estate);
    const p = expectProblem(cluster, 'kubernetes-version', PATHS.cluster);
    expect(p.fix).toMatch(/v1\.MINOR\.PATCH/);
  });
});

describe('node-pool-scaling and autoscaler-bounds', () => {
  test('minPerZone 0', () => {
    const problems = validateEstate(smallEstate({ pool: { replicasPerZone: undefined, autoscaling: { minPerZone: 0, maxPerZone: 3 } } }).estate);
    const p = expectProblem(problems, 'autoscaler-bounds', PATHS.pool);
    expect(p.message).toMatch(/1 <= minPerZone <= maxPerZone/);
    expect(errorRules(problems)).toEqual(['autoscaler-bounds']);
  });

  test('maxPerZone below minPerZone', () => {
    const problems = validateEstate(smallEstate({ pool: { replicasPerZone: undefined, autoscaling: { minPerZone: 3, maxPerZone: 2 } } }).estate);
    expectProblem(problems, 'autoscaler-bounds', PATHS.pool);
    expect(errorRules(problems)).toEqual(['autoscaler-bounds']);
  });

  test('valid bounds, including min = max', () => {
    expect(validateEstate(smallEstate({ pool: { replicasPerZone: undefined, autoscaling: { minPerZone: 2, maxPerZone: 2 } } }).estate)).toEqual([]);
  });

  test('both replicasPerZone and autoscaling', () => {
    const problems = validateEstate(smallEstate({ pool: { replicasPerZone: 2, autoscaling: { minPerZone: 1, maxPerZone: 3 } } }).estate);
    const p = expectProblem(problems, 'node-pool-scaling', PATHS.pool);
    expect(p.fix).toMatch(/exactly one of replicasPerZone and autoscaling/);
    expect(errorRules(problems)).toEqual(['node-pool-scaling']);
  });

  test('neither replicasPerZone nor autoscaling', () => {
    const problems = validateEstate(smallEstate({ pool: { replicasPerZone: undefined } }).estate);
    expectProblem(problems, 'node-pool-scaling', PATHS.pool);
    expect(errorRules(problems)).toEqual(['node-pool-scaling']);
  });

  test('negative or fractional replicas', () => {
    expectProblem(validateEstate(smallEstate({ pool: { replicasPerZone: -1 } }).estate), 'node-pool-scaling', PATHS.pool);
    expectProblem(validateEstate(smallEstate({ pool: { replicasPerZone: 1.5 } }).estate), 'node-pool-scaling', PATHS.pool);
  });
});
