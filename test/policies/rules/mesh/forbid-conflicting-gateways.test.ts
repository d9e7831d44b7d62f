import { forbidConflictingGateways } from '../../../../policies/rules';
import { judge, messages } from '../../fixtures/judge';
import { compliantGateway } from '../../fixtures/mesh';
import { broken } from '../../fixtures/workloads';

describe('forbid-conflicting-gateways', () => {
  test('two Gateways with different hosts on one gateway, or one host on two gateways, are compliant', () => {
    const a = compliantGateway('public');
    const b = compliantGateway('partners', ['partners.example.com']);
    const c = broken(compliantGateway('internal'), (g) => (g.spec.selector = { istio: 'ingress-internal' }));
    expect(judge(forbidConflictingGateways, a, { target: [a, b, c] })).toEqual({ kind: 'compliant' });
  });

  test('the same host and port on the same selector is a violation, on both Gateways', () => {
    const a = compliantGateway('public');
    const b = compliantGateway('public-v2', ['istio-ingress/SHOP.example.com']);
    const expected = (other: string) => [
      `port 443 host shop.example.com is also claimed by Gateway istio-ingress/${other} on the same gateway pods (selector istio=ingress-public): one of them is dropped`,
      `port 80 host shop.example.com is also claimed by Gateway istio-ingress/${other} on the same gateway pods (selector istio=ingress-public): one of them is dropped`,
    ];
    expect(messages(judge(forbidConflictingGateways, a, { target: [a, b] }))).toEqual(expected('public-v2'));
    expect(messages(judge(forbidConflictingGateways, b, { target: [a, b] }))).toEqual(expected('public'));
  });

  test('different selectors that pick the same gateway pods conflict; a listener repeated in one Gateway too', () => {
    const a = compliantGateway('public');
    const b = broken(compliantGateway('by-app'), (g) => (g.spec.selector = { app: 'ingress' }));
    const pods = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'ingress', namespace: 'istio-ingress' }, spec: { template: { metadata: { labels: { istio: 'ingress-public', app: 'ingress' } }, spec: { containers: [{ name: 'istio-proxy', image: 'auto' }] } } } };
    expect(messages(judge(forbidConflictingGateways, a, { target: [a, b] }))).toEqual([]);
    expect(messages(judge(forbidConflictingGateways, a, { target: [a, b, pods] }))).toHaveLength(2);
    const twice = broken(a, (g) => g.spec.servers.push(g.spec.servers[0]));
    expect(messages(judge(forbidConflictingGateways, twice))).toEqual(['port 443 host shop.example.com is declared twice in this Gateway']);
  });

  test('wildcards: overlapping hosts on one port and the same pods conflict, with or without a namespace part', () => {
    const pair = (a: string[], b: string[]) => {
      const x = compliantGateway('public', a);
      const y = compliantGateway('wildcard', b);
      return messages(judge(forbidConflictingGateways, y, { target: [x, y] }));
    };
    const overlap = (host: string, other: string) => [443, 80].map((port) =>
      `port ${port} host ${host} overlaps host ${other} of Gateway istio-ingress/public on the same gateway pods (selector istio=ingress-public): the names both cover go to one of them only`);
    expect(pair(['shop.example.com'], ['*.example.com'])).toEqual(overlap('*.example.com', 'shop.example.com'));
    expect(pair(['*.example.com'], ['shop/shop.example.com'])).toEqual(overlap('shop.example.com', '*.example.com'));
    expect(pair(['*.example.com'], ['*.eu.example.com'])).toEqual(overlap('*.eu.example.com', '*.example.com'));
    expect(pair(['shop.example.com'], ['*'])).toEqual(overlap('*', 'shop.example.com'));
    expect(pair(['./*'], ['api.partner.org'])).toEqual(overlap('api.partner.org', '*'));
  });

  test('wildcards: disjoint names, the domain of a wildcard, another port or other pods do not conflict', () => {
    const pair = (a: string[], b: string[]) => {
      const x = compliantGateway('public', a);
      const y = compliantGateway('wildcard', b);
      return judge(forbidConflictingGateways, y, { target: [x, y] });
    };
    expect(pair(['*.a.com'], ['x.b.com'])).toEqual({ kind: 'compliant' });
    expect(pair(['*.a.com'], ['a.com'])).toEqual({ kind: 'compliant' });
    expect(pair(['*.a.com'], ['*.b.com'])).toEqual({ kind: 'compliant' });
    expect(pair(['*.a.com'], ['xa.com'])).toEqual({ kind: 'compliant' });
    const elsewhere = broken(compliantGateway('wildcard', ['*']), (g) => (g.spec.selector = { istio: 'ingress-internal' }));
    expect(judge(forbidConflictingGateways, elsewhere, { target: [compliantGateway('public'), elsewhere] })).toEqual({ kind: 'compliant' });
    const otherPort = broken(compliantGateway('wildcard', ['*.example.com']), (g) => (g.spec.servers = [{ ...g.spec.servers[0], port: { number: 8443, name: 'https-alt', protocol: 'HTTPS' } }]));
    expect(judge(forbidConflictingGateways, otherPort, { target: [compliantGateway('public'), otherPort] })).toEqual({ kind: 'compliant' });
  });
});
