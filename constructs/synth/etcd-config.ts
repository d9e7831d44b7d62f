import * as yaml from 'js-yaml';
import { EtcdMember } from '../estate';
import { ClusterPlan } from './plan';

/** Where an etcd member keeps its configuration, certificates and data. */
export const ETCD_PATHS = {
  configFile: '/etc/etcd/etcd.conf.yml',
  unitFile: '/etc/systemd/system/etcd.service',
  binary: '/usr/local/bin/etcd',
  dataDir: '/var/lib/etcd',
  pkiDir: '/etc/etcd/pki',
  caFile: '/etc/etcd/pki/ca.crt',
  serverCertFile: '/etc/etcd/pki/server.crt',
  serverKeyFile: '/etc/etcd/pki/server.key',
  peerCertFile: '/etc/etcd/pki/peer.crt',
  peerKeyFile: '/etc/etcd/pki/peer.key',
} as const;

/** Port of the plain-HTTP metrics and health listener (no keys or data are served there). */
export const ETCD_METRICS_PORT = 2381;

/**
 * How a member joins a cluster that already runs: the membership it was added to (etcd's `initial-cluster` after
 * `member add`, itself included).
 */
export interface EtcdJoin {
  readonly initialCluster: string;
}

/**
 * The configuration file of one member, keyed by etcd's flag names (etcd `--config-file` format), as etcd 3.4 and
 * later read it: durations are whole milliseconds, mutual TLS on the client and the peer port. A member of a new
 * cluster starts with `initial-cluster-state: new` and every member; a joiner (`join`) with `existing` and the
 * membership it was added to.
 */
export function etcdMemberConfig(cluster: ClusterPlan, member: EtcdMember, join?: EtcdJoin): Record<string, unknown> {
  const etcd = cluster.etcd;
  const host = member.address.includes(':') ? `[${member.address}]` : member.address;
  return {
    name: member.name,
    'data-dir': ETCD_PATHS.dataDir,
    'listen-peer-urls': member.peerUrl,
    'listen-client-urls': member.clientUrl,
    'listen-metrics-urls': `http://${host}:${ETCD_METRICS_PORT}`,
    'initial-advertise-peer-urls': member.peerUrl,
    'advertise-client-urls': member.clientUrl,
    'initial-cluster': join ? join.initialCluster : etcd.members.map((m) => `${m.name}=${m.peerUrl}`).join(','),
    'initial-cluster-token': `${cluster.name}-etcd`,
    'initial-cluster-state': join ? 'existing' : 'new',
    'heartbeat-interval': etcd.timeouts.heartbeatIntervalMs,
    'election-timeout': etcd.timeouts.electionTimeoutMs,
    'quota-backend-bytes': etcd.quotaBackendBytes,
    'snapshot-count': etcd.snapshotCount,
    'auto-compaction-mode': etcd.compactionMode,
    'auto-compaction-retention': etcd.compactionRetention,
    'strict-reconfig-check': true,
    'enable-v2': false,
    'experimental-initial-corrupt-check': true,
    metrics: 'basic',
    logger: 'zap',
    'log-outputs': ['stderr'],
    'client-transport-security': {
      'cert-file': ETCD_PATHS.serverCertFile,
      'key-file': ETCD_PATHS.serverKeyFile,
      'trusted-ca-file': ETCD_PATHS.caFile,
      'client-cert-auth': true,
    },
    'peer-transport-security': {
      'cert-file': ETCD_PATHS.peerCertFile,
      'key-file': ETCD_PATHS.peerKeyFile,
      'trusted-ca-file': ETCD_PATHS.caFile,
      'client-cert-auth': true,
    },
  };
}

/** The member's configuration file, as text. */
export function etcdMemberConfigYaml(cluster: ClusterPlan, member: EtcdMember, join?: EtcdJoin): string {
  return yaml.dump(etcdMemberConfig(cluster, member, join), { lineWidth: -1, noRefs: true });
}

/** The systemd unit that runs the member; it waits for the member's certificates before starting etcd. */
export function etcdSystemdUnit(cluster: ClusterPlan, member: EtcdMember): string {
  const waitFor = [ETCD_PATHS.caFile, ETCD_PATHS.serverCertFile, ETCD_PATHS.peerCertFile].map((f) => `[ -s ${f} ]`).join(' && ');
  return [
    '[Unit]',
    `Description=etcd member ${member.name} of cluster ${cluster.name}`,
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=notify',
    `ExecStartPre=/bin/sh -c 'until ${waitFor}; do sleep 5; done'`,
    `ExecStart=${ETCD_PATHS.binary} --config-file ${ETCD_PATHS.configFile}`,
    'Restart=always',
    'RestartSec=5',
    'LimitNOFILE=65536',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/**
 * Cloud-init for an etcd member machine: installs the configuration file and the unit, creates the data directory
 * with mode 0700 (etcd refuses anything looser) and starts etcd. The etcd binary of `etcd.version` comes with the
 * machine image; the member's certificates are issued from the `<cluster>-etcd` CA and placed in /etc/etcd/pki by
 * the IDC's certificate service, so no key material is ever part of the synthesized manifests.
 */
export function etcdMemberCloudInit(cluster: ClusterPlan, member: EtcdMember, join?: EtcdJoin): string {
  const document = {
    write_files: [
      { path: ETCD_PATHS.configFile, owner: 'root:root', permissions: '0600', content: etcdMemberConfigYaml(cluster, member, join) },
      { path: ETCD_PATHS.unitFile, owner: 'root:root', permissions: '0644', content: etcdSystemdUnit(cluster, member) },
    ],
    runcmd: [
      ['install', '-d', '-m', '0700', ETCD_PATHS.dataDir],
      ['install', '-d', '-m', '0700', ETCD_PATHS.pkiDir],
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', '--now', 'etcd.service'],
    ],
  };
  return `#cloud-config\n# etcd ${cluster.etcd.version} member ${member.name} (zone ${member.zone})\n${yaml.dump(document, { lineWidth: -1, noRefs: true })}`;
}
