import * as pulumi from '@pulumi/pulumi';
import { runStackFromConfig } from '../../../stacks/pulumi';
import { fingerprintOf, kubeconfig, MANAGEMENT_KUBECONFIG, managementStackFixture, MANAGEMENT_STACK, referenceEndpoint, testOptions, TOKEN } from './helpers/fixtures';
import { MockRunOptions, runMocked } from './helpers/mock-runtime';

/**
 * The program as Pulumi runs it (stacks/index.ts → runStackFromConfig), from raw stack configuration. Anything the
 * user can fix stops it with a `pulumi.RunError` — which the Pulumi Node.js host prints as the message alone — that
 * names the problem and the fix; nothing is registered.
 */

const AS_OF = '2026-11-11T00:00:00+08:00';
const MANAGEMENT_CONFIG = {
  'cluster-estate:target': 'management',
  'cluster-estate:asOf': AS_OF,
  'cluster-estate:kubeconfig': MANAGEMENT_KUBECONFIG,
  'cluster-estate:clusterFingerprint': fingerprintOf(MANAGEMENT_KUBECONFIG),
};
const SECRET_KEYS = ['cluster-estate:kubeconfig'];

async function failure(config: Record<string, string>, extra: Partial<MockRunOptions> = {}): Promise<{ message: string; registered: string[] }> {
  const options = testOptions(['trade-hz1']);
  const run = await runMocked(() => runStackFromConfig(options), { config, secretKeys: SECRET_KEYS, ...extra });
  expect(run.error).toBeDefined();
  expect(pulumi.RunError.isInstance(run.error)).toBe(true);
  const message = (run.error as Error).message;
  expect(message).not.toMatch(/\n\s+at /);
  expect(message).not.toContain(TOKEN);
  return { message, registered: run.resources.map((r) => r.type).filter((t) => t !== 'pulumi:pulumi:Stack' && t !== 'pulumi:pulumi:StackReference') };
}

