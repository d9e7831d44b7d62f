import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { JsonPatch } from 'cdk8s';
import { synthesisFiles, synthesize, writeSynthesis, SUMMARY_FILE, EstateValidationError } from '../../../constructs';
import { referenceEstate } from '../../../stacks/estates';
import { field, theObject } from '../../helpers/objects';
import { REFERENCE_TIMES } from '../../helpers/reference';

function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out[path.relative(dir, full)] = fs.readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return out;
}

describe('deterministic output', () => {
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'estate-synth-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('two syntheses of the same estate write byte-identical files', () => {
    const a = writeSynthesis(synthesize(referenceEstate(), { asOf: REFERENCE_TIMES.peak }), path.join(tmp, 'a'));
    const b = writeSynthesis(synthesize(referenceEstate(), { asOf: REFERENCE_TIMES.peak }), path.join(tmp, 'b'));
    const treeA = readTree(a);
    expect(Object.keys(treeA).length).toBeGreaterThan(8);
    expect(readTree(b)).toEqual(treeA);
  });

  test('files go to <out>/<estate>/<target>/, one file per cluster namespace, plus the summary', () => {
    const dir = writeSynthesis(synthesize(referenceEstate(), { asOf: REFERENCE_TIMES.peak }), tmp);
    expect(dir).toBe(path.join(tmp, 'reference'));
    const files = Object.keys(readTree(dir)).sort();
    expect(files).toContain(SUMMARY_FILE);
    expect(files).toContain('management/trade-hz1.yaml');
    expect(files.filter((f) => f.startsWith('management/'))).toHaveLength(8);
    const summary = JSON.parse(fs.readFileSync(path.join(dir, SUMMARY_FILE), 'utf8'));
    expect(summary).toMatchObject({ estate: 'reference', asOf: '2026-11-10T16:00:00.000Z', promotions: [{ phase: 'peak' }] });
  });

  test('a rerun replaces stale files (a removed cluster leaves no file behind)', () => {
    writeSynthesis(synthesize(referenceEstate(), { asOf: REFERENCE_TIMES.peak }), tmp);
    writeSynthesis(synthesize(referenceEstate(), { asOf: REFERENCE_TIMES.dormantAfter }), tmp);
    expect(fs.existsSync(path.join(tmp, 'reference', 'management', 'peak-bj1.yaml'))).toBe(false);
    expect(fs.existsSync(path.join(tmp, 'reference', 'management', 'trade-hz1.yaml'))).toBe(true);
  });

  test('the writer refuses to clear a folder it did not write', () => {
    fs.mkdirSync(path.join(tmp, 'reference'));
    fs.writeFileSync(path.join(tmp, 'reference', 'notes.txt'), 'keep me');
    expect(() => writeSynthesis(synthesize(referenceEstate(), { asOf: REFERENCE_TIMES.peak }), tmp)).toThrow(/refusing to replace/);
    expect(fs.readFileSync(path.join(tmp, 'reference', 'notes.txt'), 'utf8')).toBe('keep me');
  });

  test('YAML 1.1 booleans and numbers in strings stay strings', () => {
    const text = synthesisFiles(synthesize(referenceEstate(), { asOf: REFERENCE_TIMES.peak })).find((f) => f.path === 'management/trade-hz1.yaml')!.text;
    expect(text).toContain('value: "false"');
    expect(text).not.toMatch(/value: false$/m);
  });
});

describe('escape hatch: JSON patches on synthesized objects', () => {
  test('a patch changes exactly the object it names', () => {
    const estate = referenceEstate();
    const cluster = estate.node.findAll().find((c) => c.node.id === 'trade-hz1') as import('../../../constructs').Cluster;
    cluster.addObjectPatch({ kind: 'KubeadmControlPlane', patches: [JsonPatch.add('/spec/kubeadmConfigSpec/verbosity', 4)] });
    const objects = synthesize(estate, { asOf: REFERENCE_TIMES.peak }).targets[0].objects;
    expect(field(theObject(objects, 'KubeadmControlPlane', 'trade-hz1-control-plane'), 'spec.kubeadmConfigSpec.verbosity')).toBe(4);
    expect(field(theObject(objects, 'KubeadmControlPlane', 'trade-hz2-control-plane'), 'spec.kubeadmConfigSpec.verbosity')).toBeUndefined();
  });

  test('a patch that matches nothing is an error, not a silent no-op', () => {
    const estate = referenceEstate();
    const cluster = estate.node.findAll().find((c) => c.node.id === 'trade-hz1') as import('../../../constructs').Cluster;
    cluster.addObjectPatch({ kind: 'KubeadmControlPlane', name: 'trade-hz1-typo', patches: [JsonPatch.add('/spec/x', 1)] });
    let error: unknown;
    try {
      synthesize(estate, { asOf: REFERENCE_TIMES.peak });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EstateValidationError);
    expect((error as EstateValidationError).problems).toEqual([expect.objectContaining({ rule: 'object-patch', path: 'reference/daily/trade-hz1' })]);
  });
});
