/**
 * The dedicated etcd, on real etcd: each member runs from the configuration file the estate renders
 * (`etcdMemberConfig`), with only its machine address (→ a loopback address of its own), its paths (→ a temporary
 * directory) and the initial-cluster token (→ per run) changed. The tests prove the rendered configuration boots, a
 * zone loss costs no acknowledged write, a majority loss stops writes, and only the control plane's certificate gets
 * in. Needs etcd, etcdctl and openssl (Debian: etcd-server, etcd-client, openssl).
 */
import * as http from 'http';
import * as https from 'https';
import { promises as fs } from 'fs';
import {
  Cluster, ClusterGroup, ClusterGroupKind, ClusterPlan, Estate, IdcKind, InfrastructureProvider, ProblemSeverity,
  quorum, synthesize, validateEstate, zonesWhoseLossBreaksQuorum,
} from '../../constructs/internal';
import { describeWithEngines } from '../helpers/engines';
import { ADAPTED_KEYS, allStrings, EtcdHarness, HarnessMember } from '../helpers/etcd-harness';
import { pidAlive, ProcessTracker, waitFor } from '../helpers/processes';
import { referenceSynthesis } from '../helpers/reference';

const ENGINES = ['etcd', 'etcdctl', 'openssl'] as const;
/** Upper bound for a cluster (or the survivors) to elect a leader and answer: election timeout is 1 s here. */
const ELECTION_WAIT_MS = 15_000;
/** How long a write may hang before the test calls it failed (etcd's own request timeout is 7 s here). */
const WRITE_TIMEOUT_MS = 3_000;

/** Members grouped by zone, largest zone first (ties by zone name). */
function zonesBySize(h: EtcdHarness): { zone: string; members: HarnessMember[] }[] {
  const zones = [...new Set(h.members.map((m) => m.member.zone))];
  return zones.map((zone) => ({ zone, members: h.membersIn(zone) }))
    .sort((a, b) => b.members.length - a.members.length || a.zone.localeCompare(b.zone));
}

/** Waits until the running members accept a write again (a new leader is elected after a loss). */
async function waitWritable(h: EtcdHarness, key: string): Promise<void> {
  await waitFor(`a write to ${key} to be acknowledged by ${h.running.map((m) => m.member.name).join(', ')}`, async () => {
    const r = await h.put(key, 'probe', { commandTimeoutMs: 2000 });
    return r.code === 0;
  }, ELECTION_WAIT_MS, 100);
}

/** The config file and boot log of every member: rendered keys kept, only the loopback adaptations changed. */
function expectRenderedConfigBooted(h: EtcdHarness): void {
  for (const m of h.members) {
    expect(Object.keys(m.config).sort()).toEqual(Object.keys(m.rendered).sort());
    for (const key of Object.keys(m.rendered)) {
      if (!ADAPTED_KEYS.includes(key)) expect({ key, value: m.config[key] }).toEqual({ key, value: m.rendered[key] });
    }
    // Nothing of the machine's address or paths is left in what etcd reads.
    const written = allStrings(m.config).join('\n');
    for (const other of h.members) expect(written).not.toContain(other.member.address);
    expect(written).not.toMatch(/\/etc\/etcd|\/var\/lib\/etcd/);
    expect(m.config['initial-cluster']).toBe(h.members.map((o) => `${o.member.name}=https://${o.loopback}:${h.plan.etcd.peerPort}`).join(','));

    expect(h.configComplaints(m)).toEqual([]);
    // etcd 3.4 ignores unknown keys silently: check it did take each rendered setting.
    const s = h.effectiveSettings(m);
    const r = m.rendered;
    expect(s).toMatchObject({
      name: r.name,
      'heartbeat-interval': `${Number(r['heartbeat-interval'])}ms`,
      'snapshot-count': r['snapshot-count'],
      'quota-backend-bytes': r['quota-backend-bytes'],
      'auto-compaction-mode': r['auto-compaction-mode'],
      'initial-corrupt-check': r['experimental-initial-corrupt-check'],
      'initial-cluster-state': r['initial-cluster-state'],
      'initial-cluster': m.config['initial-cluster'],
      'initial-cluster-token': m.config['initial-cluster-token'],
      'listen-metrics-urls': [m.config['listen-metrics-urls']],
      'advertise-client-urls': [m.config['advertise-client-urls']],
    });
    expect(s['election-timeout']).toBe(Number(r['election-timeout']) % 1000 === 0 ? `${Number(r['election-timeout']) / 1000}s` : `${Number(r['election-timeout'])}ms`);
    expect(s['auto-compaction-retention']).toBe(r['auto-compaction-mode'] === 'periodic' ? `${Number(r['auto-compaction-retention'])}h0m0s` : r['auto-compaction-retention']);
    // Mutual TLS on both ports, as rendered.
    const tls = h.logEntries(m).filter((e) => e.msg === 'starting with client TLS' || e.msg === 'starting with peer TLS').map((e) => String(e['tls-info']));
    expect(tls).toHaveLength(2);
    for (const info of tls) expect(info).toContain('client-cert-auth = true');
  }
}

