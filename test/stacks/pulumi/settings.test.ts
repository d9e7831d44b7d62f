import { readStackSettings, StackConfigError, StackConfigErrors, stackErrorMessage } from '../../../stacks/pulumi';

/** The stack configuration: every problem reported at once, each with the command that fixes it. */

const SECRET = new Set(['cluster-estate:kubeconfig']);
const isSecret = (k: string) => SECRET.has(k);
const read = (config: Record<string, string>, secret: (k: string) => boolean = isSecret) => readStackSettings(config, secret);

function problemsOf(config: Record<string, string>, secret?: (k: string) => boolean): string {
  try {
    read(config, secret);
  } catch (e) {
    expect(e instanceof StackConfigError || e instanceof StackConfigErrors).toBe(true);
    return stackErrorMessage(e)!;
  }
  throw new Error('expected a configuration error');
}

describe('readStackSettings', () => {
  test('a management stack: defaults to the reference estate and the current time', () => {
    const s = read({ 'cluster-estate:target': 'management', 'cluster-estate:kubeconfig': 'apiVersion: v1' });
    expect(s).toMatchObject({ estate: 'reference', target: 'management', exportKubeconfigs: [], releaseProtection: [] });
    expect(s.asOf).toBeUndefined();
    expect(s.kubeconfig?.from).toBe('config');
    // The kubeconfig text is behind a function: printing or serializing the settings never shows it.
    expect(JSON.stringify(s)).not.toContain('apiVersion');
  });

  test('a cluster stack reading its kubeconfig from the management stack, with lists as YAML lists or comma-separated', () => {
    const s = read({
      'cluster-estate:estate': './estates/acme.ts',
      'cluster-estate:target': 'trade-hz1',
      'cluster-estate:asOf': '2026-11-11T00:00:00+08:00',
      'cluster-estate:managementStack': 'organization/cluster-estate/management',
      'cluster-estate:clusterFingerprint': `sha256:${'a'.repeat(64)}`,
      'cluster-estate:releaseProtection': '["trade-hz1"]',
    });
    expect(s).toMatchObject({ estate: './estates/acme.ts', target: 'trade-hz1', kubeconfig: { from: 'stack', stack: 'organization/cluster-estate/management' }, releaseProtection: ['trade-hz1'] });
    expect(s.asOf!.toISOString()).toBe('2026-11-10T16:00:00.000Z');
    expect(read({ 'cluster-estate:target': 'management', 'cluster-estate:exportKubeconfigs': 'trade-hz1, trade-hz2' }).exportKubeconfigs).toEqual(['trade-hz1', 'trade-hz2']);
  });

  test('a bad as-of says what a good one looks like, and how to go back to now', () => {
    expect(problemsOf({ 'cluster-estate:target': 'management', 'cluster-estate:asOf': '2026-11-11' })).toBe(
      'cluster-estate: cluster-estate:asOf "2026-11-11" is not an ISO-8601 time with an offset\n' +
      '  fix: pulumi config set cluster-estate:asOf 2026-11-11T00:00:00+08:00 (or pulumi config rm cluster-estate:asOf to judge promotions at the current time)',
    );
  });

  test('a missing target, and every other problem, reported together', () => {
    const text = problemsOf({ 'cluster-estate:asof': 'x', 'cluster-estate:clusterFingerprint': 'abc', 'cluster-estate:exportKubeconfigs': '[1]' });
    expect(text.split('\n').filter((l) => l.startsWith('cluster-estate: '))).toEqual([
      'cluster-estate: unknown configuration key cluster-estate:asof',
      'cluster-estate: cluster-estate:target is not set',
      'cluster-estate: cluster-estate:clusterFingerprint "abc" is not a cluster fingerprint (sha256: and 64 lowercase hex digits)',
      'cluster-estate: cluster-estate:exportKubeconfigs is not a list of cluster names',
    ]);
    expect(text).toContain('fix: rename it: pulumi config rm cluster-estate:asof && pulumi config set cluster-estate:asOf <value>');
    expect(text).toContain('fix: pulumi config set cluster-estate:target management (or the name of one cluster of the estate)');
  });

  test('a kubeconfig stored in plain text is refused, and the message never shows it', () => {
    const text = problemsOf({ 'cluster-estate:target': 'management', 'cluster-estate:kubeconfig': 'token: hunter2' }, () => false);
    expect(text).toContain('cluster-estate:kubeconfig is stored in plain text in the stack file');
    expect(text).toContain('cat <kubeconfig-file> | pulumi config set --secret cluster-estate:kubeconfig');
    expect(text).not.toContain('hunter2');
  });

  test('two kubeconfig sources are ambiguous; the management stack cannot reference itself; a cluster stack exports nothing', () => {
    expect(problemsOf({ 'cluster-estate:target': 'trade-hz1', 'cluster-estate:kubeconfig': 'x', 'cluster-estate:managementStack': 'organization/cluster-estate/management' }))
      .toMatch(/both cluster-estate:kubeconfig and cluster-estate:managementStack are set/);
    expect(problemsOf({ 'cluster-estate:target': 'management', 'cluster-estate:managementStack': 'organization/cluster-estate/management' }))
      .toMatch(/the management stack cannot take its kubeconfig from cluster-estate:managementStack/);
    expect(problemsOf({ 'cluster-estate:target': 'trade-hz1', 'cluster-estate:exportKubeconfigs': 'trade-hz1' }))
      .toMatch(/exportKubeconfigs is set on a cluster stack/);
    expect(problemsOf({ 'cluster-estate:target': 'trade-hz1', 'cluster-estate:managementStack': 'not a stack' }))
      .toMatch(/"not a stack" is not a stack name/);
  });

  test('render mode: a directory instead of a cluster, which cannot export kubeconfigs', () => {
    expect(read({ 'cluster-estate:target': 'management', 'cluster-estate:renderYamlToDirectory': 'out/management' }).renderYamlToDirectory).toBe('out/management');
    expect(read({ 'cluster-estate:target': 'management' }).renderYamlToDirectory).toBeUndefined();
    expect(problemsOf({ 'cluster-estate:target': 'management', 'cluster-estate:renderYamlToDirectory': 'out', 'cluster-estate:exportKubeconfigs': 'trade-hz1' }))
      .toMatch(/exportKubeconfigs needs a cluster to read Secrets from, but cluster-estate:renderYamlToDirectory renders to files/);
  });

  test('keys of other namespaces (providers, pulumi) are not this program\'s business', () => {
    expect(() => read({ 'cluster-estate:target': 'management', 'kubernetes:context': 'x', 'pulumi:tags': '{}' })).not.toThrow();
  });
});
