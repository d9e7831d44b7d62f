/**
 * The PR preview says what a change does to mesh routing, in words: weights, lanes, rules and matches, mTLS modes;
 * routing traffic to a subset that no pod serves is destructive and counts in the verdict. Small before/after object
 * sets, written as Istio documents its objects.
 */
import type { KubeObject } from '../../../constructs';
import { AppTemplate, Estate } from '../../../constructs';
import { diffSnapshots, renderMarkdown, renderText, reportCounts, snapshotFromObjects } from '../../../stacks/diff';
import { referenceEstate } from '../../../stacks/estates';
import { side } from './fixtures';

const NS = 'trade';
const host = (app: string) => `${app}.${NS}.svc.cluster.local`;
const labels = (app: string) => ({ 'cluster-estate.io/app': app });

function deployment(app: string, channel: string, replicas = 3): KubeObject {
  const pod = { ...labels(app), 'cluster-estate.io/channel': channel, 'cluster-estate.io/serving': 'true' };
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: channel === 'stable' ? app : `${app}-${channel}`, namespace: NS, labels: labels(app) },
    spec: { replicas, selector: { matchLabels: pod }, template: { metadata: { labels: pod }, spec: { containers: [{ name: app, image: `registry.estate.internal/${app}:1.0.0` }] } } },
  } as KubeObject;
}

function service(app: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: app, namespace: NS, labels: labels(app) }, spec: { selector: { ...labels(app), 'cluster-estate.io/serving': 'true' }, ports: [{ name: 'http', port: 8080 }] } } as KubeObject;
}

function destinationRule(app: string, subsets = ['stable', 'gray'], tls?: string): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: app, namespace: NS, labels: labels(app) },
    spec: { host: host(app), ...(tls ? { trafficPolicy: { tls: { mode: tls } } } : {}), subsets: subsets.map((s) => ({ name: s, labels: { 'cluster-estate.io/channel': s } })) },
  } as KubeObject;
}

interface RouteOptions { readonly gray?: number; readonly communities?: readonly string[]; readonly lane?: boolean }

/** A canary VirtualService as the app templates write it: a match rule to gray first, then the weighted default. */
function virtualService(app: string, options: RouteOptions = {}): KubeObject {
  const matches = [...(options.lane ? [{ headers: { 'x-lane': { exact: 'gray' } } }] : []), ...(options.communities ?? []).map((c) => ({ headers: { 'x-community': { exact: c } } }))];
  const gray = options.gray ?? 0;
  return {
    apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: app, namespace: NS, labels: labels(app) },
    spec: {
      hosts: [host(app)], gateways: ['mesh'],
      http: [
        ...(matches.length > 0 ? [{ name: 'canary-match', match: matches, route: [{ destination: { host: host(app), subset: 'gray' } }] }] : []),
        { name: 'default', route: gray > 0 ? [{ destination: { host: host(app), subset: 'stable' }, weight: 100 - gray }, { destination: { host: host(app), subset: 'gray' }, weight: gray }] : [{ destination: { host: host(app), subset: 'stable' } }] },
      ],
    },
  } as KubeObject;
}

function peerAuthentication(mode: string, namespace = 'istio-system', ports?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: namespace === 'istio-system' ? 'default' : 'order-api', namespace },
    spec: { ...(namespace !== 'istio-system' ? { selector: { matchLabels: labels('order-api') } } : {}), mtls: { mode }, ...(ports ? { portLevelMtls: Object.fromEntries(Object.entries(ports).map(([p, m]) => [p, { mode: m }])) } : {}) },
  } as KubeObject;
}

/** order-api with stable and gray pods, payment-worker with stable pods only, mesh-wide STRICT. */
function app(name: string, route: RouteOptions, grayPods: boolean): KubeObject[] {
  return [deployment(name, 'stable'), ...(grayPods ? [deployment(name, 'gray', 1)] : []), service(name), destinationRule(name), virtualService(name, route)];
}

function diff(before: KubeObject[], after: KubeObject[], targets = ['trade-hz1']) {
  const side = (objects: KubeObject[]) => snapshotFromObjects('reference', Object.fromEntries(targets.map((t) => [t, objects])));
  return diffSnapshots(side(before), side(after));
}

const baseline = (order: RouteOptions = { gray: 5, communities: ['hz-xixi-0012'], lane: true }, workerLane = false, workerGray = false) => [
  peerAuthentication('STRICT'), ...app('order-api', order, true), ...app('payment-worker', { lane: workerLane }, workerGray),
];

