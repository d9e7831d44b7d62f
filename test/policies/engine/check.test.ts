import { RULES, runChecks } from '../../../policies/api';
import { requireMinReplicas } from '../../../policies/rules';
import { broken, compliantApp, compliantDeployment, compliantDisruptionBudget } from '../fixtures/workloads';
import { defaultDenyPolicy, resourceQuota } from '../fixtures/tenancy';

const SINGLETON_REASON = 'one replica by design: it holds a lease (OPS-1)';

describe('the offline runner', () => {
  test('the compliant app gives no finding at all', () => {
    const result = runChecks([{ name: 'files', objects: compliantApp() }], { rules: RULES });
    expect(result.findings).toEqual([]);
    expect(result.summary).toMatchObject({
      pass: true,
      mandatory: 0,
      advisory: 0,
      suppressed: 0,
      targets: 1,
      objects: 10,
      policies: { evaluated: 47, disabled: [] },
      byPolicy: {},
    });
  });

  test('a finding names the policy, its enforcement and severity, the target, the object and the message, with its source', () => {
    const single = broken(compliantDeployment('cart'), (d) => (d.spec.replicas = 1));
    const result = runChecks([{ name: 'files', objects: [single], sources: [{ file: 'cart.yaml', line: 4 }], findingTarget: () => 'cart.yaml' }], { rules: [requireMinReplicas] });
    expect(result.findings).toEqual([{
      policy: 'require-min-replicas',
      enforcement: 'mandatory',
      severity: 'high',
      target: 'cart.yaml',
      object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'cart' },
      message: '1 replica(s); at least 2 needed',
      source: { file: 'cart.yaml', line: 4 },
    }]);
    expect(result.summary).toMatchObject({ pass: false, mandatory: 1, byPolicy: { 'require-min-replicas': { mandatory: 1, advisory: 0, suppressed: 0 } } });
  });

  test('a suppression with a reason is reported as suppressed and does not fail the check', () => {
    const single = broken(compliantDeployment('cart'), (d) => {
      d.spec.replicas = 1;
      d.metadata.annotations = { 'suppress.policy.cluster-estate.io/require-min-replicas': SINGLETON_REASON };
    });
    const result = runChecks([{ name: 'files', objects: [single] }], { rules: [requireMinReplicas] });
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0].suppressed).toEqual({ reason: SINGLETON_REASON });
    expect(result.summary).toMatchObject({ pass: true, mandatory: 0, suppressed: 1 });
  });

  test('a suppression without a real reason is ignored, and the finding says why', () => {
    const single = broken(compliantDeployment('cart'), (d) => {
      d.spec.replicas = 1;
      d.metadata.annotations = { 'suppress.policy.cluster-estate.io/require-min-replicas': 'ok' };
    });
    const [finding] = runChecks([{ name: 'files', objects: [single] }], { rules: [requireMinReplicas] }).findings;
    expect(finding.suppressed).toBeUndefined();
    expect(finding.message).toBe('1 replica(s); at least 2 needed (suppression ignored: annotation suppress.policy.cluster-estate.io/require-min-replicas needs a reason of at least 10 characters (got "ok"))');
  });

  test('configuration makes a policy advisory, changes its threshold or disables it', () => {
    const two = broken(compliantDeployment('cart'), (d) => (d.spec.replicas = 2));
    const objects = [{ name: 'files', objects: [two] }];
    expect(runChecks(objects, { rules: [requireMinReplicas], config: { 'require-min-replicas': { enforcementLevel: 'advisory', minReplicas: 3 } } }).summary).toMatchObject({ pass: true, advisory: 1 });
    expect(runChecks(objects, { rules: [requireMinReplicas], config: { 'require-min-replicas': 'disabled' } }).summary).toMatchObject({ pass: true, mandatory: 0, advisory: 0, policies: { evaluated: 0, disabled: ['require-min-replicas'] } });
  });

  test('findings are sorted by target, object, policy and message, whatever the input order', () => {
    const a = broken(compliantDeployment('a'), (d) => (d.spec.replicas = 1));
    const b = broken(compliantDeployment('b'), (d) => {
      d.spec.replicas = 2;
      d.spec.template.spec.containers[0].image = 'x';
    });
    const budgets = [compliantDisruptionBudget('a'), compliantDisruptionBudget('b'), defaultDenyPolicy(), resourceQuota()];
    const forward = runChecks([{ name: 't', objects: [a, b, ...budgets] }], { rules: RULES }).findings;
    const backward = runChecks([{ name: 't', objects: [...budgets, b, a] }], { rules: RULES }).findings;
    expect(backward).toEqual(forward);
    expect(forward.map((f) => `${f.object.name} ${f.policy}`)).toEqual(['a require-min-replicas', 'b require-pinned-image-tags']);
  });

  test('a rule that throws is reported with the policy and object it failed on', () => {
    const throwing = { ...requireMinReplicas, check: () => { throw new Error('boom'); } };
    expect(() => runChecks([{ name: 't', objects: [compliantDeployment()] }], { rules: [throwing] })).toThrow('policy require-min-replicas failed on Deployment shop/checkout: boom');
  });
});
