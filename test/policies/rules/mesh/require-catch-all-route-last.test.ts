import { requireCatchAllRouteLast } from '../../../../policies/rules';
import { judge, messages } from '../../fixtures/judge';
import { compliantVirtualService } from '../../fixtures/mesh';
import { broken } from '../../fixtures/workloads';

describe('require-catch-all-route-last', () => {
  test('a lane match first and a default route last is compliant', () => {
    expect(judge(requireCatchAllRouteLast, compliantVirtualService())).toEqual({ kind: 'compliant' });
  });

  test('a canary match after the default route is unreachable', () => {
    const vs = broken(compliantVirtualService(), (v) => v.spec.http.reverse());
    expect(messages(judge(requireCatchAllRouteLast, vs))).toEqual(['http route 2 (lane) is unreachable: http route 1 (default) before it takes every request']);
  });

  test('a match on prefix "/" takes every request; a repeated condition is unreachable', () => {
    const prefix = broken(compliantVirtualService(), (v) => (v.spec.http[0].match = [{ uri: { prefix: '/' } }]));
    expect(messages(judge(requireCatchAllRouteLast, prefix))).toEqual(['http route 2 (default) is unreachable: http route 1 (lane) before it takes every request']);
    const repeated = broken(compliantVirtualService(), (v) => v.spec.http.splice(1, 0, { name: 'again', match: [{ headers: { 'x-lane': { exact: 'gray' } } }, { headers: { 'x-lane': { exact: 'blue' } } }], route: [{ destination: { host: 'checkout', subset: 'stable' } }] }));
    expect(messages(judge(requireCatchAllRouteLast, repeated))).toEqual(['http route 2 (again) match 1 is unreachable: http route 1 (lane) has the same condition']);
  });

  test('a mesh VirtualService without a catch-all is a violation; a gateway-only one or a configured exception is not', () => {
    const noDefault = broken(compliantVirtualService(), (v) => v.spec.http.pop());
    expect(messages(judge(requireCatchAllRouteLast, noDefault))).toEqual(['no HTTP rule takes the requests that match none of its 1 rule(s): callers in the mesh get 404 for them']);
    expect(judge(requireCatchAllRouteLast, broken(noDefault, (v) => (v.spec.gateways = ['istio-ingress/public']))).kind).toBe('compliant');
    expect(judge(requireCatchAllRouteLast, noDefault, { config: { requireCatchAll: false } }).kind).toBe('compliant');
  });
});
