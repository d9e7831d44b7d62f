import { hardenApiServer } from '../../../../policies/rules';
import { clusterManagementObjects, pick } from '../../fixtures/estate';
import { judge, messages } from '../../fixtures/judge';

/* eslint-disable @typescript-eslint/no-explicit-any */
const kcpWith = (change: (args: { name: string; value: string }[]) => void) => {
  const kcp = pick(clusterManagementObjects('trade-sz1'), 'KubeadmControlPlane', 'trade-sz1-control-plane') as any;
  change(kcp.spec.kubeadmConfigSpec.clusterConfiguration.apiServer.extraArgs);
  return kcp;
};
const set = (name: string, value: string) => (args: { name: string; value: string }[]) => {
  const found = args.find((a) => a.name === name);
  if (found) found.value = value;
  else args.push({ name, value });
};
const remove = (name: string) => (args: { name: string; value: string }[]) => args.splice(args.findIndex((a) => a.name === name), 1);

describe('harden-api-server', () => {
  test('the synthesized API server is compliant', () => {
    expect(judge(hardenApiServer, kcpWith(() => undefined))).toEqual({ kind: 'compliant' });
  });

  test.each([
    ['anonymous auth on', set('anonymous-auth', 'true'), 'anonymous-auth is "true": anonymous requests are allowed'],
    ['anonymous auth left to the default', remove('anonymous-auth'), 'anonymous-auth is not set (the API server default allows anonymous requests)'],
    ['no audit log', remove('audit-log-path'), 'audit-log-path is not set: no audit log is written'],
    ['no audit policy', remove('audit-policy-file'), 'audit-policy-file is not set: no audit policy, so nothing is audited'],
    ['no encryption at rest', remove('encryption-provider-config'), 'encryption-provider-config is not set: Secrets are stored in etcd unencrypted'],
    ['profiling on', set('profiling', 'true'), 'profiling is not "false": the pprof endpoints are served'],
    ['TLS 1.1', set('tls-min-version', 'VersionTLS11'), 'tls-min-version is "VersionTLS11": VersionTLS12 or newer required'],
    ['AlwaysAllow authorization', set('authorization-mode', 'Node,RBAC,AlwaysAllow'), 'authorization-mode includes AlwaysAllow: every authenticated request is allowed'],
    ['no RBAC', set('authorization-mode', 'Node,Webhook'), 'authorization-mode "Node,Webhook" leaves out RBAC'],
    ['AlwaysAdmit', set('enable-admission-plugins', 'NodeRestriction,AlwaysAdmit'), 'enable-admission-plugins includes AlwaysAdmit'],
    ['NodeRestriction off', set('disable-admission-plugins', 'NodeRestriction'), 'disable-admission-plugins turns off NodeRestriction: a kubelet could label and modify other nodes'],
    ['an insecure port', set('insecure-port', '8080'), 'insecure-port is 8080: an unauthenticated HTTP port'],
  ])('%s is a violation', (_what, change, message) => {
    expect(messages(judge(hardenApiServer, kcpWith(change)))).toEqual([message]);
  });

  test('the v1beta1 map form of extraArgs is read too', () => {
    const kcp = kcpWith(() => undefined);
    const list = kcp.spec.kubeadmConfigSpec.clusterConfiguration.apiServer.extraArgs as { name: string; value: string }[];
    kcp.spec.kubeadmConfigSpec.clusterConfiguration.apiServer.extraArgs = Object.fromEntries(list.map((a) => [a.name, a.name === 'anonymous-auth' ? 'true' : a.value]));
    expect(messages(judge(hardenApiServer, kcp))).toEqual(['anonymous-auth is "true": anonymous requests are allowed']);
  });

  test('the minimum TLS version is configurable', () => {
    expect(messages(judge(hardenApiServer, kcpWith(() => undefined), { config: { minTlsVersion: 'VersionTLS13' } }))).toEqual(['tls-min-version is "VersionTLS12": VersionTLS13 or newer required']);
  });
});
