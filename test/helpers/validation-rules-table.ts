import { VALIDATION_RULES, ValidationRule } from '../../constructs/estate/rules';

/** Markers around the README's table of validation rule ids. */
export const README_RULES_START = '<!-- validation-rules:start (generated from constructs/estate/rules.ts; test/constructs/estate/rules.test.ts holds it) -->';
export const README_RULES_END = '<!-- validation-rules:end -->';

/** The README's table of validation rule ids, in catalogue order. */
export function validationRulesTable(): string {
  const rows = (Object.entries(VALIDATION_RULES) as [string, ValidationRule][]).map(([id, rule]) => {
    const policy = rule.policy ? `\`${rule.policy}\`` : '';
    return `| \`${id}\` | ${rule.stage} | ${rule.severity} | ${rule.summary.replace(/\|/g, '\\|')} | ${policy} |`;
  });
  return ['| rule | stage | severity | what it checks | policy that checks it again |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

/** The README text with its table of validation rule ids replaced by the current one. */
export function withValidationRulesTable(readme: string): string {
  const start = readme.indexOf(README_RULES_START);
  const end = readme.indexOf(README_RULES_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${README_RULES_START} … ${README_RULES_END} block`);
  return `${readme.slice(0, start + README_RULES_START.length)}\n${validationRulesTable()}\n${readme.slice(end)}`;
}
