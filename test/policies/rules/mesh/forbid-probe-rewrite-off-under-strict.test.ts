import { forbidProbeRewriteOffUnderStrict } from '../../../../policies/rules';
import { judge, messages } from '../../fixtures/judge';
import { meshedDeployment, rootPeerAuthentication } from '../../fixtures/mesh';
import { broken } from '../../fixtures/workloads';

const rewriteOff = () => broken(meshedDeployment(), (d) => (d.spec.template.metadata.annotations['sidecar.istio.io/rewriteAppHTTPProbers'] = 'false'));

describe('forbid-probe-rewrite-off-under-strict', () => {
  test('probe rewriting left on is not judged', () => {
    expect(judge(forbidProbeRewriteOffUnderStrict, meshedDeployment(), { target: [rootPeerAuthentication()] }).kind).toBe('not-applicable');
  });

  test('rewriting off under STRICT breaks every HTTP probe of the pod', () => {
    expect(messages(judge(forbidProbeRewriteOffUnderStrict, rewriteOff(), { target: [rootPeerAuthentication()] }))).toEqual([
      'sidecar "log-shipper": the HTTP livenessProbe on port 2020 is refused, since PeerAuthentication istio-system/default makes it STRICT and sidecar.istio.io/rewriteAppHTTPProbers is "false"',
      'sidecar "log-shipper": the HTTP readinessProbe on port 2020 is refused, since PeerAuthentication istio-system/default makes it STRICT and sidecar.istio.io/rewriteAppHTTPProbers is "false"',
      'container "checkout": the HTTP livenessProbe on port 8080 is refused, since PeerAuthentication istio-system/default makes it STRICT and sidecar.istio.io/rewriteAppHTTPProbers is "false"',
      'container "checkout": the HTTP readinessProbe on port 8080 is refused, since PeerAuthentication istio-system/default makes it STRICT and sidecar.istio.io/rewriteAppHTTPProbers is "false"',
    ]);
  });

  test('a named gRPC probe port resolves through the container ports; a PERMISSIVE port is fine', () => {
    const grpc = broken(rewriteOff(), (d) => {
      d.spec.template.spec.initContainers = [];
      const c = d.spec.template.spec.containers[0];
      c.ports = [{ name: 'grpc', containerPort: 9090 }];
      c.readinessProbe = { grpc: { port: 9090 } };
      c.livenessProbe = { tcpSocket: { port: 9090 } };
    });
    expect(messages(judge(forbidProbeRewriteOffUnderStrict, grpc, { target: [rootPeerAuthentication()] }))).toEqual([
      'container "checkout": the gRPC readinessProbe on port 9090 is refused, since PeerAuthentication istio-system/default makes it STRICT and sidecar.istio.io/rewriteAppHTTPProbers is "false"',
    ]);
    const open = { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'checkout', namespace: 'shop' }, spec: { selector: { matchLabels: { 'cluster-estate.io/app': 'checkout' } }, portLevelMtls: { 9090: { mode: 'PERMISSIVE' } } } };
    expect(judge(forbidProbeRewriteOffUnderStrict, grpc, { target: [rootPeerAuthentication(), open] }).kind).toBe('compliant');
  });

  test('without STRICT, or outside the mesh, rewriting off is not a problem', () => {
    expect(judge(forbidProbeRewriteOffUnderStrict, rewriteOff(), { target: [rootPeerAuthentication('PERMISSIVE')] }).kind).toBe('compliant');
    expect(judge(forbidProbeRewriteOffUnderStrict, rewriteOff()).kind).toBe('compliant');
    const optedOut = broken(rewriteOff(), (d) => (d.spec.template.metadata.labels['sidecar.istio.io/inject'] = 'false'));
    expect(judge(forbidProbeRewriteOffUnderStrict, optedOut, { target: [rootPeerAuthentication()] }).kind).toBe('not-applicable');
  });

  test('a namespace that enables injection puts its pods in the mesh', () => {
    const plain = broken(rewriteOff(), (d) => delete d.spec.template.metadata.labels['istio.io/rev']);
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'istio-injection': 'enabled' } } };
    expect(judge(forbidProbeRewriteOffUnderStrict, plain, { target: [rootPeerAuthentication()] }).kind).toBe('not-applicable');
    expect(messages(judge(forbidProbeRewriteOffUnderStrict, plain, { target: [rootPeerAuthentication(), ns] }))).toHaveLength(4);
  });
});
