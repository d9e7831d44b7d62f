import { forbidPlaintextToStrictWorkloads } from '../../../../policies/rules';
import { judge, messages } from '../../fixtures/judge';
import { compliantDestinationRule, compliantMesh, meshedDeployment, meshedService, rootPeerAuthentication } from '../../fixtures/mesh';
import { broken } from '../../fixtures/workloads';

const disabled = () => broken(compliantDestinationRule(), (d) => (d.spec.trafficPolicy.tls = { mode: 'DISABLE' }));
const STRICT_MESSAGE = (where: string, workload: string) =>
  `${where}, port 80: tls.mode DISABLE sends plain text to the pods of Deployment shop/${workload}, which PeerAuthentication istio-system/default makes STRICT: every request fails (503)`;

describe('forbid-plaintext-to-strict-workloads', () => {
  test('a DestinationRule without a tls block does not apply; ISTIO_MUTUAL is compliant', () => {
    expect(judge(forbidPlaintextToStrictWorkloads, compliantDestinationRule(), { target: compliantMesh() }).kind).toBe('not-applicable');
  });

  test('DISABLE toward pods that the mesh-wide PeerAuthentication makes STRICT is a violation, per workload', () => {
    expect(messages(judge(forbidPlaintextToStrictWorkloads, disabled(), { target: compliantMesh() }))).toEqual([
      STRICT_MESSAGE('trafficPolicy', 'checkout'), STRICT_MESSAGE('trafficPolicy', 'checkout-gray'),
    ]);
  });

  test('a subset that disables TLS concerns only its own pods', () => {
    const dr = broken(compliantDestinationRule(), (d) => (d.spec.subsets[1].trafficPolicy = { tls: { mode: 'DISABLE' } }));
    expect(messages(judge(forbidPlaintextToStrictWorkloads, dr, { target: compliantMesh() }))).toEqual([STRICT_MESSAGE('subset gray', 'checkout-gray')]);
  });

  test('a namespace PERMISSIVE, or a workload port opened by portLevelMtls, accepts plain text', () => {
    const nsPermissive = { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'shop' }, spec: { mtls: { mode: 'PERMISSIVE' } } };
    expect(judge(forbidPlaintextToStrictWorkloads, disabled(), { target: [...compliantMesh(), nsPermissive] }).kind).toBe('compliant');
    const portOpen = { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'checkout', namespace: 'shop' }, spec: { selector: { matchLabels: { 'cluster-estate.io/app': 'checkout' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { 8080: { mode: 'PERMISSIVE' } } } };
    expect(judge(forbidPlaintextToStrictWorkloads, disabled(), { target: [...compliantMesh(), portOpen] })).toEqual({ kind: 'compliant' });
  });

  test('pods outside the mesh have no proxy to refuse plain text; without pods the namespace\'s mode decides', () => {
    const plain = broken(meshedDeployment(), (d) => delete d.spec.template.metadata.labels['istio.io/rev']);
    expect(judge(forbidPlaintextToStrictWorkloads, disabled(), { target: [rootPeerAuthentication(), plain, meshedService()] }).kind).toBe('not-applicable');
    expect(messages(judge(forbidPlaintextToStrictWorkloads, disabled(), { target: [rootPeerAuthentication()] }))).toEqual([
      'trafficPolicy: tls.mode DISABLE sends plain text to checkout.shop.svc.cluster.local, which PeerAuthentication istio-system/default makes STRICT: every request fails (503)',
    ]);
    expect(judge(forbidPlaintextToStrictWorkloads, disabled(), { target: [rootPeerAuthentication('PERMISSIVE')] }).kind).toBe('compliant');
  });
});
