/**
 * The first update of a management stack that has no `running` output: a stack applied by a release before
 * content-named templates. Without a base every template gets its content name and every MachineDeployment and
 * control plane repoints, so every machine rolls: the program says so loudly. With `cluster-estate:baseDir` (a
 * folder `estate synth` wrote for what runs) equal templates keep the names that run, and nothing rolls.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KubeObject, MANAGEMENT_TARGET, Synthesis, synthesize, writeSynthesis } from '../../../constructs/internal';
import { referenceEstate } from '../../../stacks/estates';
import { EstateStackOutputs, estateStack, readStackSettings } from '../../../stacks/pulumi';
import { templateRefsOf } from '../../helpers/objects';
import { REFERENCE_TIMES } from '../../helpers/reference';
import { managementSettings, testOptions } from './helpers/fixtures';
import { MockRun, runMocked } from './helpers/mock-runtime';

const T = REFERENCE_TIMES.dormantBefore;
const OWNER = 'cluster-estate.io/template-owner';
const OWNER_KIND = 'cluster-estate.io/template-owner-kind';
const REF_PATHS = [['spec', 'template', 'spec', 'infrastructureRef'], ['spec', 'template', 'spec', 'bootstrap', 'configRef'], ['spec', 'machineTemplate', 'spec', 'infrastructureRef']];

/** The synthesis as a release before content naming wrote it: each template named after its owner, without owner labels. */
function beforeContentNaming(synthesis: Synthesis): Synthesis {
  const targets = synthesis.targets.map((t) => {
    if (t.name !== MANAGEMENT_TARGET) return t;
    const copy = JSON.parse(JSON.stringify(t.objects)) as KubeObject[];
    const renamed = new Map<string, string>();
    for (const o of copy) {
      const owner = o.metadata.labels?.[OWNER];
      if (!owner) continue;
      renamed.set(`${o.metadata.namespace}/${o.kind}/${o.metadata.name}`, owner);
      (o.metadata as { name: string }).name = owner;
      delete o.metadata.labels![OWNER];
      delete o.metadata.labels![OWNER_KIND];
    }
    for (const o of copy) {
      for (const p of REF_PATHS) {
        const ref = p.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o) as { kind?: string; name?: string } | undefined;
        const name = ref && renamed.get(`${o.metadata.namespace}/${ref.kind}/${ref.name}`);
        if (ref && name) ref.name = name;
      }
    }
    return { ...t, objects: copy };
  });
  return { ...synthesis, targets };
}

interface Update {
  readonly run: MockRun<EstateStackOutputs>;
  readonly log: string[];
}

async function update(overrides: { baseDir?: string; appliedBefore: boolean }): Promise<Update> {
  const options = testOptions([], {
    loadEstate: () => referenceEstate(),
    synthesize: (e, asOf, base) => synthesize(e, { asOf, ...(base ? { base } : {}) }),
    appliedBefore: async () => overrides.appliedBefore,
  });
  const run = await runMocked(
    () => estateStack(managementSettings(T, overrides.baseDir ? { baseDir: overrides.baseDir } : {}), options),
    { preview: false },
  );
  return { run, log: options.log.lines };
}

/** Template names the control planes and MachineDeployments reference, as the engine receives them. */
function referenced(u: Update): string[] {
  return u.run.resources
    .filter((r) => !r.read && (r.type.endsWith(':MachineDeployment') || r.type.endsWith(':KubeadmControlPlane')))
    .flatMap((r) => templateRefsOf(r.inputs as unknown as KubeObject).map((ref) => `${r.name} -> ${ref.name}`))
    .sort();
}

let dir: string;
let old: Synthesis;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-estate-applied-base-'));
  old = beforeContentNaming(synthesize(referenceEstate(), { asOf: T }));
  writeSynthesis(old, dir);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('a management stack applied before content-named templates', () => {
  test('without a base: the update says loudly that every machine rolls, in the log and in the notices output', async () => {
    const u = await update({ appliedBefore: true });
    expect(u.run.error).toBeUndefined();
    const loud = u.log.filter((l) => l.includes('NO BASE'));
    expect(loud).toHaveLength(1);
    expect(loud[0]).toMatch(/EVERY MACHINE OF EVERY CLUSTER ROLLS/);
    expect(loud[0]).toContain('pulumi config set cluster-estate:baseDir');
    expect(u.run.result!.notices.some((n) => n.startsWith('warn: NO BASE'))).toBe(true);
    // And it is true: no reference names a template that runs.
    const running = new Set(old.targets.find((t) => t.name === MANAGEMENT_TARGET)!.objects.map((o) => o.metadata.name));
    expect(referenced(u).length).toBeGreaterThan(10);
    expect(referenced(u).filter((r) => running.has(r.split(' -> ')[1]))).toEqual([]);
  });

  test('a stack never updated before says nothing of the kind', async () => {
    const u = await update({ appliedBefore: false });
    expect(u.log.filter((l) => l.includes('NO BASE'))).toEqual([]);
  });

  test('with cluster-estate:baseDir: judged against that folder, equal templates keep the names that run, nothing rolls', async () => {
    const u = await update({ baseDir: dir, appliedBefore: true });
    expect(u.run.error).toBeUndefined();
    expect(u.log.filter((l) => l.includes('NO BASE'))).toEqual([]);
    expect(u.log.some((l) => l.includes('judging this update against') && l.includes('cluster-estate:baseDir'))).toBe(true);
    const before = old.targets.find((t) => t.name === MANAGEMENT_TARGET)!.objects
      .filter((o) => o.kind === 'MachineDeployment' || o.kind === 'KubeadmControlPlane')
      .flatMap((o) => templateRefsOf(o).map((ref) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name} -> ${ref.name}`))
      .sort();
    expect(referenced(u)).toEqual(before);
  });

  test('a baseDir that is not a synthesis stops the update with the fix', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-estate-empty-base-'));
    try {
      const u = await update({ baseDir: empty, appliedBefore: true });
      expect(String((u.run.error as Error).message)).toMatch(/cluster-estate:baseDir .*holds no synthesis/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  test('baseDir is read from the configuration, and refused on a cluster stack', () => {
    const config = { 'cluster-estate:target': 'management', 'cluster-estate:baseDir': 'running/reference' };
    expect(readStackSettings(config, () => true).baseDir).toBe('running/reference');
    expect(() => readStackSettings({ ...config, 'cluster-estate:target': 'trade-hz1' }, () => true)).toThrow(/baseDir is set on a cluster stack/);
  });
});
