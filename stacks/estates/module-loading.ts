/**
 * The two places where this project loads code at run time on purpose: an estate module given by path, and tsx, which
 * compiles such a module when it is written in TypeScript. Both are `require()` by design (the path is only known at
 * run time, and tsx hooks `require` itself), so they live here, named, and are the only lint exceptions of the kind.
 */

let registered = false;

/** What `registerTypeScriptLoader` may do with a TypeScript loader that is already in place. */
export interface TypeScriptLoaderOptions {
  /**
   * Register tsx even when another loader already handles `.ts` files. Pulumi's policy-pack runner registers its own
   * ts-node (TypeScript 3.8), which cannot compile a modern estate module: the pack replaces it.
   * @default false
   */
  readonly replaceExisting?: boolean;
}

/** Lets `require` load `.ts` modules (estates written in TypeScript) through tsx, once per process. */
export function registerTypeScriptLoader(options: TypeScriptLoaderOptions = {}): void {
  if (registered || (require.extensions['.ts'] && !options.replaceExisting)) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- tsx installs itself as a require hook: there is no static form.
  (require('tsx/cjs/api') as { register: () => void }).register();
  registered = true;
}

/** Loads a module by absolute path (an estate module named on the command line or in the stack's configuration). */
export function loadModuleFile(file: string): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the path is known only at run time.
  return require(file) as Record<string, unknown>;
}
