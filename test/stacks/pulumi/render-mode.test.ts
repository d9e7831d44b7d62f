import { MANAGEMENT_TARGET } from '../../../constructs';
import { EstateStackOutputs, estateStack } from '../../../stacks/pulumi';
import { REFERENCE_TIMES, referenceSynthesis } from '../../helpers/reference';
import { managementSettings, testOptions } from './helpers/fixtures';
import { MockRun, runMocked } from './helpers/mock-runtime';

/**
 * cluster-estate:renderYamlToDirectory: the provider renders the objects to files (its render mode), so the stack
 * needs no kubeconfig and no fingerprint, and registers the same object resources.
 */
describe('a stack in render mode', () => {
  let run: MockRun<EstateStackOutputs>;

  beforeAll(async () => {
    const settings = managementSettings(REFERENCE_TIMES.peak, { kubeconfig: undefined, clusterFingerprint: undefined, renderYamlToDirectory: '/tmp/rendered' });
    run = await runMocked(() => estateStack(settings, testOptions()));
  });

  test('gives its provider the directory and no kubeconfig, and neither reads nor pins one', () => {
    expect(run.error).toBeUndefined();
    const provider = run.resources.find((r) => r.type === 'pulumi:providers:kubernetes')!;
    expect(provider.inputs).toMatchObject({ renderYamlToDirectory: '/tmp/rendered', clusterIdentifier: 'reference/management' });
    expect(provider.inputs.kubeconfig).toBeUndefined();
    expect(run.result?.clusterFingerprint).toBeUndefined();
    expect(run.result?.kubeconfigServer).toBeUndefined();
  });

  test('registers every object of the target, as a stack applying to a cluster does', () => {
    const objects = referenceSynthesis(REFERENCE_TIMES.peak).targets.find((t) => t.name === MANAGEMENT_TARGET)!.objects;
    expect(run.resources.filter((r) => r.type.startsWith('kubernetes:')).length).toBe(objects.length);
  });
});
