import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import * as pulumi from '@pulumi/pulumi';
import { referenceEstate } from '../../../stacks/estates';
import { checkNamesAgainstEstate, readStackSettings, runStackFromConfig } from '../../../stacks/pulumi';
import { REFERENCE_TIMES } from '../../helpers/reference';
import { fingerprintOf, kubeconfig, MANAGEMENT_KUBECONFIG, managementStackFixture, referenceEndpoint, testOptions } from './helpers/fixtures';
import { runMocked } from './helpers/mock-runtime';

/** Pulumi.yaml and the example stack files shipped for the reference estate. */

const ROOT = path.resolve(__dirname, '../../..');
const project = yaml.load(fs.readFileSync(path.join(ROOT, 'Pulumi.yaml'), 'utf8')) as Record<string, unknown>;
const CONFIG_DIR = path.join(ROOT, project.stackConfigDir as string);
const stackFiles = fs.readdirSync(CONFIG_DIR).filter((f) => /^Pulumi\..+\.yaml$/.test(f)).sort();

/** A stack file's config as the Pulumi CLI hands it to the program: structured values as JSON text. */
function rawConfig(file: string): Record<string, string> {
  const doc = yaml.load(fs.readFileSync(path.join(CONFIG_DIR, file), 'utf8')) as { config?: Record<string, unknown> };
  return Object.fromEntries(Object.entries(doc.config ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}
const stackName = (file: string) => file.replace(/^Pulumi\./, '').replace(/\.yaml$/, '');

describe('Pulumi.yaml', () => {
  test('names the project cluster-estate, a TypeScript Node.js program whose entry is stacks/index.ts, run through tsx', () => {
    // Not the SDK's TypeScript path: that needs ts-node, an optional peer dependency this package does not install.
    expect(project).toMatchObject({ name: 'cluster-estate', runtime: { name: 'nodejs', options: { typescript: false, nodeargs: '--require tsx/cjs' } }, main: 'stacks/index.ts' });
    expect(require.resolve('tsx/cjs', { paths: [ROOT] })).toBeTruthy();
    expect(fs.statSync(path.join(ROOT, project.main as string)).isFile()).toBe(true);
  });

  test('main names a file: for a folder, Pulumi would run package.json\'s main (the library) as the program', () => {
    // The CLI turns a folder `main` into working directory <folder> and entry point "."; the Node.js host then takes
    // the entry from the nearest package.json, which here is the constructs library, not the program.
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { main?: string };
    expect(pkg.main).not.toBe(project.main);
    expect(fs.statSync(path.join(ROOT, project.main as string)).isDirectory()).toBe(false);
  });

  test('keeps the stack files under stacks/ (stackConfigDir), not at the top of the repository', () => {
    expect(project.stackConfigDir).toBe('stacks/config');
    expect(fs.readdirSync(ROOT).filter((f) => /^Pulumi\..+\.yaml$/.test(f))).toEqual([]);
  });
});

describe('the example stack files of the reference estate', () => {
  const estate = referenceEstate();
  const clusters = estate.clusters;

  test('a management stack and cluster stacks of both the daily and the peak group', () => {
    expect(stackFiles).toEqual(['Pulumi.management.yaml', 'Pulumi.peak-bj1.yaml', 'Pulumi.trade-hz1.yaml']);
    const targets = stackFiles.map((f) => rawConfig(f)['cluster-estate:target']);
    expect(targets).toEqual(['management', 'peak-bj1', 'trade-hz1']);
    expect(clusters.find((c) => c.name === 'trade-hz1')!.group.kind).toBe('daily');
    expect(clusters.find((c) => c.name === 'peak-bj1')!.group.kind).toBe('peak');
  });

  test.each(stackFiles)('%s is a valid configuration, names its own target, and holds no secret in plain text', (file) => {
    const config = rawConfig(file);
    const settings = readStackSettings(config, () => true);
    checkNamesAgainstEstate(settings, estate.name, clusters.map((c) => c.name));
    expect(settings.target).toBe(stackName(file));
    expect(Object.keys(config)).not.toContain('cluster-estate:kubeconfig');
    if (settings.target !== 'management') expect(settings.kubeconfig).toEqual({ from: 'stack', stack: `organization/cluster-estate/${stackName(stackFiles[0])}` });
  });

  test.each(stackFiles)('%s: the first preview stops and asks to pin the cluster, printing the fingerprint', async (file) => {
    const config: Record<string, string> = { ...rawConfig(file), 'cluster-estate:asOf': REFERENCE_TIMES.peak.toISOString() };
    const target = config['cluster-estate:target'];
    if (target === 'management') config['cluster-estate:kubeconfig'] = MANAGEMENT_KUBECONFIG;
    const run = await runMocked(() => runStackFromConfig(testOptions([target])), {
      config,
      secretKeys: ['cluster-estate:kubeconfig'],
      stackReferences: { 'organization/cluster-estate/management': managementStackFixture([target]) },
    });
    expect(pulumi.RunError.isInstance(run.error)).toBe(true);
    expect((run.error as Error).message).toMatch(/^cluster-estate: cluster-estate:clusterFingerprint is not set: .*\n {2}fix: if that is the .* cluster, pin it: pulumi config set cluster-estate:clusterFingerprint sha256:[0-9a-f]{64}$/);
    if (target !== 'management') expect((run.error as Error).message).toContain(`points at ${referenceEndpoint(target)} (the estate's endpoint for ${target})`);
  });

  test('pinned, the daily cluster stack previews', async () => {
    const config = rawConfig('Pulumi.trade-hz1.yaml');
    const fingerprint = /sha256:[0-9a-f]{64}/.exec(String((await runMocked(() => runStackFromConfig(testOptions(['trade-hz1'])), {
      config, stackReferences: { 'organization/cluster-estate/management': managementStackFixture(['trade-hz1']) },
    })).error))![0];
    const run = await runMocked(() => runStackFromConfig(testOptions(['trade-hz1'])), {
      config: { ...config, 'cluster-estate:clusterFingerprint': fingerprint },
      stackReferences: { 'organization/cluster-estate/management': managementStackFixture(['trade-hz1']) },
    });
    expect(run.error).toBeUndefined();
    expect(run.stackOutputs).toMatchObject({ target: 'trade-hz1', kubeconfigServer: referenceEndpoint('trade-hz1') });
    expect(fingerprint).toBe(fingerprintOf(kubeconfig(referenceEndpoint('trade-hz1'), { name: 'trade-hz1' })));
  });
});
