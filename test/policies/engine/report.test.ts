import { checkDocument, formatCheckText, RULES, runChecks } from '../../../policies/api';
import { broken, compliantDeployment } from '../fixtures/workloads';
import { defaultDenyPolicy, resourceQuota } from '../fixtures/tenancy';

const result = () => runChecks([{
  name: 'files',
  objects: [
    broken(compliantDeployment('cart'), (d) => {
      d.spec.replicas = 1;
      d.metadata.annotations = { 'suppress.policy.cluster-estate.io/require-pod-disruption-budget': 'budget lives in the platform chart (OPS-7)' };
    }),
    defaultDenyPolicy(),
    resourceQuota(),
  ],
  sources: [{ file: 'cart.yaml', line: 1 }, { file: 'cart.yaml', line: 40 }, { file: 'cart.yaml', line: 48 }],
  findingTarget: () => 'cart.yaml',
}], { rules: RULES });

describe('reports', () => {
  test('the JSON document has the documented shape, keys in a fixed order', () => {
    const doc = checkDocument(result(), { files: ['cart.yaml'] });
    expect(Object.keys(doc)).toEqual(['findings', 'summary']);
    expect(doc.findings.map((f) => Object.keys(f))).toEqual([
      ['policy', 'enforcement', 'severity', 'target', 'object', 'message', 'source'],
      ['policy', 'enforcement', 'severity', 'target', 'object', 'message', 'suppressed', 'source'],
    ]);
    expect(Object.keys(doc.findings[0].object)).toEqual(['apiVersion', 'kind', 'namespace', 'name']);
    expect(doc.summary).toMatchObject({ files: ['cart.yaml'], pass: false, mandatory: 1, advisory: 0, suppressed: 1, targets: 1, objects: 3 });
  });

  test('the text report lists mandatory findings first, then suppressed ones with their reasons, how to fix, and the verdict', () => {
    const text = formatCheckText(result(), { files: ['cart.yaml'] }, RULES);
    expect(text.split('\n')).toEqual([
      'estate check: 1 file(s) · 1 target(s) · 3 object(s) · 47 policies',
      '',
      'MANDATORY  require-min-replicas (high) · cart.yaml:1 · Deployment shop/cart',
      '           1 replica(s); at least 2 needed',
      '',
      'SUPPRESSED require-pod-disruption-budget (high) · cart.yaml:1 · Deployment shop/cart',
      '           no PodDisruptionBudget selects its pods: a node drain may evict every replica at once',
      '           suppressed: budget lives in the platform chart (OPS-7)',
      '',
      'how to fix:',
      `  require-min-replicas: ${RULES.find((r) => r.id === 'require-min-replicas')!.remediation}`,
      '',
      '1 mandatory, 0 advisory, 1 suppressed: FAIL (mandatory violations)',
    ]);
  });
});
