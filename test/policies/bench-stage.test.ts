/** The bench stage "policy-check" (test/bench/stages/policy-check.ts): both pipelines write the same synthesis. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { compareFolders } from '../bench/harness/files';
import { RunRecorder } from '../bench/harness/measure';
import { appGenerator, baselinePipeline, DIGEST_FILE, oursPipeline, policyCheckInput, REPORT_FILE } from '../bench/stages/policy-check';

describe('the policy-check bench stage', () => {
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-check-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('ours renders what estate synth renders (same digest), plus the policy report, and checks every target', () => {
    const input = policyCheckInput(3);
    const ours = new RunRecorder();
    const oursOut = oursPipeline(input, ours, path.join(tmp, 'ours'));
    const baseOut = baselinePipeline(input, new RunRecorder(), path.join(tmp, 'baseline'));
    expect(oursOut.objects).toBe(baseOut.objects);
    expect(compareFolders(path.join(tmp, 'ours'), path.join(tmp, 'baseline'), { a: 'ours', b: 'baseline' }, [REPORT_FILE])).toEqual([]);
    const report = JSON.parse(fs.readFileSync(path.join(tmp, 'ours', REPORT_FILE), 'utf8'));
    expect(report.summary).toMatchObject({ estate: 'bench', objects: oursOut.objects, policies: { evaluated: 47 } });
    expect(Object.keys(ours.finish().phasesMs)).toEqual(['construct', 'synthesize', 'files', 'digest', 'check', 'report']);
    expect(fs.readFileSync(path.join(tmp, 'ours', DIGEST_FILE), 'utf8')).toMatch(/^[0-9a-f]{64} {2}\d+ files\n$/);
  });

  test('the generated estate holds apps when the app generator exists', () => {
    const input = policyCheckInput(3);
    expect(input.apps !== undefined).toBe(appGenerator() !== undefined);
  });
});
