/**
 * The PR preview says what access changes, in words: RBAC grants gained and lost, apps newly reachable or no longer
 * reachable (both sides' NetworkPolicies evaluated), widenings first and called out as needing review.
 */
import { AppTemplate, Caller, Estate, Team } from '../../../constructs';
import { diffSnapshots, DocumentCache, fileObjects, renderMarkdown, renderText, targetObjects, targetOf } from '../../../stacks/diff';
import { referenceEstate } from '../../../stacks/estates';
import { side } from './fixtures';

const AS_OF = new Date('2026-06-01T00:00:00+08:00');
const TRADE = ['trade-hz1', 'trade-hz2', 'trade-sz1'];

/** The reference estate as it was before payment-worker declared order-api as its caller. */
function withoutPaymentCaller(estate: Estate = referenceEstate()): Estate {
  const worker = AppTemplate.appsOf(estate).find((a) => a.name === 'payment-worker')!;
  (worker.spec as { access: unknown }).access = { ...worker.spec.access, allowFrom: [] };
  return estate;
}

/** The payments team's deployers group handed to the trade team, as an edited estate file would. */
function withTradeDeployingPayments(estate: Estate = referenceEstate()): Estate {
  const payments = Team.teamsOf(estate).find((t) => t.name === 'payments')!;
  (payments as { deployersGroup: string }).deployersGroup = 'trade-deployers';
  return estate;
}

describe('access changes in the PR preview', () => {
  test('a newly declared caller: "payment-worker now reachable from order-api", a widening that needs review', () => {
    const report = diffSnapshots(side(withoutPaymentCaller(), AS_OF), side(referenceEstate(), AS_OF));
    expect(report.access).toEqual({
      changes: [{ kind: 'network', widening: true, text: 'payment-worker now reachable from order-api on port 8081', targets: TRADE }],
      widened: 1,
      narrowed: 0,
    });
    const md = renderMarkdown(report);
    expect(md).toContain('### Access changes (1)\n\n**Widened access — needs review (1)**\n\n- payment-worker now reachable from order-api on port 8081 — `trade-hz1`, `trade-hz2`, `trade-sz1`');
    expect(md).toMatch(/\*\*[^\n]*1 access widening to review/);
  });

  test('the same change reverted is a narrowing, not for review', () => {
    const report = diffSnapshots(side(referenceEstate(), AS_OF), side(withoutPaymentCaller(), AS_OF));
    expect(report.access!.changes.map((c) => [c.widening, c.text])).toEqual([[false, 'payment-worker no longer reachable from order-api on port 8081']]);
    expect(renderMarkdown(report)).not.toContain('access widening');
  });

  test('a group bound to another team\'s namespace: "trade-deployers gain delete on deployments in payment"', () => {
    const report = diffSnapshots(side(referenceEstate(), AS_OF), side(withTradeDeployingPayments(), AS_OF));
    const texts = report.access!.changes.map((c) => `${c.widening ? '+' : '-'} ${c.text}`);
    expect(texts).toContain('+ trade-deployers gain get, list, watch, create, update, patch, delete on configmaps, deployments, horizontalpodautoscalers, poddisruptionbudgets, services, statefulsets in payment');
    expect(texts).toContain('- payments-deployers lose get, list, watch, create, update, patch, delete on configmaps, deployments, horizontalpodautoscalers, poddisruptionbudgets, services, statefulsets in payment');
    expect(report.access!.changes.every((c) => c.kind === 'rbac' && c.targets.join() === TRADE.join())).toBe(true);
    expect(renderText(report)).toContain('Widened access — needs review');
  });

  test('no access-relevant change: no access section', () => {
    const estate = referenceEstate();
    const report = diffSnapshots(side(referenceEstate(), AS_OF), side(estate, new Date('2026-06-02T00:00:00+08:00')));
    expect(report.access).toBeUndefined();
    expect(renderMarkdown(report)).not.toContain('### Access changes');
  });

  test('an allow from a caller is one statement: adding it to order-api widens order-api only', () => {
    const head = referenceEstate();
    const order = AppTemplate.appsOf(head).find((a) => a.name === 'order-api')!;
    (order.spec as { access: unknown }).access = { ...order.spec.access, allowFrom: [...order.spec.access.allowFrom, Caller.app('payment-worker', { ports: ['grpc'] }).spec] };
    const report = diffSnapshots(side(referenceEstate(), AS_OF), side(head, AS_OF));
    expect(report.access!.changes.map((c) => c.text)).toEqual(['order-api now reachable from payment-worker on port 9090']);
  });
});

describe('the objects of a target that access and routing read', () => {
  const REFERENCE_PEAK = new Date('2026-11-11T00:00:00+08:00');

  test('read through the comparison\'s cache, they are those of the whole files, and documents of other kinds are not parsed', () => {
    const reference = side(referenceEstate(), REFERENCE_PEAK);
    const kinds = new Set(['NetworkPolicy', 'Deployment', 'VirtualService']);
    const whole = reference.files.filter((f) => targetOf(f) === 'trade-hz1').flatMap((f) => fileObjects(f)).filter((o) => kinds.has(o.kind));
    expect(whole.length).toBeGreaterThan(10);
    expect(targetObjects(reference, 'trade-hz1', kinds, new DocumentCache())).toStrictEqual(whole);
    // A ConfigMap whose body is no YAML: read whole, the file fails; through the cache, its first lines say it is
    // not wanted, and it is never parsed.
    const broken = {
      ...reference,
      files: reference.files.map((f) => (targetOf(f) === 'trade-hz1' && f.text !== undefined
        ? { ...f, text: `${f.text}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: odd\n  namespace: trade\ndata: [unclosed\n` }
        : f)),
    };
    expect(() => targetObjects(broken, 'trade-hz1', kinds)).toThrow(/is not valid YAML/);
    expect(targetObjects(broken, 'trade-hz1', kinds, new DocumentCache())).toStrictEqual(whole);
  });
});
