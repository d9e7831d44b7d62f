import { requireKnownMeshHost } from '../../../../policies/rules';
import { referenceContext } from '../../fixtures/estate';
import { judge, messages } from '../../fixtures/judge';
import { compliantDestinationRule, compliantMesh, compliantServiceEntry, compliantVirtualService } from '../../fixtures/mesh';
import { broken } from '../../fixtures/workloads';

describe('require-known-mesh-host', () => {
  test('FQDN and short hosts of an existing Service, and ServiceEntry hosts, resolve', () => {
    const mesh = compliantMesh();
    expect(judge(requireKnownMeshHost, compliantVirtualService(), { target: mesh })).toEqual({ kind: 'compliant' });
    expect(judge(requireKnownMeshHost, compliantDestinationRule(), { target: mesh })).toEqual({ kind: 'compliant' });
    const external = broken(compliantDestinationRule(), (d) => (d.spec.host = 'api.pay.example.com'));
    expect(judge(requireKnownMeshHost, external, { target: [...mesh, compliantServiceEntry()] })).toEqual({ kind: 'compliant' });
  });

  test('a destination whose short name resolves in the wrong namespace is a violation', () => {
    const vs = broken(compliantVirtualService(), (v) => (v.spec.http[1].route[0].destination.host = 'payment-worker'));
    expect(messages(judge(requireKnownMeshHost, vs, { target: compliantMesh() }))).toEqual([
      'http route 2 destination "payment-worker" resolves to nothing (no Service shop/payment-worker and no ServiceEntry for it)',
    ]);
  });

  test('a DestinationRule host with a typo and an undeclared external host are violations', () => {
    const typo = broken(compliantDestinationRule(), (d) => (d.spec.host = 'chekout.shop.svc.cluster.local'));
    expect(messages(judge(requireKnownMeshHost, typo, { target: compliantMesh() }))).toEqual(['host "chekout.shop.svc.cluster.local" resolves to nothing (no Service shop/chekout and no ServiceEntry for it)']);
    const external = broken(compliantDestinationRule(), (d) => (d.spec.host = 'api.other.example.com'));
    expect(messages(judge(requireKnownMeshHost, external, { target: compliantMesh() }))).toEqual(['host "api.other.example.com" resolves to nothing (no ServiceEntry declares it)']);
  });

  test('edge hosts of a gateway-only VirtualService need no Service; a file without Services is not judged', () => {
    const edge = broken(compliantVirtualService(), (v) => { v.spec.gateways = ['istio-ingress/public']; v.spec.hosts = ['shop.example.com']; });
    expect(judge(requireKnownMeshHost, edge, { target: compliantMesh() }).kind).toBe('compliant');
    const meshBound = broken(edge, (v) => (v.spec.gateways = ['istio-ingress/public', 'mesh']));
    expect(messages(judge(requireKnownMeshHost, meshBound, { target: compliantMesh() }))).toEqual(['host "shop.example.com" resolves to nothing (no ServiceEntry declares it)']);
    expect(judge(requireKnownMeshHost, compliantVirtualService(), { target: [compliantDestinationRule()] }).kind).toBe('not-applicable');
  });

  test('with the estate, a FQDN in another service domain than the cluster\'s does not resolve', () => {
    const context = referenceContext();
    const domain = context.clusters.get('trade-hz1')!.plan.serviceDomain;
    // The reference estate keeps Kubernetes' default domain, which the fixtures' FQDNs name.
    expect(domain).toBe('cluster.local');
    expect(judge(requireKnownMeshHost, compliantDestinationRule(), { target: compliantMesh(), targetName: 'trade-hz1', context }).kind).toBe('compliant');
    const other = broken(compliantDestinationRule(), (d) => (d.spec.host = 'checkout.shop.svc.other.example'));
    expect(messages(judge(requireKnownMeshHost, other, { target: compliantMesh(), targetName: 'trade-hz1', context }))).toEqual([`host "checkout.shop.svc.other.example" names the service domain other.example, but cluster trade-hz1 uses ${domain}`]);
    expect(judge(requireKnownMeshHost, other, { target: compliantMesh() }).kind).toBe('compliant');
  });
});
