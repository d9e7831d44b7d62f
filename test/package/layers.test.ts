/**
 * The import graph of the sources: composition is explicit (parents import their children, children see their parents
 * through `import type`), nothing is loaded lazily or registered globally, and the layers point one way:
 * constructs <- policies <- stacks. Read from the syntax trees, not from the text.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');
const LAYERS = ['constructs', 'policies', 'stacks'] as const;

/** Where `require()` is allowed: loading an estate module given by path, and tsx's require hook for it. */
const DYNAMIC_LOADING = 'stacks/estates/module-loading.ts';
/** The policy pack's entry point: the composition root that hands the policies library the stacks' estate loader. */
const PACK_ENTRY = 'policies/index.ts';

interface ImportEdge { readonly from: string; readonly to: string; readonly typeOnly: boolean; readonly line: number }
interface SourceFacts {
  readonly file: string;
  readonly imports: ImportEdge[];
  readonly requires: number[];
  readonly sideEffectImports: number[];
  readonly topLevelCalls: number[];
}

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((d) => {
    const rel = `${dir}/${d.name}`;
    return d.isDirectory() ? sources(rel) : d.name.endsWith('.ts') && !d.name.endsWith('.d.ts') ? [rel] : [];
  });
}

function resolveLocal(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  for (const candidate of [`${base}.ts`, `${base}/index.ts`]) if (fs.existsSync(path.join(ROOT, candidate))) return candidate;
  return undefined;
}

/** An import that brings values at run time: not `import type`, and not one whose every specifier is `type`. */
function isTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isImportDeclaration(node)) {
    const clause = node.importClause;
    if (!clause) return false;
    if (clause.isTypeOnly) return true;
    const bindings = clause.namedBindings;
    return !clause.name && !!bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
  }
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return !!clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
}

function factsOf(file: string): SourceFacts {
  const sf = ts.createSourceFile(file, fs.readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.ES2022, true);
  const line = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const facts: SourceFacts = { file, imports: [], requires: [], sideEffectImports: [], topLevelCalls: [] };
  for (const statement of sf.statements) {
    const isModuleStatement = ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement);
    if (isModuleStatement && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
      const spec = statement.moduleSpecifier.text;
      const to = resolveLocal(file, spec);
      if (to) facts.imports.push({ from: file, to, typeOnly: isTypeOnly(statement), line: line(statement) });
      if (ts.isImportDeclaration(statement) && !statement.importClause) facts.sideEffectImports.push(line(statement));
    }
    if (ts.isExpressionStatement(statement) && ts.isCallExpression(statement.expression)) facts.topLevelCalls.push(line(statement));
  }
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'require') facts.requires.push(line(node));
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return facts;
}

const facts = LAYERS.flatMap((layer) => sources(layer)).map(factsOf);
const edges = facts.flatMap((f) => f.imports);

describe('the import graph', () => {
  test('the scan reads the sources (it would otherwise pass by finding nothing)', () => {
    expect(facts.length).toBeGreaterThan(150);
    expect(edges.filter((e) => e.typeOnly).length).toBeGreaterThan(20);
    expect(edges.filter((e) => e.from.startsWith('stacks/') && e.to.startsWith('constructs/')).length).toBeGreaterThan(5);
  });

  test(`no require() outside ${DYNAMIC_LOADING}, where run-time loading is the point`, () => {
    const found = facts.filter((f) => f.file !== DYNAMIC_LOADING).flatMap((f) => f.requires.map((l) => `${f.file}:${l}`));
    expect(found).toEqual([]);
    expect(facts.find((f) => f.file === DYNAMIC_LOADING)!.requires.length).toBe(2);
  });

  test('no global registry: no import for its side effects, no call at module level, in the libraries', () => {
    const library = facts.filter((f) => !f.file.startsWith('stacks/') && f.file !== PACK_ENTRY);
    expect(library.flatMap((f) => f.sideEffectImports.map((l) => `${f.file}:${l}`))).toEqual([]);
    expect(library.flatMap((f) => f.topLevelCalls.map((l) => `${f.file}:${l}`))).toEqual([]);
  });

  test('layers point one way: constructs import neither policies nor stacks, and policies do not import stacks', () => {
    const upward = edges.filter((e) =>
      (e.from.startsWith('constructs/') && !e.to.startsWith('constructs/'))
      || (e.from.startsWith('policies/') && e.to.startsWith('stacks/') && e.from !== PACK_ENTRY));
    expect(upward.map((e) => `${e.from}:${e.line} -> ${e.to}`)).toEqual([]);
  });

  test('no cycle of run-time imports (cycles through `import type` only are a construct tree seen from both ends)', () => {
    const graph = new Map<string, string[]>();
    for (const e of edges.filter((x) => !x.typeOnly)) graph.set(e.from, [...(graph.get(e.from) ?? []), e.to]);
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const walk = (node: string): void => {
      state.set(node, 'open');
      stack.push(node);
      for (const next of graph.get(node) ?? []) {
        if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next].join(' -> '));
        else if (!state.has(next)) walk(next);
      }
      stack.pop();
      state.set(node, 'done');
    };
    for (const f of facts) if (!state.has(f.file)) walk(f.file);
    expect(cycles).toEqual([]);
  });
});
