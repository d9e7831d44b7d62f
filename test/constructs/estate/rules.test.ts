import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { TRANSITION_RULES } from '../../../constructs/day2/transition';
import { ProblemSeverity } from '../../../constructs/estate/problems';
import { VALIDATION_RULES, ValidationRule, ValidationStage, isValidationRuleId } from '../../../constructs/estate/rules';
import { RULES } from '../../../policies/api';
import { README_RULES_END, README_RULES_START, validationRulesTable } from '../../helpers/validation-rules-table';

const ROOT = path.resolve(__dirname, '../../..');
const CONSTRUCTS = path.join(ROOT, 'constructs');
const CATALOGUE = path.join(CONSTRUCTS, 'estate/rules.ts');
const entries = Object.entries(VALIDATION_RULES) as [string, ValidationRule][];

/** How a rule id is used in the source: reported as an error or a warning, or only referenced. */
type Use = 'error' | 'warning' | 'reference';
interface Usage { readonly id: string; readonly use: Use; readonly where: string }

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? sourceFiles(p) : d.name.endsWith('.ts') && p !== CATALOGUE ? [p] : [];
  });
}

/** The rule id an expression stands for: a string literal, or a `TRANSITION_RULES.<name>` reference. */
function ruleIdOf(expr: ts.Expression): string | undefined {
  if (ts.isStringLiteralLike(expr)) return expr.text;
  if (ts.isPropertyAccessExpression(expr) && expr.expression.getText() === 'TRANSITION_RULES') {
    return (TRANSITION_RULES as Record<string, string>)[expr.name.text];
  }
  return undefined;
}

/** Every place the constructs name a rule id, read from the syntax tree (not from the text, where "mesh" is also a word). */
function usages(): Usage[] {
  const found: Usage[] = [];
  for (const file of sourceFiles(CONSTRUCTS)) {
    const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const where = (n: ts.Node) => `${path.relative(ROOT, file)}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node) && node.expression.getText() === 'EstateDefinitionError' && node.arguments && node.arguments.length > 1) {
        const id = ruleIdOf(node.arguments[1]);
        if (id) found.push({ id, use: 'error', where: where(node) });
      }
      if (ts.isObjectLiteralExpression(node)) {
        const rule = node.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText() === 'rule');
        const id = rule && ruleIdOf(rule.initializer);
        if (id) {
          const call = node.parent;
          const method = ts.isCallExpression(call) && ts.isPropertyAccessExpression(call.expression) ? call.expression.name.text : undefined;
          const severity = node.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText() === 'severity');
          const use: Use = method === 'error' || method === 'warning' ? method
            : severity?.initializer.getText() === 'ProblemSeverity.ERROR' ? 'error'
              : severity?.initializer.getText() === 'ProblemSeverity.WARNING' ? 'warning' : 'reference';
          found.push({ id, use, where: where(node) });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return found;
}

const used = usages();

describe('the catalogue of validation rule ids', () => {
  test('ids are kebab-case and unique, and severities are those of ProblemSeverity', () => {
    for (const [id, rule] of entries) {
      expect(id).toMatch(/^[a-z]+(-[a-z0-9]+)*$/);
      expect(Object.values(ProblemSeverity)).toContain(rule.severity);
      expect(Object.values(ValidationStage)).toContain(rule.stage);
    }
    expect(isValidationRuleId('etcd-odd-member-count')).toBe(true);
    expect(isValidationRuleId('toString')).toBe(false);
  });

  test.each(entries)('%s is documented by one sentence', (_id, rule) => {
    expect(rule.summary).toMatch(/^[A-Za-z`'"].{10,}\.$/);
    expect(rule.summary.length).toBeLessThanOrEqual(160);
  });

  test('the usage scan sees every kind of call site (it would otherwise pass by finding nothing)', () => {
    expect(used.filter((u) => u.use === 'error').length).toBeGreaterThan(150);
    expect(used.filter((u) => u.use === 'warning').length).toBeGreaterThan(10);
    expect(used.some((u) => u.id === 'construct-scope')).toBe(true); // an EstateDefinitionError
    expect(used.some((u) => u.id === 'kubernetes-minor-skip')).toBe(true); // through TRANSITION_RULES
    expect(used.some((u) => u.id === 'as-of' && u.use === 'error')).toBe(true); // a Problem literal
  });

  test('every catalogued id is used, and every id used is catalogued', () => {
    const ids = new Set(used.map((u) => u.id));
    expect(entries.map(([id]) => id).filter((id) => !ids.has(id))).toEqual([]);
    expect(used.filter((u) => !isValidationRuleId(u.id)).map((u) => `${u.where}: ${u.id}`)).toEqual([]);
  });

  test('a rule reports at its catalogued severity: an error rule reports errors, a warning rule never does', () => {
    const wrong = entries.flatMap(([id, rule]) => {
      const uses = new Set(used.filter((u) => u.id === id).map((u) => u.use));
      if (rule.severity === 'error' && !uses.has('error')) return [`${id}: catalogued as error but never reports one`];
      if (rule.severity === 'warning' && uses.has('error')) return [`${id}: catalogued as warning but reports errors`];
      return [];
    });
    expect(wrong).toEqual([]);
  });

  test('every transition rule is catalogued at the transition stage', () => {
    for (const id of Object.values(TRANSITION_RULES)) expect(VALIDATION_RULES[id].stage).toBe(ValidationStage.TRANSITION);
  });

  test('a policy pair names a real policy rule', () => {
    const policies = new Set(RULES.map((r) => r.id));
    const pairs = entries.filter(([, rule]) => rule.policy);
    expect(pairs.length).toBeGreaterThan(10);
    expect(pairs.filter(([, rule]) => !policies.has(rule.policy!)).map(([id, rule]) => `${id} -> ${rule.policy}`)).toEqual([]);
    expect(VALIDATION_RULES['etcd-odd-member-count'].policy).toBe('require-odd-etcd-members');
    expect(VALIDATION_RULES['cidr-overlap'].policy).toBe('forbid-overlapping-cidrs');
    expect(VALIDATION_RULES['version-skew'].policy).toBe('limit-version-skew');
  });

  test('the README lists every id, as the catalogue says', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf(README_RULES_START);
    const end = readme.indexOf(README_RULES_END);
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
    // On a mismatch, paste the expected block between the two markers.
    expect(readme.slice(start + README_RULES_START.length, end).trim()).toBe(validationRulesTable());
  });
});
