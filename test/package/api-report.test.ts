/**
 * The public API is recorded in .api/*.api.md (API Extractor): any change to what the package's entry points export
 * fails here until the reports are updated, so every API change shows up in review.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildPackage } from './build';
import { REPO } from './public-api';

interface ReportResult { subpath: string; report: string; changed: boolean; succeeded: boolean; errors: number; messages: string[] }
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { runApiReports, ENTRY_POINTS, UPDATE_COMMAND } = require(path.join(REPO, '.api', 'run.js')) as {
  runApiReports(options: { local?: boolean; entryOverride?: Record<string, string>; tempFolder?: string }): ReportResult[];
  ENTRY_POINTS: { subpath: string; report: string }[];
  UPDATE_COMMAND: string;
};

let temp: string;
beforeAll(() => {
  buildPackage();
  temp = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-estate-api-'));
});
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

describe('the API reports', () => {
  it('cover every public entry point of package.json "exports"', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    const subpaths = Object.keys(pkg.exports).filter((s) => s !== './package.json');
    expect(ENTRY_POINTS.map((e) => e.subpath).sort()).toEqual(subpaths.sort());
    for (const e of ENTRY_POINTS) expect(fs.existsSync(path.join(REPO, '.api', e.report))).toBe(true);
  });

  it('match the public API (otherwise: review the change and run `npm run api:update`)', () => {
    const results = runApiReports({ tempFolder: temp });
    const stale = results.filter((r) => r.changed || !r.succeeded).map((r) => {
      const errors = r.messages.filter((m) => m.startsWith('error'));
      return `${path.relative(REPO, r.report)} is out of date: the public API of cluster-estate${r.subpath === '.' ? '' : r.subpath.slice(1)} changed. `
        + `Review the change, then run \`${UPDATE_COMMAND}\` and commit the report with it.${errors.length ? `\n${errors.join('\n')}` : ''}`;
    });
    expect(stale).toEqual([]);
  }, 120_000);

  it('fail when an export is added without updating the report', () => {
    // A stand-in entry point: the real declarations plus one more export, as a new public function would add.
    const probe = path.join(REPO, 'lib', '.api', `probe-${process.pid}.d.ts`);
    fs.mkdirSync(path.dirname(probe), { recursive: true });
    fs.writeFileSync(probe, "export * from '../constructs/index';\n/** A new export. */\nexport declare function newHelper(): void;\n");
    try {
      const [root] = runApiReports({ tempFolder: temp, entryOverride: { '.': probe } });
      expect(root.subpath).toBe('.');
      expect(root.changed).toBe(true);
      expect(fs.readFileSync(path.join(temp, 'cluster-estate.api.md'), 'utf8')).toContain('export function newHelper(): void;');
      // Comparing never rewrites the checked-in report.
      expect(fs.readFileSync(root.report, 'utf8')).not.toContain('newHelper');
    } finally {
      fs.rmSync(probe, { force: true });
    }
  }, 120_000);
});