describe('the stack entry point', () => {
  test('stacks/index.ts exports the program as a function Pulumi runs', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const entry = require('../../../stacks') as () => Promise<unknown>;
    expect(typeof entry).toBe('function');
    // Under mocks pulumi.log writes to the console: the notices the real host would print.
    const console = jest.spyOn(global.console, 'log').mockImplementation(() => undefined);
    const run = await runMocked(() => entry() as Promise<Record<string, unknown>>, { config: MANAGEMENT_CONFIG, secretKeys: SECRET_KEYS });
    const printed = console.mock.calls.map((c) => c.join(' ')).join('\n');
    console.mockRestore();
    expect(run.error).toBeUndefined();
    expect(printed).toMatch(/kubeconfigs not exported: charging-sh1/);
    expect(run.stackOutputs).toMatchObject({ estate: 'reference', target: 'management', asOf: '2026-11-10T16:00:00.000Z' });
  });

  test('an unknown estate', async () => {
    const { message, registered } = await failure({ ...MANAGEMENT_CONFIG, 'cluster-estate:estate': 'acme' });
    expect(message).toBe(
      'cluster-estate: unknown estate "acme"\n' +
      '  fix: use a built-in estate (reference) or the path of a module that exports an Estate',
    );
    expect(registered).toEqual([]);
  });

  test('an estate module that does not exist, relative to the project root', async () => {
    const { message } = await failure({ ...MANAGEMENT_CONFIG, 'cluster-estate:estate': 'stacks/estates/acme.ts' });
    expect(message).toMatch(/^cluster-estate: estate module \/.*\/stacks\/estates\/acme\.ts does not exist\n {2}fix: /);
  });

  test('a bad as-of', async () => {
    const { message, registered } = await failure({ ...MANAGEMENT_CONFIG, 'cluster-estate:asOf': 'next tuesday' });
    expect(message).toMatch(/^cluster-estate: cluster-estate:asOf "next tuesday" is not an ISO-8601 time with an offset\n {2}fix: pulumi config set cluster-estate:asOf 2026-11-11T00:00:00\+08:00/);
    expect(registered).toEqual([]);
  });

  test('an unknown target lists the targets there are', async () => {
    const { message, registered } = await failure({ ...MANAGEMENT_CONFIG, 'cluster-estate:target': 'trade-hz9' });
    expect(message).toBe(
      'cluster-estate: cluster-estate:target "trade-hz9" is neither management nor a cluster of estate reference\n' +
      '  fix: pulumi config set cluster-estate:target <one of: management, charging-sh1, ops-nx1, peak-bj1, peak-nx1, trade-bj1, trade-hz1, trade-hz2, trade-sz1>',
    );
    expect(registered).toEqual([]);
  });

  test('a typo in a cluster list', async () => {
    const { message } = await failure({ ...MANAGEMENT_CONFIG, 'cluster-estate:exportKubeconfigs': '["trade-hz1","trade-hz3"]' });
    expect(message).toMatch(/cluster-estate:exportKubeconfigs names "trade-hz3", not a cluster of estate reference/);
  });

  test('an invalid estate lists every broken rule with its fix', async () => {
    const { message, registered } = await failure({ ...MANAGEMENT_CONFIG, 'cluster-estate:estate': 'test/fixtures/estates/invalid.ts' });
    expect(message.split('\n')[0]).toMatch(/^cluster-estate: the estate is invalid: \d+ error\(s\)/);
    for (const rule of ['etcd-odd-member-count', 'cidr-overlap']) expect(message).toContain(rule);
    expect(message).toContain('Fix:');
    expect(registered).toEqual([]);
  });

  test('no kubeconfig for the management stack', async () => {
    const { 'cluster-estate:kubeconfig': _, ...config } = MANAGEMENT_CONFIG;
    const { message } = await failure(config);
    expect(message).toMatch(/no kubeconfig for target management.*\n {2}fix: cat <management-cluster-kubeconfig> \| pulumi config set --secret cluster-estate:kubeconfig/);
  });

  test('an unpinned cluster: the stack stops and prints the fingerprint to pin, after the human check', async () => {
    const { 'cluster-estate:clusterFingerprint': _, ...config } = MANAGEMENT_CONFIG;
    const { message, registered } = await failure(config);
    expect(message).toBe(
      'cluster-estate: cluster-estate:clusterFingerprint is not set: the stack does not yet know which cluster it manages; the kubeconfig from cluster-estate:kubeconfig points at https://management-api.k8s.estate.internal:6443\n' +
      `  fix: if that is the management cluster, pin it: pulumi config set cluster-estate:clusterFingerprint ${fingerprintOf(MANAGEMENT_KUBECONFIG)}`,
    );
    expect(registered).toEqual([]);
  });

  test('a kubeconfig that now points at another cluster stops the stack before any provider or resource is registered', async () => {
    const moved = kubeconfig('https://10.0.0.1:6443', { name: 'trade-hz1' });
    const { message, registered } = await failure(
      { 'cluster-estate:target': 'trade-hz1', 'cluster-estate:asOf': AS_OF, 'cluster-estate:managementStack': MANAGEMENT_STACK, 'cluster-estate:clusterFingerprint': fingerprintOf(kubeconfig(referenceEndpoint('trade-hz1'), { name: 'trade-hz1' })) },
      { stackReferences: { [MANAGEMENT_STACK]: { outputs: { kubeconfigs: { 'trade-hz1': moved } }, secretOutputNames: ['kubeconfigs'] } } },
    );
    expect(registered).toEqual([]);
    expect(message).toContain(`the kubeconfig from the ${MANAGEMENT_STACK} stack's kubeconfigs output now points at another cluster: https://10.0.0.1:6443, while the estate says trade-hz1's API endpoint is ${referenceEndpoint('trade-hz1')}`);
    expect(message).toContain('Nothing was changed');
    expect(message).toContain(`fix: if it is the same trade-hz1 cluster reached another way (a moved endpoint, a rotated CA), accept it with pulumi config set cluster-estate:clusterFingerprint ${fingerprintOf(moved)}`);
    expect(message).toContain('the provider is updated in place (its clusterIdentifier does not change), no resource is replaced');
  });

  test('a cluster whose kubeconfig the management stack does not export yet', async () => {
    const { message, registered } = await failure(
      { 'cluster-estate:target': 'trade-hz1', 'cluster-estate:asOf': AS_OF, 'cluster-estate:managementStack': MANAGEMENT_STACK },
      { stackReferences: { [MANAGEMENT_STACK]: managementStackFixture(['trade-hz2']) } },
    );
    expect(message).toMatch(/the management stack organization\/cluster-estate\/management exports no kubeconfig for trade-hz1 \(its output kubeconfigs has trade-hz2\)/);
    expect(message).toMatch(/fix: once Cluster API has provisioned trade-hz1 .* add it to cluster-estate:exportKubeconfigs of the management stack/);
    expect(registered).toEqual([]);
  });

  test('a kubeconfig that is not one says so without quoting it', async () => {
    const notYaml = `token: ${TOKEN}\n  - : [`;
    const { message } = await failure({ ...MANAGEMENT_CONFIG, 'cluster-estate:kubeconfig': notYaml });
    expect(message).toMatch(/^cluster-estate: the kubeconfig from cluster-estate:kubeconfig is not (YAML|a kubeconfig)/);
  });

  test('an internal error keeps its stack trace: it is a bug to report, not a configuration problem', async () => {
    const options = testOptions([], { synthesize: () => { throw new Error('boom'); } });
    const run = await runMocked(() => runStackFromConfig(options), { config: MANAGEMENT_CONFIG, secretKeys: SECRET_KEYS });
    expect(pulumi.RunError.isInstance(run.error)).toBe(false);
    expect((run.error as Error).message).toBe('boom');
  });
});
