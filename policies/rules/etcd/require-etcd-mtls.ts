import { etcdConfigOf, isEtcdBootstrapSecret, urlList } from '../../engine/capi';
import { asArray, asString, field, isObject, isTruthy } from '../../engine/kube';
import { defineRule, notApplicable, violations } from '../../engine/types';

const SECURITY_SECTIONS = [
  ['client-transport-security', 'client'],
  ['peer-transport-security', 'peer'],
] as const;

const HTTPS_KEYS = ['listen-client-urls', 'advertise-client-urls', 'listen-peer-urls', 'initial-advertise-peer-urls'] as const;

/** etcd speaks mutual TLS on the client and the peer port; the API servers present client certificates. */
export const requireEtcdMtls = defineRule({
  id: 'require-etcd-mtls',
  area: 'etcd',
  description: 'etcd serves clients and peers over mutual TLS, and the control plane reaches it with a CA, a client certificate and a key.',
  rationale: 'Every etcd member serves clients and peers over HTTPS with a certificate, a trusted CA and client-certificate authentication (no auto-TLS), and the control plane reaches etcd over HTTPS with its CA, client certificate and key. etcd holds every Secret of the cluster. Without client-cert-auth anyone who can reach port 2379 reads and writes the whole cluster state; without peer mTLS a machine on the network can join the raft group. Auto-TLS certificates are self-signed and authenticate nobody.',
  remediation: 'Keep the estate\'s etcd configuration (mTLS on both ports is always on); in hand-written YAML set cert-file, key-file, trusted-ca-file and client-cert-auth: true in client- and peer-transport-security, use https:// URLs, and give etcd.external caFile, certFile and keyFile.',
  severity: 'critical',
  enforcement: 'mandatory',
  kinds: ['Secret', 'KubeadmControlPlane'],
  relational: false,
  estateContext: 'none',
  config: {},
  check({ object, target }) {
    const messages: string[] = [];
    if (object.kind === 'KubeadmControlPlane') {
      const external = field(object, 'spec.kubeadmConfigSpec.clusterConfiguration.etcd.external');
      if (!isObject(external)) return notApplicable('the control plane has no external etcd');
      for (const endpoint of asArray(external.endpoints).map(String)) {
        if (!/^https:\/\//.test(endpoint)) messages.push(`etcd endpoint ${endpoint} is not https`);
      }
      for (const key of ['caFile', 'certFile', 'keyFile']) {
        if (!asString(external[key])) messages.push(`etcd.external.${key} is not set: the API server cannot ${key === 'caFile' ? 'verify etcd' : 'authenticate to etcd'}`);
      }
      return violations(messages);
    }

    if (!isEtcdBootstrapSecret(target, object)) return notApplicable('not an etcd member bootstrap Secret');
    const member = etcdConfigOf(target, object);
    if (!member) return violations(['the bootstrap Secret installs no etcd configuration file that can be read: its transport security cannot be verified']);
    const config = member.config;
    for (const [section, what] of SECURITY_SECTIONS) {
      const security = config[section];
      if (!isObject(security)) {
        messages.push(`${section} is missing: the ${what} port has no TLS`);
        continue;
      }
      for (const key of ['cert-file', 'key-file', 'trusted-ca-file']) {
        if (!asString(security[key])) messages.push(`${section}.${key} is not set`);
      }
      if (!isTruthy(security['client-cert-auth'])) messages.push(`${section}.client-cert-auth is not true: ${what}s are not authenticated`);
      if (isTruthy(security['auto-tls'])) messages.push(`${section}.auto-tls is on: self-signed certificates authenticate nobody`);
    }
    for (const key of HTTPS_KEYS) {
      for (const url of urlList(config[key])) {
        if (!/^https:\/\//.test(url)) messages.push(`${key} ${url} is not https`);
      }
    }
    for (const entry of urlList(config['initial-cluster'])) {
      const url = entry.slice(entry.indexOf('=') + 1);
      if (!/^https:\/\//.test(url)) messages.push(`initial-cluster peer ${entry} is not https`);
    }
    return violations(messages);
  },
});
