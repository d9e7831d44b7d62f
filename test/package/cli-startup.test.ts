/**
 * `estate synth`, `estate check` and `estate diff` never talk to Pulumi, so they must not load its SDK: @pulumi/policy
 * pulls in @pulumi/pulumi and the TypeScript compiler, which took about a third of a second of every command's start
 * (and 70 MB) while the policies' barrel re-exported the Pulumi adapter. Runs the compiled CLI as a user does and
 * lists the modules each command loaded.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildPackage } from './build';
import { REPO } from './public-api';

const BIN = path.join(REPO, 'lib/stacks/cli/main.js');
/** Loaded by a command that does not provision anything, they are startup cost for nothing. */
const NOT_AT_STARTUP = [/[\\/]node_modules[\\/]@pulumi[\\/]/, /[\\/]node_modules[\\/]typescript[\\/]/];

let temp: string;

beforeAll(() => {
  buildPackage();
  temp = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-estate-startup-'));
  // Written at exit by every command run below: the files of the modules it loaded.
  fs.writeFileSync(
    path.join(temp, 'loaded-modules.js'),
    "process.on('exit', () => require('fs').writeFileSync(process.env.LOADED_MODULES_FILE, JSON.stringify(Object.keys(require.cache))));\n",
  );
}, 300_000);

afterAll(() => {
  fs.rmSync(temp, { recursive: true, force: true });
});

/** Runs `estate <args>` in the temporary folder and returns the modules it loaded. */
function loadedBy(name: string, args: string[]): string[] {
  const list = path.join(temp, `${name}.json`);
  const r = spawnSync(process.execPath, ['--require', path.join(temp, 'loaded-modules.js'), BIN, ...args], {
    cwd: temp,
    encoding: 'utf8',
    env: { ...process.env, LOADED_MODULES_FILE: list },
  });
  if (r.status !== 0) throw new Error(`estate ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(fs.readFileSync(list, 'utf8')) as string[];
}

describe('commands that do not provision start without the Pulumi SDK', () => {
  test('synth, check and diff of the reference estate load no @pulumi or typescript module', () => {
    const loaded = {
      synth: loadedBy('synth', ['synth', '--out', 'out']),
      check: loadedBy('check', ['check']),
      diff: loadedBy('diff', ['diff', '--base-dir', 'out', '--head-dir', 'out']),
    };
    for (const [command, modules] of Object.entries(loaded)) {
      // The probe works: each command loaded the CLI and the constructs.
      expect(modules.some((m) => m.endsWith(path.join('lib', 'constructs', 'index.js')))).toBe(true);
      const heavy = modules.filter((m) => NOT_AT_STARTUP.some((p) => p.test(m)));
      expect({ command, heavy: heavy.map((m) => path.relative(REPO, m)).slice(0, 5) }).toEqual({ command, heavy: [] });
    }
  });
});
