import { forbidDebugModeInProduction } from '../../../../policies/rules';
import { referenceContext } from '../../fixtures/estate';
import { judge, messages } from '../../fixtures/judge';
import { broken, compliantDeployment, mainContainerOf } from '../../fixtures/workloads';

const debug = (change: (x: any) => void = () => undefined) => broken(compliantDeployment(), (x) => { // eslint-disable-line @typescript-eslint/no-explicit-any
  x.spec.template.metadata.annotations['cluster-estate.io/debug'] = 'INC-4711: heap dump of a crash loop';
  change(x);
});

describe('forbid-debug-mode-in-production', () => {
  test('a pod not in debug mode is compliant', () => {
    expect(judge(forbidDebugModeInProduction, compliantDeployment())).toEqual({ kind: 'compliant' });
  });

  test('the debug annotation in production is a violation', () => {
    expect(messages(judge(forbidDebugModeInProduction, debug()))).toEqual(['debug mode is on (annotation cluster-estate.io/debug: "INC-4711: heap dump of a crash loop") in environment production: probes and hooks are dropped']);
  });

  test('an explicit "false" is not debug mode', () => {
    expect(judge(forbidDebugModeInProduction, debug((x) => (x.spec.template.metadata.annotations['cluster-estate.io/debug'] = 'false')))).toEqual({ kind: 'compliant' });
  });

  test('a DEBUG environment variable is debug mode', () => {
    const d = broken(compliantDeployment(), (x) => (mainContainerOf(x).env = [{ name: 'DEBUG', value: 'true' }]));
    expect(messages(judge(forbidDebugModeInProduction, d))[0]).toMatch(/environment variable DEBUG=true in container "checkout"/);
  });

  test('staging is allowed; an unknown environment counts as production unless configured otherwise; the estate\'s environment applies', () => {
    expect(judge(forbidDebugModeInProduction, debug((x) => (x.spec.template.metadata.labels['cluster-estate.io/env'] = 'staging'))).kind).toBe('not-applicable');
    const unlabelled = debug((x) => delete x.spec.template.metadata.labels['cluster-estate.io/env']);
    expect(messages(judge(forbidDebugModeInProduction, unlabelled))[0]).toMatch(/in an unknown environment \(no cluster-estate.io\/env label; judged as production\)/);
    expect(judge(forbidDebugModeInProduction, unlabelled, { config: { treatUnknownAsProduction: false } }).kind).toBe('not-applicable');
    expect(messages(judge(forbidDebugModeInProduction, unlabelled, { context: referenceContext() }))[0]).toMatch(/in environment production/);
  });
});
