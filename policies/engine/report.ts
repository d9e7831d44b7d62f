/** The two forms of a check's result: a JSON document with a stable shape, and text a reviewer reads in a minute. */
import type { CheckResult, CheckSummary } from './check';
import { AnyRule, describeObject, Finding } from './types';

/** What was checked, shown in the summary. */
export interface CheckInputDescription {
  /** The estate and as-of time, for `estate check --estate`. */
  readonly estate?: string;
  readonly asOf?: string;
  /** The files, for `estate check FILE...`. */
  readonly files?: readonly string[];
}

/** The JSON document `estate check --format json` prints: findings, and the summary with what was checked. */
export interface CheckDocument {
  readonly findings: readonly Finding[];
  readonly summary: CheckSummary & CheckInputDescription;
}

/** `{ findings: [{policy, enforcement, severity, target, object: {apiVersion, kind, namespace, name}, message}], summary }`. */
export function checkDocument(result: CheckResult, input: CheckInputDescription): CheckDocument {
  return {
    findings: result.findings.map((f) => ({
      policy: f.policy,
      enforcement: f.enforcement,
      severity: f.severity,
      target: f.target,
      object: { apiVersion: f.object.apiVersion, kind: f.object.kind, namespace: f.object.namespace, name: f.object.name },
      message: f.message,
      ...(f.suppressed ? { suppressed: f.suppressed } : {}),
      ...(f.source ? { source: f.source } : {}),
    })),
    summary: { ...input, ...result.summary },
  };
}

/** The text report: a header, one line per finding (mandatory first), how to fix each broken policy, the verdict. */
export function formatCheckText(result: CheckResult, input: CheckInputDescription, rules: readonly AnyRule[]): string {
  const s = result.summary;
  const lines: string[] = [];
  const what = input.estate ? `estate ${input.estate}${input.asOf ? ` as of ${input.asOf}` : ''}` : `${input.files?.length ?? 0} file(s)`;
  lines.push(`estate check: ${what} · ${s.targets} target(s) · ${s.objects.toLocaleString('en-US')} object(s) · ${s.policies.evaluated} polic${s.policies.evaluated === 1 ? 'y' : 'ies'}${s.policies.disabled.length > 0 ? ` (disabled: ${s.policies.disabled.join(', ')})` : ''}`);
  const groups: [string, Finding[]][] = [
    ['MANDATORY', result.findings.filter((f) => !f.suppressed && f.enforcement === 'mandatory')],
    ['ADVISORY', result.findings.filter((f) => !f.suppressed && f.enforcement === 'advisory')],
    ['SUPPRESSED', result.findings.filter((f) => f.suppressed)],
  ];
  for (const [label, findings] of groups) {
    if (findings.length === 0) continue;
    lines.push('');
    for (const f of findings) {
      const where = f.source ? `${f.source.file}:${f.source.line}` : f.target;
      lines.push(`${label.padEnd(10)} ${f.policy} (${f.severity}) · ${where} · ${describeObject(f.object)}`);
      lines.push(`           ${f.message}`);
      if (f.suppressed) lines.push(`           suppressed: ${f.suppressed.reason}`);
    }
  }
  const broken = [...new Set(result.findings.filter((f) => !f.suppressed).map((f) => f.policy))].sort();
  if (broken.length > 0) {
    lines.push('');
    lines.push('how to fix:');
    const byId = new Map(rules.map((r) => [r.id, r]));
    for (const id of broken) lines.push(`  ${id}: ${byId.get(id)?.remediation ?? ''}`);
  }
  lines.push('');
  lines.push(`${s.mandatory} mandatory, ${s.advisory} advisory, ${s.suppressed} suppressed: ${s.pass ? 'PASS' : 'FAIL (mandatory violations)'}`);
  return lines.join('\n');
}
