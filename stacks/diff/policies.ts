/**
 * Policy findings introduced and resolved by a change. Findings come from `estate check --format json`
 * (`{findings: [{policy, enforcement, severity, target, object: {apiVersion, kind, namespace, name}, message}], summary}`)
 * run on each side, or from any checker with the same shape (`SynthesisChecker`).
 */
import * as fs from 'fs';
import { EstateInputError } from '../estates';
import { PolicyDelta, PolicyFinding, PolicyFindings } from './model';

/**
 * The seam for an in-process policy runner: given the folder of one synthesis (`<out>/<estate>`), return its
 * findings. `estate diff` calls it on both sides when one is given.
 */
export type SynthesisChecker = (synthesisDir: string) => PolicyFindings;

/**
 * A finding's identity across the two sides: the same policy failing on the same object is the same finding even
 * when its message changes (messages often quote values).
 */
export function findingKey(f: PolicyFinding): string {
  const o = f.object;
  return [f.policy, f.target, o.apiVersion, o.kind, o.namespace ?? '', o.name].join('\u0000');
}

/**
 * Violations of the head that the base did not have (introduced), the other way round (resolved), and suppressions
 * the change adds or rewords. A suppressed finding is reported, never counted, as `estate check` does: a finding that
 * becomes suppressed is not "resolved" (the object still breaks the rule) but newly suppressed, with its reason, and
 * so is one whose reason the change rewords.
 */
export function policyDelta(base: PolicyFindings, head: PolicyFindings): PolicyDelta {
  const b = keyed(base.findings);
  const h = keyed(head.findings);
  const baseReasons = new Map(b.suppressed.map(([k, f]) => [k, f.suppressed!.reason]));
  const headKeys = new Set([...h.violations, ...h.suppressed].map(([k]) => k));
  const baseViolationKeys = new Set(b.violations.map(([k]) => k));
  const sorted = (entries: [string, PolicyFinding][]) => entries.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)).map(([, f]) => f);
  return {
    introduced: sorted(h.violations.filter(([k]) => !baseViolationKeys.has(k))),
    resolved: sorted(b.violations.filter(([k]) => !headKeys.has(k))),
    newlySuppressed: sorted(h.suppressed.filter(([k, f]) => baseReasons.get(k) !== f.suppressed!.reason)),
    mandatoryAfter: h.violations.filter(([, f]) => f.enforcement === 'mandatory').length,
    advisoryAfter: h.violations.filter(([, f]) => f.enforcement === 'advisory').length,
    suppressedAfter: h.suppressed.length,
  };
}

/** A side's findings with their keys (computed once), violations apart from suppressed ones; every finding counts. */
function keyed(findings: readonly PolicyFinding[]): { violations: [string, PolicyFinding][]; suppressed: [string, PolicyFinding][] } {
  const violations: [string, PolicyFinding][] = [];
  const suppressed: [string, PolicyFinding][] = [];
  for (const f of findings) (f.suppressed ? suppressed : violations).push([findingKey(f), f]);
  return { violations, suppressed };
}

/** Checks that parsed JSON is a findings list; throws an input error naming `where` otherwise. */
export function parseFindings(value: unknown, where: string): PolicyFindings {
  const fail = (why: string): never => {
    throw new EstateInputError(`${where} is not a findings list (${why})`, 'give the JSON that `estate check --format json` prints: {"findings": [...], "summary": ...}');
  };
  if (value === null || typeof value !== 'object' || !Array.isArray((value as { findings?: unknown }).findings)) fail('no "findings" array');
  const findings = (value as { findings: unknown[] }).findings;
  findings.forEach((f, i) => {
    const x = f as Partial<PolicyFinding> | null;
    if (!x || typeof x.policy !== 'string' || typeof x.enforcement !== 'string' || typeof x.target !== 'string' || !x.object || typeof x.object.kind !== 'string' || typeof x.object.name !== 'string') {
      fail(`finding ${i} lacks policy, enforcement, target or object`);
    }
    const suppressed = (x as { suppressed?: unknown }).suppressed;
    if (suppressed !== undefined && (suppressed === null || typeof suppressed !== 'object' || typeof (suppressed as { reason?: unknown }).reason !== 'string')) {
      fail(`finding ${i} is suppressed without a reason (expected "suppressed": {"reason": "..."})`);
    }
  });
  return value as PolicyFindings;
}

/** Reads a findings file. */
export function readFindingsFile(file: string): PolicyFindings {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new EstateInputError(`findings file ${file} cannot be read`, 'check the path given to --base-findings / --head-findings');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new EstateInputError(`findings file ${file} is not JSON: ${(e as Error).message}`, 'give the JSON that `estate check --format json` prints');
  }
  return parseFindings(parsed, `findings file ${file}`);
}
