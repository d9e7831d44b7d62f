import * as fs from 'fs';
import * as path from 'path';
import { ConfigProperty, RULES } from '../../../policies/api';

const RULES_DIR = path.resolve(__dirname, '../../../policies/rules');
const VERBS = ['require', 'forbid', 'keep', 'match', 'harden', 'limit', 'restrict', 'fit', 'spread', 'start'];

describe('the rule set', () => {
  test('ids are unique, kebab-case and verb-first', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^[a-z]+(-[a-z0-9]+)+$/);
      expect(VERBS).toContain(id.split('-')[0]);
      expect(id.length).toBeLessThanOrEqual(63); // the name part of the suppression annotation key
    }
  });

  test('one rule per file: policies/rules/<area>/<id>.ts, and every rule file is in the set', () => {
    const files = fs.readdirSync(RULES_DIR, { withFileTypes: true }).filter((d) => d.isDirectory())
      .flatMap((d) => fs.readdirSync(path.join(RULES_DIR, d.name)).map((f) => `${d.name}/${f}`)).sort();
    expect(files).toEqual(RULES.map((r) => `${r.area}/${r.id}.ts`).sort());
  });

  test.each(RULES.map((r) => [r.id, r] as const))('%s documents itself', (_id, rule) => {
    for (const text of [rule.description, rule.rationale, rule.remediation]) expect(text.length).toBeGreaterThan(40);
    expect(['low', 'medium', 'high', 'critical']).toContain(rule.severity);
    expect(['advisory', 'mandatory', 'disabled']).toContain(rule.enforcement);
    expect(rule.kinds.length).toBeGreaterThan(0);
    for (const [key, property] of Object.entries(rule.config as Record<string, ConfigProperty>)) {
      expect(key).not.toBe('enforcementLevel'); // reserved by @pulumi/policy
      expect(property.description.length).toBeGreaterThan(5);
      const type = property.type === 'integer' ? 'number' : property.type;
      expect(Array.isArray(property.default) ? 'array' : typeof property.default).toBe(type);
    }
  });

  test.each(RULES.map((r) => [r.id, r] as const))('%s describes itself in one sentence of at most 160 characters, the detail in its rationale', (_id, rule) => {
    expect(rule.description.length).toBeLessThanOrEqual(160);
    expect(rule.description).toMatch(/^\S.*\.$/);
    expect(rule.description).not.toMatch(/[.!?]\s+[A-Z]/);
    expect(rule.rationale.length).toBeGreaterThan(rule.description.length);
  });

  test('a relational rule says which other kinds it reads (so a value unknown during a preview is attributed right)', () => {
    for (const rule of RULES.filter((r) => r.relational && r.estateContext !== 'required')) expect(rule.reads?.length).toBeGreaterThan(0);
    for (const rule of RULES.filter((r) => !r.relational)) expect(rule.reads).toBeUndefined();
  });

  test('estate rules come first, and the three kinds of estate context are used', () => {
    expect(RULES.slice(0, 14).every((r) => ['etcd', 'control-plane', 'node-pools', 'network', 'promotion', 'capacity'].includes(r.area))).toBe(true);
    expect(new Set(RULES.map((r) => r.estateContext))).toEqual(new Set(['none', 'optional', 'required']));
  });
});
