import {
  ProblemSeverity, validateEstate,
} from '../../../constructs';
import {
  smallEstate, PATHS, errorRules, expectProblem,
} from './small-estate';

/**
 * Validation of the control plane: replicas, spread over zones, leader election, endpoint, API server hardening. Each test breaks the small valid estate in one place and asserts the rule id, the
 * construct path and the severity, that the message and fix say something useful, and which other rules the same
 * break trips as well.
 */

describe('control plane', () => {
  test('4 replicas: control-plane-replicas', () => {
    const problems = validateEstate(smallEstate({ controlPlane: { replicas: 4 } }).estate);
    const p = expectProblem(problems, 'control-plane-replicas', PATHS.controlPlane);
    expect(p.message).toMatch(/3 or 5/);
    expect(p.fix).toMatch(/controlPlane\.replicas/);
    expect(p.value).toBe('4');
    expect(errorRules(problems)).toEqual(['control-plane-replicas']);
  });

  test.each([1, 2, 7])('%i replicas is refused; 5 is fine', (replicas) => {
    expectProblem(validateEstate(smallEstate({ controlPlane: { replicas } }).estate), 'control-plane-replicas', PATHS.controlPlane);
    expect(validateEstate(smallEstate({ controlPlane: { replicas: 5 } }).estate)).toEqual([]);
  });

  test("zones: ['a'] in a 3-zone IDC: control-plane-spread", () => {
    const problems = validateEstate(smallEstate({ controlPlane: { zones: ['a'] } }).estate);
    const p = expectProblem(problems, 'control-plane-spread', PATHS.controlPlane);
    expect(p.message).toMatch(/1 zone\(s\) while IDC idc1 offers 3/);
    expect(p.fix).toMatch(/at least 3 zones/);
    expect(errorRules(problems)).toEqual(['control-plane-spread']);
  });

  test('a zone listed twice does not count twice', () => {
    const problems = validateEstate(smallEstate({ controlPlane: { zones: ['a', 'a', 'b'] } }).estate);
    expectProblem(problems, 'control-plane-spread', PATHS.controlPlane);
  });

  test('a 2-zone IDC needs both zones', () => {
    expect(validateEstate(smallEstate({ zones: ['a', 'b'], controlPlane: { zones: ['a', 'b'] } }).estate).filter((p) => p.rule === 'control-plane-spread')).toEqual([]);
    expectProblem(validateEstate(smallEstate({ zones: ['a', 'b'], controlPlane: { zones: ['b'] } }).estate), 'control-plane-spread', PATHS.controlPlane);
  });

  test('leader election order and endpoint port', () => {
    const le = validateEstate(smallEstate({ controlPlane: { leaderElection: { leaseDurationSeconds: 10, renewDeadlineSeconds: 10 } } }).estate);
    expectProblem(le, 'leader-election', PATHS.controlPlane);
    const port = validateEstate(smallEstate({ controlPlane: { endpoint: { host: 'api.example.internal', port: 70000 } } }).estate);
    expectProblem(port, 'control-plane-endpoint', PATHS.controlPlane);
  });

  test('anonymous auth is a warning only', () => {
    const problems = validateEstate(smallEstate({ controlPlane: { anonymousAuth: true } }).estate);
    expectProblem(problems, 'api-server-hardening', PATHS.controlPlane, ProblemSeverity.WARNING);
    expect(errorRules(problems)).toEqual([]);
  });
});
