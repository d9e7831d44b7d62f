/**
 * The isolation itself, not just the objects: the rendered NetworkPolicies of every cluster of the reference estate,
 * evaluated with the documented Kubernetes semantics (policies/engine/network-policy.ts), for every ordered pair of
 * apps on the cluster and every port their Services expose. A declared caller reaches; every other pair is blocked.
 */
import { AppTemplate, CallerKind, KubeObject, synthesize } from '../../../constructs';
import { Endpoint, NetworkPolicyEvaluator, podEndpoints } from '../../../policies/api';
import { referenceEstate } from '../../../stacks/estates';

const LABEL_APP = 'cluster-estate.io/app';

interface Matrix { allowed: number; blocked: number; wrong: string[] }

/** Every ordered pair of distinct apps on each cluster target, every pod template of each, every Service port. */
function matrix(asOf: string): { matrix: Matrix; clusters: string[]; declared: Set<string> } {
  const estate = referenceEstate();
  const apps = new Map(AppTemplate.appsOf(estate).map((a) => [a.name, a]));
  const synthesis = synthesize(estate, { asOf: new Date(asOf) });
  const result: Matrix = { allowed: 0, blocked: 0, wrong: [] };
  const declared = new Set<string>();
  const clusters: string[] = [];
  for (const target of synthesis.targets.filter((t) => t.name !== 'management')) {
    clusters.push(target.name);
    const evaluator = new NetworkPolicyEvaluator(target.objects);
    // The apps' pods; the mesh's ingress gateways (labelled with their own name as app) are callers from outside the
    // apps (the last tests).
    const pods = podEndpoints(target.objects).filter((p) => apps.has(p.labels?.[LABEL_APP] ?? ''));
    const services = target.objects.filter((o) => o.kind === 'Service');
    for (const source of pods) {
      for (const destination of pods) {
        const from = source.labels![LABEL_APP];
        const to = destination.labels![LABEL_APP];
        if (from === to) continue;
        const service = services.find((s) => s.metadata.name === to) as KubeObject & { spec: { ports: { name: string; port: number }[] } };
        for (const port of service.spec.ports) {
          const callee = apps.get(to)!;
          const caller = apps.get(from)!;
          const expected = callee.spec.access.allowFrom.some((c) =>
            ((c.kind === CallerKind.APP && c.name === from) || (c.kind === CallerKind.NAMESPACE && c.name === caller.spec.namespace))
            && (c.ports === undefined || c.ports.includes(port.name)));
          if (expected) declared.add(`${from} -> ${to}:${port.name}`);
          const actual = evaluator.check(source, destination, port.port).allowed;
          if (actual) result.allowed++;
          else result.blocked++;
          if (actual !== expected) result.wrong.push(`${target.name}: ${source.name} -> ${destination.name}:${port.port} is ${actual ? 'allowed' : 'blocked'}, declared ${expected ? 'allowed' : 'not allowed'}`);
        }
      }
    }
  }
  return { matrix: result, clusters, declared };
}

