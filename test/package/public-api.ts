/**
 * The package's public entry points, read with the TypeScript compiler API: what a consumer can import, and the
 * documentation of each export. Shared by the documentation test and the API report test.
 */
import * as path from 'path';
import * as ts from 'typescript';

export const REPO = path.resolve(__dirname, '..', '..');

/** Source entry point of each public subpath in package.json "exports". */
export const ENTRY_SOURCES: Readonly<Record<string, string>> = {
  'cluster-estate': 'constructs/index.ts',
  'cluster-estate/policies': 'policies/api.ts',
  'cluster-estate/estates': 'stacks/estates/index.ts',
};

export interface PublicExport {
  readonly entry: string;
  readonly name: string;
  readonly symbol: ts.Symbol;
  readonly declaration: ts.Declaration;
  readonly internal: boolean;
}

/** A program over the entry points' sources, with the repository's compiler options. */
export function publicProgram(): { program: ts.Program; checker: ts.TypeChecker } {
  const configFile = path.join(REPO, 'tsconfig.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(configFile, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  const program = ts.createProgram(Object.values(ENTRY_SOURCES).map((f) => path.join(REPO, f)), { ...parsed.options, noEmit: true });
  return { program, checker: program.getTypeChecker() };
}

/** Every export of every public entry point, aliases resolved; `internal` when its TSDoc says `@internal`. */
export function publicExports(program: ts.Program, checker: ts.TypeChecker): PublicExport[] {
  const out: PublicExport[] = [];
  for (const [entry, file] of Object.entries(ENTRY_SOURCES)) {
    const source = program.getSourceFile(path.join(REPO, file))!;
    for (const exported of checker.getExportsOfModule(checker.getSymbolAtLocation(source)!)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declaration = symbol.declarations?.[0];
      if (!declaration) continue;
      out.push({ entry, name: exported.name, symbol, declaration, internal: isInternal(declaration) });
    }
  }
  return out;
}

/** The JSDoc nodes of a declaration (a variable's live on its statement). */
export function docsOf(node: ts.Node): readonly ts.JSDoc[] {
  const holder = ts.isVariableDeclaration(node) ? node.parent.parent : node;
  return (holder as { jsDoc?: ts.JSDoc[] }).jsDoc ?? [];
}

export function isInternal(node: ts.Node): boolean {
  return docsOf(node).some((d) => d.tags?.some((t) => t.tagName.text === 'internal'));
}

/** The text of a declaration's documentation, tags excluded ('' when there is none). */
export function summaryOf(node: ts.Node): string {
  return docsOf(node).map((d) => ts.getTextOfJSDocComment(d.comment) ?? '').join(' ').trim();
}

export function tagsOf(node: ts.Node): string[] {
  return docsOf(node).flatMap((d) => (d.tags ?? []).map((t) => t.tagName.text));
}

/** Where a node is declared, for failure messages: `constructs/apps/spec.ts:42`. */
export function locationOf(node: ts.Node): string {
  const sf = node.getSourceFile();
  return `${path.relative(REPO, sf.fileName)}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
}
