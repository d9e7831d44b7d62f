/**
 * Lists the engine suites assert, kept as text files under test/engines/control-plane/expected/ so a change in what
 * the real server does shows up as a reviewable diff. `ENGINES_UPDATE_EXPECTED=1 npm run test:engines` rewrites them
 * (then read the diff before committing it).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';

const DIR = path.join(__dirname, 'expected');

/** The lines of an expected list (empty when the file does not exist yet). */
export function expectedLines(name: string, actual: readonly string[]): string[] {
  const file = path.join(DIR, `${name}.txt`);
  if (process.env.ENGINES_UPDATE_EXPECTED === '1') {
    mkdirSync(DIR, { recursive: true });
    writeFileSync(file, actual.join('\n') + '\n');
  }
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
}
