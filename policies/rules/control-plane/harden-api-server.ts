import { argMap } from '../../engine/capi';
import { field } from '../../engine/kube';
import { defineRule, violations } from '../../engine/types';

export interface HardenApiServerConfig {
  readonly minTlsVersion: string;
}

const TLS_VERSIONS = ['VersionTLS10', 'VersionTLS11', 'VersionTLS12', 'VersionTLS13'];

function listArg(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(',').map((v) => v.trim()).filter((v) => v);
}

/** The API server refuses anonymous requests, audits, encrypts Secrets at rest and keeps TLS and authorization tight. */
export const hardenApiServer = defineRule<HardenApiServerConfig>({
  id: 'harden-api-server',
  area: 'control-plane',
  description: 'The kube-apiserver runs hardened: no anonymous auth, an audit log, Secrets encrypted at rest, TLS 1.2 or newer, no allow-all modes.',
  rationale: 'The kube-apiserver runs with anonymous-auth=false, an audit log and audit policy, Secrets encrypted at rest (encryption-provider-config), profiling off, a minimum TLS version of 1.2, no AlwaysAllow authorization, no AlwaysAdmit admission, NodeRestriction kept and no insecure port. The API server is the front door of the cluster: anonymous requests reach every endpoint a misconfigured RBAC binding opens; without an audit log an incident cannot be reconstructed; without encryption at rest every etcd backup holds every Secret in clear text.',
  remediation: 'Keep the control plane\'s defaults (anonymousAuth false, auditLog, secretsEncryption) and do not override these flags with extraApiServerArgs; in hand-written YAML set the flags in clusterConfiguration.apiServer.extraArgs.',
  severity: 'high',
  enforcement: 'mandatory',
  kinds: ['KubeadmControlPlane'],
  relational: false,
  estateContext: 'none',
  config: {
    minTlsVersion: { type: 'string', description: 'Lowest acceptable --tls-min-version.', default: 'VersionTLS12', enum: TLS_VERSIONS },
  },
  check({ object, config }) {
    const args = argMap(field(object, 'spec.kubeadmConfigSpec.clusterConfiguration.apiServer.extraArgs'));
    const messages: string[] = [];
    const anonymous = args.get('anonymous-auth');
    if (anonymous !== 'false') messages.push(anonymous === undefined ? 'anonymous-auth is not set (the API server default allows anonymous requests)' : `anonymous-auth is "${anonymous}": anonymous requests are allowed`);
    for (const [flag, what] of [['audit-log-path', 'no audit log is written'], ['audit-policy-file', 'no audit policy, so nothing is audited']] as const) {
      if (!args.get(flag)) messages.push(`${flag} is not set: ${what}`);
    }
    if (!args.get('encryption-provider-config')) messages.push('encryption-provider-config is not set: Secrets are stored in etcd unencrypted');
    if (args.get('profiling') !== 'false') messages.push('profiling is not "false": the pprof endpoints are served');
    const tls = args.get('tls-min-version');
    const wanted = TLS_VERSIONS.indexOf(config.minTlsVersion);
    if (tls === undefined || TLS_VERSIONS.indexOf(tls) < wanted) messages.push(`tls-min-version is ${tls === undefined ? 'not set' : `"${tls}"`}: ${config.minTlsVersion} or newer required`);
    const authorization = listArg(args.get('authorization-mode'));
    if (authorization.includes('AlwaysAllow')) messages.push('authorization-mode includes AlwaysAllow: every authenticated request is allowed');
    if (authorization.length > 0 && !authorization.includes('RBAC')) messages.push(`authorization-mode "${authorization.join(',')}" leaves out RBAC`);
    if (listArg(args.get('enable-admission-plugins')).includes('AlwaysAdmit')) messages.push('enable-admission-plugins includes AlwaysAdmit');
    if (listArg(args.get('disable-admission-plugins')).includes('NodeRestriction')) messages.push('disable-admission-plugins turns off NodeRestriction: a kubelet could label and modify other nodes');
    const insecure = args.get('insecure-port');
    if (insecure !== undefined && insecure !== '0') messages.push(`insecure-port is ${insecure}: an unauthenticated HTTP port`);
    return violations(messages);
  },
});