describe('reachability of the reference estate (NetworkPolicies evaluated)', () => {
  test('on a normal day: order-api reaches payment-worker where both run; every other pair of apps is blocked', () => {
    const { matrix: m, clusters, declared } = matrix('2026-06-01T00:00:00+08:00');
    expect(clusters).toEqual(['charging-sh1', 'trade-bj1', 'trade-hz1', 'trade-hz2', 'trade-sz1']);
    expect(m.wrong).toEqual([]);
    expect([...declared]).toEqual(['order-api -> payment-worker:http-admin']);
    // trade-hz1, -hz2, -sz1: order-api's two Deployments (stable, gray) reach payment-worker's two (stable, gray) on
    // its one port (4 allowed per cluster); payment-worker's two reach neither of order-api's Deployments on either
    // of its two ports (8 blocked).
    expect(m).toEqual({ allowed: 12, blocked: 24, wrong: [] });
  });

  test('at the Double 11 peak the peak clusters run the promotion engine alone: nothing to reach, nothing wrong', () => {
    const { matrix: m, clusters } = matrix('2026-11-11T00:00:00+08:00');
    expect(clusters).toContain('peak-bj1');
    expect(m).toEqual({ allowed: 12, blocked: 24, wrong: [] });
  });

  test('from outside the apps: the ingress gateway, the load balancer\'s device range, DNS, and a stray pod', () => {
    const synthesis = synthesize(referenceEstate(), { asOf: new Date('2026-06-01T00:00:00+08:00') });
    const objectsOf = (name: string) => synthesis.targets.find((t) => t.name === name)!.objects;
    // The gateways' own pods, as synthesized: the public gateway of the trade clusters, charging-sh1's console gateway.
    const gatewayPod = (cluster: string, name: string): Endpoint => podEndpoints(objectsOf(cluster)).find((p) => p.name === `ingress-gateway/${name}`)!;
    const gateway = gatewayPod('trade-hz1', 'public');
    const consoleGateway = gatewayPod('charging-sh1', 'charging-console');
    const elsewhere: Endpoint = { name: 'ingress-gateway/other', namespace: 'ingress-gateway', labels: { 'app.kubernetes.io/name': 'other' } };
    const stray: Endpoint = { name: 'ops/debug', namespace: 'ops', labels: { app: 'debug' } };
    const dns: Endpoint = { name: 'kube-system/coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };

    const trade = new NetworkPolicyEvaluator(objectsOf('trade-hz1'));
    const tradePods = podEndpoints(objectsOf('trade-hz1'));
    const order = tradePods.find((p) => p.name === 'trade/order-api')!;
    const payment = tradePods.find((p) => p.name === 'payment/payment-worker')!;
    expect(trade.check(gateway, order, 8080).allowed).toBe(true);
    expect(trade.check(gateway, order, 9090).allowed).toBe(false); // only http was declared for the gateway
    expect(trade.check(elsewhere, order, 8080).allowed).toBe(false); // another gateway of the namespace is not a caller
    expect(trade.check(gateway, payment, 8081).allowed).toBe(false);
    expect(trade.check(stray, order, 8080).allowed).toBe(false);
    expect(trade.check(stray, payment, 8081).allowed).toBe(false);
    expect(trade.check(payment, order, 8080).allowed).toBe(false);
    for (const pod of tradePods) {
      expect(trade.check(pod, dns, 53, 'UDP').allowed).toBe(true);
      expect(trade.check(pod, dns, 53, 'TCP').allowed).toBe(true);
      expect(trade.check(pod, stray, 8080).allowed).toBe(false); // egress is denied by default too
    }
    // The worker settles with the card network outside the estate, and ships logs to Kafka in the logging namespace.
    expect(trade.check(payment, { name: 'card-network', ip: '203.0.113.10' }, 443).allowed).toBe(true);
    expect(trade.check(payment, { name: 'elsewhere', ip: '198.51.100.1' }, 443).allowed).toBe(false);
    expect(trade.check(payment, { name: 'logging/kafka', namespace: 'logging', labels: { app: 'kafka' } }, 9092).allowed).toBe(true);
    expect(trade.check(order, { name: 'istio-system/istiod', namespace: 'istio-system', labels: { app: 'istiod' } }, 15012).allowed).toBe(true);

    const charging = new NetworkPolicyEvaluator(objectsOf('charging-sh1'));
    const gatewayPods = podEndpoints(objectsOf('charging-sh1')).filter((p) => p.namespace === 'charging');
    expect(gatewayPods.map((p) => p.name)).toEqual(['charging/charging-gateway-blue', 'charging/charging-gateway-green']);
    for (const pod of gatewayPods) {
      expect(charging.check({ name: 'device', ip: '100.64.3.7' }, pod, 8883).allowed).toBe(true);
      expect(charging.check({ name: 'device', ip: '100.64.3.7' }, pod, 8080).allowed).toBe(false);
      expect(charging.check({ name: 'internet', ip: '8.8.8.8' }, pod, 8883).allowed).toBe(false);
      expect(charging.check(consoleGateway, pod, 8080).allowed).toBe(true);
      expect(charging.check(consoleGateway, pod, 8883).allowed).toBe(false);
      expect(charging.check(gateway, pod, 8080).allowed).toBe(false);
    }
  });

  test('during the settlement migration order-api reaches payment-worker\'s VMs in trade-sz1, and only order-api does', () => {
    const synthesis = synthesize(referenceEstate(), { asOf: new Date('2026-06-01T00:00:00+08:00') });
    const objectsOf = (name: string) => synthesis.targets.find((t) => t.name === name)!.objects;
    const vms: Endpoint[] = ['10.60.8.21', '10.60.8.22'].map((ip) => ({ name: `settle-vm ${ip}`, ip }));
    const sz1 = new NetworkPolicyEvaluator(objectsOf('trade-sz1'));
    const pods = podEndpoints(objectsOf('trade-sz1'));
    const orders = pods.filter((p) => p.labels?.[LABEL_APP] === 'order-api');
    const others = pods.filter((p) => p.labels?.[LABEL_APP] !== 'order-api');
    expect(orders.map((p) => p.name)).toEqual(['trade/order-api', 'trade/order-api-gray']);
    expect(others.length).toBeGreaterThan(0);
    for (const vm of vms) {
      for (const order of orders) {
        expect(sz1.check(order, vm, 8081).allowed).toBe(true); // payment-worker's one port
        expect(sz1.check(order, vm, 22).allowed).toBe(false);
      }
      for (const other of others) expect(sz1.check(other, vm, 8081).allowed).toBe(false);
    }
    // Where the VMs joined no mesh, nothing reaches them.
    const hz1 = new NetworkPolicyEvaluator(objectsOf('trade-hz1'));
    for (const order of podEndpoints(objectsOf('trade-hz1')).filter((p) => p.labels?.[LABEL_APP] === 'order-api')) {
      expect(hz1.check(order, vms[0], 8081).allowed).toBe(false);
    }
  });
});
