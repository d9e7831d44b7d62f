import * as fs from 'fs';
import * as path from 'path';
import { Estate } from '../../constructs';
import { loadModuleFile, registerTypeScriptLoader } from './module-loading';
import { referenceEstate } from './reference';

/** Estates built into the product, by name. `reference` is the default. */
export const BUILT_IN_ESTATES: Readonly<Record<string, () => Estate>> = {
  reference: referenceEstate,
};

/** The built-in estate used when none is named: `reference`. */
export const DEFAULT_ESTATE = 'reference';

/** Bad input from the user (an unknown estate, a module that exports none, a malformed date): exit code 2. */
export class EstateInputError extends Error {
  constructor(message: string, /** How to fix the input. */ public readonly fix: string) {
    super(`${message}. Fix: ${fix}`);
    this.name = 'EstateInputError';
  }
}

/**
 * Loads an estate by built-in name, or from a module path (TypeScript or JavaScript) that exports an Estate, or a
 * function returning one, as its default export, as `estate`, or as its only Estate export.
 */
export function loadEstate(nameOrPath: string = DEFAULT_ESTATE, cwd: string = process.cwd()): Estate {
  const builtIn = BUILT_IN_ESTATES[nameOrPath];
  if (builtIn) return builtIn();
  const looksLikePath = /[\\/]|\.(ts|js|cjs|mjs)$/.test(nameOrPath);
  if (!looksLikePath) {
    throw new EstateInputError(`unknown estate "${nameOrPath}"`, `use a built-in estate (${Object.keys(BUILT_IN_ESTATES).join(', ')}) or the path of a module that exports an Estate`);
  }
  const file = path.resolve(cwd, nameOrPath);
  if (!fs.existsSync(file)) throw new EstateInputError(`estate module ${file} does not exist`, 'check the path given to --estate');
  if (/\.tsx?$/.test(file)) registerTypeScriptLoader();
  let exported: Record<string, unknown>;
  try {
    exported = loadModuleFile(file);
  } catch (e) {
    throw new EstateInputError(`estate module ${file} failed to load: ${(e as Error).message.split('\n')[0]}`, 'run the module on its own to see the full error');
  }
  const candidates = [exported.default, exported.estate, ...Object.values(exported)];
  for (const candidate of candidates) {
    const estate = asEstate(candidate);
    if (estate) return estate;
  }
  throw new EstateInputError(`estate module ${file} exports no Estate`, 'export the Estate (or a function that returns one) as default or as `estate`');
}

function asEstate(candidate: unknown): Estate | undefined {
  if (Estate.isEstate(candidate)) return candidate;
  if (typeof candidate === 'function' && candidate.length === 0) {
    try {
      const made = (candidate as () => unknown)();
      if (Estate.isEstate(made)) return made;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export { referenceEstate };
