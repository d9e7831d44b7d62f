import { requireMeshGatewayBinding } from '../../../../policies/rules';
import { judge, messages } from '../../fixtures/judge';
import { compliantVirtualService } from '../../fixtures/mesh';
import { broken } from '../../fixtures/workloads';

describe('require-mesh-gateway-binding', () => {
  test('a canary bound to a gateway and the mesh is compliant; without gateways the rule does not apply', () => {
    expect(judge(requireMeshGatewayBinding, compliantVirtualService())).toEqual({ kind: 'compliant' });
    expect(judge(requireMeshGatewayBinding, broken(compliantVirtualService(), (v) => delete v.spec.gateways)).kind).toBe('not-applicable');
  });

  test('a canary that lists gateways without mesh is a violation', () => {
    const vs = broken(compliantVirtualService(), (v) => (v.spec.gateways = ['istio-ingress/public']));
    expect(messages(judge(requireMeshGatewayBinding, vs))).toEqual(['it routes to subsets and lists gateways istio-ingress/public without "mesh": callers inside the mesh bypass its routes']);
  });

  test('a gateway-only VirtualService without subsets is not a canary', () => {
    const vs = broken(compliantVirtualService(), (v) => {
      v.spec.gateways = ['istio-ingress/public'];
      v.spec.http = [{ route: [{ destination: { host: 'checkout' } }] }];
    });
    expect(judge(requireMeshGatewayBinding, vs).kind).toBe('not-applicable');
  });

  test('a gateway-only route for an edge name is not a sidecar route; the same name declared by a ServiceEntry is', () => {
    const edge = broken(compliantVirtualService(), (v) => {
      v.spec.hosts = ['shop.example.com'];
      v.spec.gateways = ['istio-ingress/public'];
    });
    const verdict = judge(requireMeshGatewayBinding, edge);
    expect(verdict).toEqual({ kind: 'not-applicable', reason: expect.stringContaining('edge names') });
    const entry = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name: 'shop', namespace: 'shop' },
      spec: { hosts: ['shop.example.com'], ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }], resolution: 'DNS' },
    };
    expect(messages(judge(requireMeshGatewayBinding, edge, { target: [entry] }))).toEqual([
      'it routes to subsets and lists gateways istio-ingress/public without "mesh": callers inside the mesh bypass its routes',
    ]);
  });
});
