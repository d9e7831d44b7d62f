import { requireEtcdMtls } from '../../../../policies/rules';
import { clusterManagementObjects, editEtcdConfig, pick } from '../../fixtures/estate';
import { judge, messages } from '../../fixtures/judge';

/* eslint-disable @typescript-eslint/no-explicit-any */
const setup = () => {
  const objects = clusterManagementObjects('ops-nx1');
  return { secret: pick(objects, 'Secret', 'ops-nx1-etcd-0-bootstrap') as any, kcp: pick(objects, 'KubeadmControlPlane', 'ops-nx1-control-plane') as any };
};
describe('require-etcd-mtls', () => {
  test('the synthesized member configuration and control plane are compliant', () => {
    const { secret, kcp } = setup();
    expect(judge(requireEtcdMtls, secret)).toEqual({ kind: 'compliant' });
    expect(judge(requireEtcdMtls, kcp)).toEqual({ kind: 'compliant' });
  });

  test.each([
    ['client-cert-auth off on the client port', (c: any) => (c['client-transport-security']['client-cert-auth'] = false), 'client-transport-security.client-cert-auth is not true: clients are not authenticated'],
    ['no trusted CA for peers', (c: any) => delete c['peer-transport-security']['trusted-ca-file'], 'peer-transport-security.trusted-ca-file is not set'],
    ['no client transport security at all', (c: any) => delete c['client-transport-security'], 'client-transport-security is missing: the client port has no TLS'],
    ['auto-TLS for peers', (c: any) => (c['peer-transport-security']['auto-tls'] = true), 'peer-transport-security.auto-tls is on: self-signed certificates authenticate nobody'],
    ['plain http for clients', (c: any) => (c['listen-client-urls'] = 'http://10.250.5.10:2379'), 'listen-client-urls http://10.250.5.10:2379 is not https'],
    ['a plain http peer in initial-cluster', (c: any) => (c['initial-cluster'] = c['initial-cluster'].replace('ops-nx1-etcd-1=https:', 'ops-nx1-etcd-1=http:')), 'initial-cluster peer ops-nx1-etcd-1=http://10.250.5.11:2380 is not https'],
  ])('%s is a violation', (_what, change, message) => {
    const { secret } = setup();
    editEtcdConfig(secret, change);
    expect(messages(judge(requireEtcdMtls, secret))).toEqual([message]);
  });

  test('a bootstrap Secret whose etcd configuration cannot be read is a violation', () => {
    const { secret } = setup();
    secret.stringData.value = '#cloud-config\nwrite_files: []\n';
    expect(messages(judge(requireEtcdMtls, secret))[0]).toMatch(/cannot be verified/);
  });

  test.each([
    ['an http endpoint', (k: any) => (k.spec.kubeadmConfigSpec.clusterConfiguration.etcd.external.endpoints[0] = 'http://10.250.5.10:2379'), 'etcd endpoint http://10.250.5.10:2379 is not https'],
    ['no client certificate', (k: any) => delete k.spec.kubeadmConfigSpec.clusterConfiguration.etcd.external.certFile, 'etcd.external.certFile is not set: the API server cannot authenticate to etcd'],
  ])('a control plane with %s is a violation', (_what, change, message) => {
    const { kcp } = setup();
    change(kcp);
    expect(messages(judge(requireEtcdMtls, kcp))).toEqual([message]);
  });
});