describe('routing changes in the PR preview', () => {
  test('a canary step: "order-api: gray 5% → 20%", on every stack that makes it, and nothing destructive', () => {
    const report = diff(baseline(), baseline({ gray: 20, communities: ['hz-xixi-0012'], lane: true }), ['trade-hz1', 'trade-sz1']);
    expect(report.routing).toEqual({ changes: [{ kind: 'weight', text: 'order-api: gray 5% → 20%', targets: ['trade-hz1', 'trade-sz1'] }], destructive: 0 });
    expect(reportCounts(report).destructive).toBe(0);
    const md = renderMarkdown(report);
    expect(md).toContain('### Routing changes (1)\n\n**Routes, weights, lanes and mTLS (1)**\n\n- order-api: gray 5% → 20% — `trade-hz1`, `trade-sz1`');
  });

  test('a service joins a lane: "lane gray: +payment-worker"; the lane rule it gains is listed too', () => {
    const report = diff(baseline(), baseline(undefined, true, true));
    expect(report.routing!.changes.map((c) => c.text)).toEqual([
      'lane gray: +payment-worker',
      'payment-worker: rule "canary-match" added (matches x-lane=gray)',
    ]);
    expect(report.routing!.destructive).toBe(0);
  });

  test('a lane rule toward gray pods that do not exist is destructive and counted in the verdict', () => {
    const report = diff(baseline(), baseline(undefined, true, false));
    const destructive = report.routing!.changes.filter((c) => c.destructive);
    expect(destructive).toEqual([{
      kind: 'route',
      text: 'payment-worker: sends requests matching rule "canary-match" to gray, which no pod serves',
      destructive: 'no workload in trade has pods labelled cluster-estate.io/app=payment-worker, cluster-estate.io/channel=gray, cluster-estate.io/serving=true: those requests get 503',
      targets: ['trade-hz1'],
    }]);
    expect(report.routing!.changes[0]).toBe(report.routing!.changes.find((c) => c.destructive));
    expect(reportCounts(report).destructive).toBe(1);
    const md = renderMarkdown(report);
    expect(md).toMatch(/\*\*[^\n]*1 destructive/);
    expect(md).toContain('### Destructive changes (1)\n\n- **routing** payment-worker: sends requests matching rule "canary-match" to gray, which no pod serves in `trade-hz1`');
    expect(md).toContain('**Traffic to no endpoints — destructive (1)**');
    expect(renderText(report)).toContain('destructive changes (1):\n  routing payment-worker: sends requests matching rule "canary-match" to gray');
  });

  test('deleting the gray Deployment while the route still sends 5% there is destructive, though no route changed', () => {
    const after = baseline().filter((o) => !(o.kind === 'Deployment' && o.metadata.name === 'order-api-gray'));
    const report = diff(baseline(), after);
    expect(report.routing!.changes.filter((c) => c.destructive).map((c) => c.text)).toEqual([
      'order-api: sends 5% of its "default" traffic to gray, which no pod serves',
      'order-api: sends requests matching rule "canary-match" to gray, which no pod serves',
    ]);
    expect(reportCounts(report).destructive).toBe(2);
  });

  test('gray pods of a DaemonSet or a bare Pod serve the subset as a Deployment\'s do; a Job\'s pods do not', () => {
    const asKind = (kind: string) => baseline().map((o) => (o.kind === 'Deployment' && o.metadata.name === 'order-api-gray'
      ? (kind === 'Pod'
        ? { apiVersion: 'v1', kind, metadata: { ...o.metadata, labels: (o as unknown as { spec: { template: { metadata: { labels: object } } } }).spec.template.metadata.labels }, spec: {} }
        : { ...o, kind, ...(kind === 'Job' ? { apiVersion: 'batch/v1' } : {}) }) as KubeObject
      : o));
    for (const kind of ['DaemonSet', 'ReplicaSet', 'Pod']) expect({ kind, destructive: diff(baseline(), asKind(kind)).routing?.destructive ?? 0 }).toEqual({ kind, destructive: 0 });
    expect(diff(baseline(), asKind('Job')).routing!.destructive).toBe(2);
  });

  test('destructive routing on many stacks stays bounded in the comment: stacks named up to six, lines up to the cap', () => {
    const report = diff(baseline(), baseline(undefined, true, false));
    const targets = Array.from({ length: 100 }, (_, i) => `trade-${String(i).padStart(3, '0')}`);
    const changes = Array.from({ length: 60 }, (_, i) => ({ ...report.routing!.changes[0], text: `app-${i}: sends requests to gray, which no pod serves`, targets }));
    const md = renderMarkdown({ ...report, routing: { changes, destructive: changes.length } });
    const section = md.slice(md.indexOf('### Destructive changes'), md.indexOf('\n### ', md.indexOf('### Destructive changes') + 1));
    const routingLines = section.split('\n').filter((l) => l.startsWith('- **routing**'));
    expect(routingLines).toHaveLength(40);
    expect(routingLines[0]).toContain('`trade-005` and 94 more');
    expect(section).toContain('- … and 20 more routing changes (see Routing changes)');
  });

  test('a subset no DestinationRule defines is destructive; an existing outage that does not change is not repeated', () => {
    const noGraySubset = (objects: KubeObject[]) => objects.map((o) => (o.kind === 'DestinationRule' && o.metadata.name === 'order-api' ? destinationRule('order-api', ['stable']) : o));
    const report = diff(baseline(), noGraySubset(baseline()));
    expect(report.routing!.changes.filter((c) => c.destructive).map((c) => c.destructive)).toEqual([
      'no DestinationRule defines subset gray of order-api: those requests get 503',
      'no DestinationRule defines subset gray of order-api: those requests get 503',
    ]);
    const again = diff(noGraySubset(baseline()), noGraySubset(baseline({ gray: 20, communities: ['hz-xixi-0012'], lane: true })));
    expect(again.routing!.destructive).toBe(0);
    expect(again.routing!.changes.map((c) => c.text)).toEqual(['order-api: gray 5% → 20%']);
  });

  test('match changes in words: communities gained and lost', () => {
    const report = diff(baseline(), baseline({ gray: 5, communities: ['hz-binjiang-0407', 'sz-nanshan-0031'], lane: true }));
    expect(report.routing!.changes.map((c) => c.text)).toEqual(['order-api: rule "canary-match" matches +x-community=hz-binjiang-0407, +x-community=sz-nanshan-0031, −x-community=hz-xixi-0012']);
  });

  test('routes added and removed, and a canary promoted to 100%', () => {
    const withoutWorkerRoutes = baseline().filter((o) => !(o.kind === 'VirtualService' && o.metadata.name === 'payment-worker'));
    expect(diff(withoutWorkerRoutes, baseline()).routing!.changes.map((c) => c.text)).toEqual(['payment-worker: routes added (VirtualService trade/payment-worker)']);
    expect(diff(baseline(), withoutWorkerRoutes).routing!.changes.map((c) => c.text)).toEqual(['payment-worker: routes removed (VirtualService trade/payment-worker); requests spread over every pod behind the Service']);
    const promoted = diff(baseline(), baseline({ gray: 100, communities: ['hz-xixi-0012'], lane: true }));
    // A two-way split moves both sides; the baseline's share is implied.
    expect(promoted.routing!.changes.map((c) => c.text)).toEqual(['order-api: gray 5% → 100%']);
  });

  test('mTLS modes: mesh-wide, per workload and per port, and the client TLS a DestinationRule forces', () => {
    const after = baseline().map((o) => (o.kind === 'PeerAuthentication' ? peerAuthentication('PERMISSIVE') : o.kind === 'DestinationRule' && o.metadata.name === 'payment-worker' ? destinationRule('payment-worker', ['stable', 'gray'], 'DISABLE') : o));
    after.push(peerAuthentication('STRICT', NS, { 8080: 'PERMISSIVE' }));
    expect(diff(baseline(), after).routing!.changes.map((c) => c.text)).toEqual([
      'mTLS mesh-wide: STRICT → PERMISSIVE',
      'mTLS order-api in trade port 8080: PERMISSIVE (new)',
      'mTLS order-api in trade: STRICT (new)',
      'payment-worker: client TLS auto → DISABLE',
    ]);
  });

  test('no routing-relevant change, or no mesh at all: no section', () => {
    const report = diff(baseline(), baseline().map((o) => (o.kind === 'Service' ? { ...o, metadata: { ...o.metadata, annotations: { note: 'x' } } } : o)));
    expect(report.routing).toBeUndefined();
    const plain = (objects: KubeObject[]) => objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Service');
    expect(diff(plain(baseline()), plain(baseline()).slice(1)).routing).toBeUndefined();
    expect(renderMarkdown(report)).not.toContain('### Routing changes');
  });

  test('the JSON report carries the same changes', () => {
    const report = diff(baseline(), baseline({ gray: 20, communities: ['hz-xixi-0012'], lane: true }));
    expect(JSON.parse(JSON.stringify(report)).routing).toEqual({ changes: [{ kind: 'weight', text: 'order-api: gray 5% → 20%', targets: ['trade-hz1'] }], destructive: 0 });
  });

  test('the reference estate: moving order-api\'s canary to its next step reads as one line per route, on every cluster it runs', () => {
    const nextStep = (estate: Estate): Estate => {
      const order = AppTemplate.appsOf(estate).find((a) => a.name === 'order-api')!;
      (order.spec as { meshRelease: unknown }).meshRelease = { ...order.spec.meshRelease, grayWeight: 20, currentStep: 1 };
      return estate;
    };
    const asOf = new Date('2026-06-01T00:00:00+08:00');
    const report = diffSnapshots(side(referenceEstate(), asOf), side(nextStep(referenceEstate()), asOf));
    // Two VirtualServices per cluster route order-api: its own (in-mesh callers) and the public gateway's edge route.
    const clusters = [...new Set(report.changes.filter((c) => c.ref.kind === 'VirtualService').map((c) => c.target))].sort();
    expect(clusters.length).toBeGreaterThan(1);
    expect(report.routing).toEqual({
      changes: [
        { kind: 'weight', text: 'order-api: gray 5% → 20%', targets: clusters },
        { kind: 'weight', text: 'public: order-api/gray 5% → 20% (rule "order-api-default")', targets: clusters },
      ],
      destructive: 0,
    });
    expect(renderText(report)).toContain(`Routing changes (2)\n\nRoutes, weights, lanes and mTLS (2)\n\n- order-api: gray 5% → 20% — ${clusters.join(', ')}`);
  });
});