/** GET over TLS to a member's peer port; resolves with the status code, or the error when the handshake fails. */
function peerRequest(m: HarnessMember, port: number, tls: { ca: Buffer; cert?: Buffer; key?: Buffer }): Promise<{ status?: number; error?: string }> {
  return new Promise((resolve) => {
    const req = https.request({ host: m.loopback, port, path: '/members', method: 'GET', ca: tls.ca, cert: tls.cert, key: tls.key, agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ error: e.message }));
    req.end();
  });
}

function metricsHealth(m: HarnessMember): Promise<{ status?: number; body?: string; error?: string }> {
  return new Promise((resolve) => {
    const req = http.get(`${m.metricsUrl}/health`, { timeout: 3000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ error: e.message }));
  });
}

describeWithEngines('trade-hz1 (reference estate): 5 etcd members over 3 zones on real etcd', ENGINES, (bins) => {
  const tracker = new ProcessTracker();
  let plan: ClusterPlan;
  let h: EtcdHarness;
  /** Acknowledged writes so far, key → value: none of them may ever be lost. */
  const acknowledged = new Map<string, string>();

  beforeAll(async () => {
    plan = referenceSynthesis().plan.clusters.find((c) => c.name === 'trade-hz1')!;
    h = await EtcdHarness.create({ plan, bins, tracker });
    await h.startAll();
    await h.waitHealthy(h.members, 30_000);
  }, 60_000);

  afterAll(async () => {
    await tracker.stopAll();
    if (h && tracker.alivePids().length === 0) await h.dispose();
  }, 30_000);

  it('is the cluster the estate plans: 5 members over 3 zones, no zone able to break quorum', () => {
    expect(plan.etcd.members).toHaveLength(5);
    expect(new Set(plan.etcd.members.map((m) => m.zone)).size).toBe(3);
    expect(zonesWhoseLossBreaksQuorum(plan.etcd.members.map((m) => m.zone))).toEqual([]);
  });

  it('boots from the rendered configuration: every key kept, taken by etcd, no config complaint', () => {
    expectRenderedConfigBooted(h);
  });

  it('every member is healthy over mutual TLS, and the metrics listener answers on its own address', async () => {
    const r = await h.etcdctl(['endpoint', 'health', '-w', 'json'], { endpoints: h.members });
    expect(r.code).toBe(0);
    const health = JSON.parse(r.stdout) as { endpoint: string; health: boolean }[];
    expect(health.map((e) => e.endpoint).sort()).toEqual(h.members.map((m) => m.clientUrl).sort());
    expect(health.every((e) => e.health)).toBe(true);
    const members = await h.etcdctl(['member', 'list', '-w', 'json']);
    const list = JSON.parse(members.stdout) as { members: { name: string; peerURLs: string[] }[] };
    expect(list.members.map((m) => m.name).sort()).toEqual(plan.etcd.members.map((m) => m.name).sort());
    for (const m of h.members) {
      const metrics = await metricsHealth(m);
      expect({ member: m.member.name, status: metrics.status }).toEqual({ member: m.member.name, status: 200 });
      expect(JSON.parse(metrics.body ?? '{}')).toMatchObject({ health: 'true' });
    }
  });

  it('accepts the control plane client certificate (apiserver-etcd-client) and takes writes', async () => {
    const r = await h.put('/estate-test/hello', 'from the control plane', { endpoints: [h.members[0]] });
    expect(r).toMatchObject({ code: 0 });
    expect(r.stdout).toMatch(/^OK/m);
    const got = await h.etcdctl(['get', '/estate-test/hello', '--print-value-only'], { endpoints: [h.members[1]] });
    expect(got.stdout.trim()).toBe('from the control plane');
    acknowledged.set('/estate-test/hello', 'from the control plane');
  });

  it('refuses a client without a certificate', async () => {
    const m = h.members[2];
    const before = m.process!.output.length;
    const r = await h.etcdctl(['get', '/estate-test/hello'], { endpoints: [m], identity: 'none', commandTimeoutMs: 2000, dialTimeoutMs: 1000 });
    expect(r.code).not.toBe(0);
    expect(r.stdout).not.toContain('from the control plane');
    await waitFor(`${m.member.name} to log the refused handshake`, () => /rejected connection.*(didn't provide a certificate|certificate required)/.test(m.process!.output.slice(before)), 5000);
  });

  it('refuses a client whose certificate comes from a foreign CA (same subject as the control plane)', async () => {
    const m = h.members[3];
    const before = m.process!.output.length;
    const r = await h.etcdctl(['get', '/estate-test/hello'], { endpoints: [m], identity: 'foreign', commandTimeoutMs: 2000, dialTimeoutMs: 1000 });
    expect(r.code).not.toBe(0);
    expect(r.stdout).not.toContain('from the control plane');
    await waitFor(`${m.member.name} to log the refused handshake`, () => /rejected connection.*unknown authority/.test(m.process!.output.slice(before)), 5000);
  });

  it('the peer port refuses strangers too (no certificate, foreign CA) and lets members in', async () => {
    const m = h.members[0];
    const ca = await fs.readFile(h.pki.ca.cert);
    const port = plan.etcd.peerPort;
    const anonymous = await peerRequest(m, port, { ca });
    expect(anonymous.status).toBeUndefined();
    expect(anonymous.error).toBeDefined();
    const foreign = await peerRequest(
      m,
      port,
      { ca, cert: await fs.readFile(h.pki.foreignClient.cert), key: await fs.readFile(h.pki.foreignClient.key) },
    );
    expect(foreign.status).toBeUndefined();
    expect(foreign.error).toBeDefined();
    const peerCert = `${h.dir}/${h.members[1].member.name}/pki`;
    const member = await peerRequest(m, port, { ca, cert: await fs.readFile(`${peerCert}/peer.crt`), key: await fs.readFile(`${peerCert}/peer.key`) });
    expect(member).toEqual({ status: 200 });
  });

  it('loses a whole zone (the one with 2 members) and keeps every acknowledged write and taking new ones', async () => {
    const before = await h.putMany('/estate-test/before-zone-loss/', 40);
    expect(before.failed).toEqual([]);
    for (const [k, v] of before.acked) acknowledged.set(k, v);

    const [{ zone, members: lost }] = zonesBySize(h);
    expect(lost).toHaveLength(2);
    await h.kill(lost); // the zone goes dark: SIGKILL, no graceful hand-over
    expect(lost.every((m) => !m.process!.running)).toBe(true);
    expect(h.running).toHaveLength(plan.etcd.members.length - 2);
    expect(h.running.length).toBeGreaterThanOrEqual(quorum(plan.etcd.members.length));

    await waitWritable(h, `/estate-test/probe/after-losing-${zone}`);
    const after = await h.putMany('/estate-test/after-zone-loss/', 40);
    expect(after.failed).toEqual([]);
    for (const [k, v] of after.acked) acknowledged.set(k, v);

    // Zero lost: a linearizable read through the survivors returns every acknowledged key with its value.
    const stored = await h.readPrefix('/estate-test/');
    for (const [k, v] of acknowledged) expect({ key: k, value: stored.get(k) }).toEqual({ key: k, value: v });
  });

  it('stops taking writes once a majority is down (quorum lost), and serves no quorum read', async () => {
    const need = quorum(plan.etcd.members.length);
    const toStop = h.running.slice(0, h.running.length - (need - 1));
    await h.kill(toStop);
    expect(h.running).toHaveLength(need - 1);

    const attempt = await h.put('/estate-test/during-quorum-loss/1', 'must not be acknowledged', { commandTimeoutMs: WRITE_TIMEOUT_MS });
    expect(attempt.code).not.toBe(0);
    expect(attempt.stdout).not.toMatch(/^OK/m);
    expect(attempt.stderr).toMatch(/deadline exceeded|timed out|no leader|leader changed|unavailable/i);
    expect(await Promise.all(h.running.map((m) => h.healthy(m, 1500)))).toEqual(h.running.map(() => false));
  });

  it('restarting every stopped member brings every acknowledged key back', async () => {
    const stopped = h.members.filter((m) => !m.process?.running);
    await h.startAll(stopped);
    await h.waitHealthy(h.members, 30_000);
    const stored = await h.readPrefix('/estate-test/');
    const ackedStored = [...acknowledged.keys()].filter((k) => stored.get(k) === acknowledged.get(k));
    expect(ackedStored).toHaveLength(acknowledged.size);
    expect(acknowledged.size).toBe(81);
    // A write that timed out has an unknown outcome in Raft: it may have been kept in the survivors' logs and
    // committed once the majority is back. Every other key must be one the test wrote and saw acknowledged.
    const unexpected = [...stored.keys()].filter((k) => !acknowledged.has(k) && !k.startsWith('/estate-test/probe/') && !k.startsWith('/estate-test/during-quorum-loss/'));
    expect(unexpected).toEqual([]);
  });

  it('leaves no etcd process behind', async () => {
    const pids = tracker.pids;
    expect(pids.length).toBeGreaterThanOrEqual(plan.etcd.members.length);
    await tracker.stopAll();
    expect(tracker.alivePids()).toEqual([]);
    expect(pids.filter(pidAlive)).toEqual([]);
  });
});

/** A cluster built with the public constructs API: 3 members in an IDC with only 2 zones. */
function twoZoneEstate(): Estate {
  const estate = new Estate('lab', { dnsDomain: 'lab.estate.internal', environment: 'staging' });
  const idc = estate.addRegion('cn-lab').addIdc('lab1', {
    kind: IdcKind.SELF_BUILT,
    zones: ['lab1-a', 'lab1-b'],
    infrastructure: InfrastructureProvider.metal3({
      imageUrl: 'https://images.estate.internal/ubuntu-22.04-k8s.qcow2',
      imageChecksumUrl: 'https://images.estate.internal/ubuntu-22.04-k8s.qcow2.sha256sum',
    }),
    interZoneRttMs: 0.5,
  });
  const daily = new ClusterGroup(estate, 'daily', { kind: ClusterGroupKind.DAILY });
  const cluster = new Cluster(daily, 'pay-lab1', {
    idc,
    kubernetesVersion: 'v1.31.4',
    podCidr: '10.64.0.0/14',
    serviceCidr: '10.200.0.0/20',
    etcd: { members: 3, memberSubnet: '10.250.40.0/27' },
  });
  cluster.addNodePool('general', { role: 'general', instance: { model: 'g7.8xlarge', vcpu: 32, memoryGiB: 128 }, replicasPerZone: 1 });
  return estate;
}

describeWithEngines('3 etcd members in an IDC with 2 zones: the survivability warning is true on real etcd', ENGINES, (bins) => {
  const tracker = new ProcessTracker();
  let plan: ClusterPlan;
  let h: EtcdHarness;
  let warnedZones: string[];

  beforeAll(async () => {
    const estate = twoZoneEstate();
    const warnings = validateEstate(estate).filter((p) => p.rule === 'etcd-zone-survivability');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].severity).toBe(ProblemSeverity.WARNING);
    warnedZones = (warnings[0].message.match(/losing zone (.+?) loses quorum/)?.[1] ?? '').split(' or ').filter(Boolean);
    const synthesis = synthesize(estate, { asOf: new Date('2026-11-11T00:00:00Z') });
    expect(synthesis.warnings.map((w) => w.rule)).toContain('etcd-zone-survivability');
    plan = synthesis.plan.clusters.find((c) => c.name === 'pay-lab1')!;
    h = await EtcdHarness.create({ plan, bins, tracker });
    await h.startAll();
    await h.waitHealthy(h.members, 30_000);
  }, 60_000);

  afterAll(async () => {
    await tracker.stopAll();
    if (h && tracker.alivePids().length === 0) await h.dispose();
  }, 30_000);

  it('the warning names exactly the zone holding 2 of the 3 members', () => {
    const [big, small] = zonesBySize(h);
    expect(big.members).toHaveLength(2);
    expect(small.members).toHaveLength(1);
    expect(warnedZones).toEqual([big.zone]);
  });

  it('boots from the rendered configuration', () => {
    expectRenderedConfigBooted(h);
  });

  it('losing the zone the warning does not name keeps quorum', async () => {
    const [, small] = zonesBySize(h);
    expect(warnedZones).not.toContain(small.zone);
    await h.kill(small.members);
    await waitWritable(h, `/estate-test/probe/after-losing-${small.zone}`);
    const r = await h.putMany('/estate-test/one-zone-down/', 10);
    expect(r.failed).toEqual([]);
    await h.startAll(small.members);
    await h.waitHealthy(h.members, 30_000);
  });

  it('losing the zone the warning names really loses quorum: writes fail, and come back with the zone', async () => {
    const written = await h.putMany('/estate-test/before/', 10);
    expect(written.failed).toEqual([]);
    const [big] = zonesBySize(h);
    expect(warnedZones).toEqual([big.zone]);
    await h.kill(big.members);
    expect(h.running).toHaveLength(1);
    const attempt = await h.put('/estate-test/during-zone-loss', 'must not be acknowledged', { commandTimeoutMs: WRITE_TIMEOUT_MS });
    expect(attempt.code).not.toBe(0);
    expect(attempt.stderr).toMatch(/deadline exceeded|timed out|no leader|leader changed|unavailable/i);
    expect(await h.healthy(h.running[0], 1500)).toBe(false);

    await h.startAll(big.members);
    await h.waitHealthy(h.members, 30_000);
    const stored = await h.readPrefix('/estate-test/before/');
    expect(stored).toEqual(written.acked);
  });

  it('leaves no etcd process behind', async () => {
    const pids = tracker.pids;
    await tracker.stopAll();
    expect(tracker.alivePids()).toEqual([]);
    expect(pids.filter(pidAlive)).toEqual([]);
  });
});
