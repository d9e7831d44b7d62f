/**
 * The control-plane load balancer of self-built IDCs: the HAProxy configuration `renderHaproxyConfig` writes is
 * accepted by the real HAProxy (`haproxy -c`), and, run in front of three loopback HTTPS servers standing in for
 * kube-apiservers, passes TLS through, balances, takes out a server that stops or whose /healthz fails, and only
 * counts a server up when it answers the check with 200. Needs haproxy and openssl (Debian: haproxy, openssl).
 */
import { execFile } from 'child_process';
import { promises as fs } from 'fs';
import * as https from 'https';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as tls from 'tls';
import { ClusterPlan, IdcKind } from '../../constructs';
import {
  HAPROXY_DEFAULT_HEALTH_CHECK, HaproxyBackend, HaproxyConfigProps, LOAD_BALANCER_PATHS, renderControlPlaneLoadBalancer,
  renderHaproxyConfig, renderKeepalivedCheckScript, renderKeepalivedConfig,
} from '../../constructs/synth/load-balancer';
import { describeWithEngines } from '../helpers/engines';
import { CertificateAuthority, createCertificateAuthority, issueCertificate, selfSignedServerCertificate } from '../helpers/pki';
import { ManagedProcess, pidAlive, ProcessTracker, waitFor } from '../helpers/processes';
import { referenceSynthesis } from '../helpers/reference';

function planOf(name: string): ClusterPlan {
  const plan = referenceSynthesis().plan.clusters.find((c) => c.name === name);
  if (!plan) throw new Error(`no cluster ${name} in the reference estate`);
  return plan;
}

const BACKENDS: HaproxyBackend[] = [
  { name: 'cp-0', address: '10.250.0.20', port: 6443 },
  { name: 'cp-1', address: '10.250.0.21', port: 6443 },
  { name: 'cp-2', address: '10.250.0.22', port: 6443 },
];

describe('renderHaproxyConfig / renderKeepalivedConfig (pure)', () => {
  it('renders the kubeadm HA guide: TCP frontend on the endpoint port, HTTPS /healthz checks, round robin', () => {
    const cfg = renderHaproxyConfig({ clusterName: 'trade-hz1', frontendPort: 6443, backends: BACKENDS });
    const lines = cfg.split('\n').map((l) => l.trim());
    expect(lines).toContain('frontend apiserver');
    expect(lines).toContain('bind *:6443');
    expect(lines).toContain('default_backend apiserverbackend');
    const backend = lines.slice(lines.indexOf('backend apiserverbackend'));
    expect(backend).toEqual(expect.arrayContaining([
      'mode tcp',
      'option httpchk GET /healthz',
      'http-check expect status 200',
      'balance roundrobin',
      'default-server inter 10s downinter 5s rise 2 fall 2 slowstart 60s maxconn 250 maxqueue 256 weight 100',
      'server cp-0 10.250.0.20:6443 check check-ssl verify none',
      'server cp-1 10.250.0.21:6443 check check-ssl verify none',
      'server cp-2 10.250.0.22:6443 check check-ssl verify none',
    ]));
    expect(cfg.match(/^\s+mode tcp$/gm)).toHaveLength(2);
    expect(cfg).toMatch(/^\s+mode\s+tcp$/m); // defaults: tcp too, so no http-only option is ever applied to a tcp proxy
    expect(cfg).not.toMatch(/httplog|forwardfor|http-server-close/);
    expect(cfg).toMatch(/^\s+daemon$/m);
    expect(cfg).not.toMatch(/stats socket/);
  });

  it('takes the timings, bind address, logging and stats socket from its props, and is deterministic', () => {
    const props: HaproxyConfigProps = {
      clusterName: 'lab', frontendBind: '127.0.0.1', frontendPort: 16443, backends: [{ name: 'a', address: 'fd00::1', port: 6443 }],
      healthCheck: { interMs: 200, downInterMs: 150, rise: 1, fall: 3, slowStartMs: 0, path: '/readyz' },
      timeouts: { connectMs: 1500, tunnelMs: 600_000 }, logTargets: ['stderr format raw local0'], daemon: false, statsSocket: '/run/lab.sock',
    };
    const cfg = renderHaproxyConfig(props);
    expect(cfg).toContain('bind 127.0.0.1:16443');
    expect(cfg).toContain('default-server inter 200ms downinter 150ms rise 1 fall 3 slowstart 0s maxconn 250 maxqueue 256 weight 100');
    expect(cfg).toContain('option httpchk GET /readyz');
    expect(cfg).toContain('server a [fd00::1]:6443 check check-ssl verify none');
    expect(cfg).toMatch(/timeout connect\s+1500ms/);
    expect(cfg).toMatch(/timeout tunnel\s+600s/);
    expect(cfg).toMatch(/timeout client\s+20s/);
    expect(cfg).toContain('log stderr format raw local0');
    expect(cfg).not.toMatch(/^\s+daemon$/m);
    expect(cfg).toContain('stats socket /run/lab.sock mode 600 level admin');
    expect(renderHaproxyConfig(props)).toBe(cfg);
  });

  it('refuses input that cannot make a working configuration, naming the property', () => {
    const ok: HaproxyConfigProps = { clusterName: 'lab', frontendPort: 6443, backends: BACKENDS };
    expect(() => renderHaproxyConfig({ ...ok, backends: [] })).toThrow(/backends is empty/);
    expect(() => renderHaproxyConfig({ ...ok, frontendPort: 70000 })).toThrow(/frontendPort/);
    expect(() => renderHaproxyConfig({ ...ok, backends: [BACKENDS[0], BACKENDS[0]] })).toThrow(/used twice/);
    expect(() => renderHaproxyConfig({ ...ok, backends: [{ name: 'bad name', address: '10.0.0.1', port: 6443 }] })).toThrow(/backend name/);
    expect(() => renderHaproxyConfig({ ...ok, backends: [{ name: 'a', address: 'not an address', port: 6443 }] })).toThrow(/neither an IP address nor a DNS name/);
    expect(() => renderHaproxyConfig({ ...ok, healthCheck: { interMs: 0.5 } })).toThrow(/healthCheck.interMs/);
    expect(() => renderHaproxyConfig({ ...ok, healthCheck: { path: 'healthz' } })).toThrow(/healthCheck.path/);
    expect(() => renderHaproxyConfig({ ...ok, frontendBind: 'lb.internal' })).toThrow(/frontendBind/);
    expect(() => renderHaproxyConfig({ ...ok, logTargets: ['/dev/log local0\nlisten evil'] })).toThrow(/one line/);
  });

  it('renders keepalived as in the guide: VRRP instance with the virtual IP, tracked check script', () => {
    const conf = renderKeepalivedConfig({ clusterName: 'trade-hz1', virtualIp: '10.250.0.5', state: 'MASTER', interface: 'bond0', authPass: '42' });
    expect(conf).toMatch(/vrrp_script check_apiserver \{\n\s+script "\/etc\/keepalived\/check_apiserver.sh"\n\s+interval 3\n\s+weight -2\n\s+fall 10\n\s+rise 2\n\}/);
    expect(conf).toMatch(/state MASTER\n\s+interface bond0\n\s+virtual_router_id \d+\n\s+priority 101/);
    expect(conf).toMatch(/auth_type PASS\n\s+auth_pass 42/);
    expect(conf).toMatch(/virtual_ipaddress \{\n\s+10\.250\.0\.5\/32\n\s+\}/);
    expect(conf).toMatch(/track_script \{\n\s+check_apiserver\n\s+\}/);
    const backup = renderKeepalivedConfig({ clusterName: 'trade-hz1', virtualIp: '10.250.0.5' });
    expect(backup).toMatch(/state BACKUP\n\s+interface eth0/);
    expect(backup).toMatch(/priority 100/);
    expect(backup).not.toMatch(/authentication/);
    // Every host of a cluster derives the same router id.
    const id = (c: string) => Number(c.match(/virtual_router_id (\d+)/)![1]);
    expect(id(conf)).toBe(id(backup));
    expect(id(conf)).toBeGreaterThanOrEqual(1);
    expect(id(conf)).toBeLessThanOrEqual(255);
    expect(() => renderKeepalivedConfig({ clusterName: 'x', virtualIp: 'trade-hz1-api.k8s.estate.internal' })).toThrow(/virtualIp must be an IP address/);
    expect(() => renderKeepalivedConfig({ clusterName: 'x', virtualIp: '10.0.0.1', authPass: 'longer-than-8' })).toThrow(/authPass/);
    expect(renderKeepalivedCheckScript({ virtualIp: '10.250.0.5', port: 6443 })).toContain('https://10.250.0.5:6443/');
  });

  it('renders a balancer only for self-built IDCs, keepalived only when the virtual IP is known', () => {
    const hz1 = planOf('trade-hz1');
    expect(hz1.idcKind).toBe(IdcKind.SELF_BUILT);
    const bj1 = planOf('trade-bj1');
    expect(bj1.idcKind).toBe(IdcKind.CLOUD);
    expect(renderControlPlaneLoadBalancer(bj1, { backends: BACKENDS })).toBeUndefined();

    // The reference endpoint is a DNS name: HAProxy only, unless the address it resolves to is given.
    const byName = renderControlPlaneLoadBalancer(hz1, { backends: BACKENDS })!;
    expect(hz1.controlPlane.endpoint.host).toBe('trade-hz1-api.k8s.estate.internal');
    expect(byName.haproxyConfig).toContain(`bind *:${hz1.controlPlane.endpoint.port}`);
    expect(byName.keepalivedConfig).toBeUndefined();
    expect(byName.virtualIp).toBeUndefined();
    const withVip = renderControlPlaneLoadBalancer(hz1, { backends: BACKENDS, virtualIp: '10.250.0.5', keepalived: { state: 'MASTER' } })!;
    expect(withVip.virtualIp).toBe('10.250.0.5');
    expect(withVip.keepalivedConfig).toContain('10.250.0.5/32');
    expect(withVip.keepalivedCheckScript).toContain(`https://10.250.0.5:${hz1.controlPlane.endpoint.port}/`);
    const ipEndpoint: ClusterPlan = { ...hz1, controlPlane: { ...hz1.controlPlane, endpoint: { host: '10.250.0.6', port: 6443 } } };
    expect(renderControlPlaneLoadBalancer(ipEndpoint, { backends: BACKENDS })!.keepalivedConfig).toContain('10.250.0.6/32');

    // The estate's API servers refuse anonymous requests, so the checks present a client certificate.
    expect(hz1.controlPlane.anonymousAuth).toBe(false);
    expect(byName.haproxyConfig).toContain(`check check-ssl verify none crt ${LOAD_BALANCER_PATHS.healthCheckCertificate}`);
    const anonymous: ClusterPlan = { ...hz1, controlPlane: { ...hz1.controlPlane, anonymousAuth: true } };
    expect(renderControlPlaneLoadBalancer(anonymous, { backends: BACKENDS })!.haproxyConfig).not.toContain(' crt ');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Real HAProxy

/** A free TCP port on `host` (bound and released; HAProxy binds it right after). */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A stand-in kube-apiserver: HTTPS, GET /healthz → 200 (or what `healthStatus` says), other paths name the backend. */
class FakeApiServer {
  public healthStatus = 200;
  /** Only a client certificate from this CA gets /healthz; anonymous → 401 (as with --anonymous-auth=false). */
  public requireClientCertFrom?: string;
  public healthChecks = 0;
  public requests = 0;
  private server?: https.Server;
  public port = 0;

  constructor(
    public readonly name: string,
    public readonly host: string,
    private readonly cert: { cert: Buffer; key: Buffer },
    private readonly ca?: Buffer,
  ) {}

  public async start(port = 0): Promise<void> {
    const server = https.createServer({
      ...this.cert,
      ...(this.ca ? { ca: this.ca, requestCert: true, rejectUnauthorized: false } : {})
    }, (req, res) => {
      if (req.url === '/healthz') {
        this.healthChecks++;
        const socket = req.socket as tls.TLSSocket;
        if (this.ca && !socket.authorized) {
          res.writeHead(401, { 'content-type': 'text/plain' }).end('Unauthorized');
          return;
        }
        res.writeHead(this.healthStatus, { 'content-type': 'text/plain' }).end(this.healthStatus === 200 ? 'ok' : 'unhealthy');
        return;
      }
      this.requests++;
      res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' }).end(`backend:${this.name}`);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.host, port }, () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  public async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}

/** One request through the balancer: the body and the certificate the client saw (the backend's: TLS passthrough). */
function requestThrough(host: string, port: number): Promise<{ status?: number; body?: string; certCn?: string; error?: string }> {
  return new Promise((resolve) => {
    const req = https.request({ host, port, path: '/version', method: 'GET', rejectUnauthorized: false, agent: false, timeout: 5000 }, (res) => {
      const certCn = (res.socket as tls.TLSSocket).getPeerCertificate().subject?.CN;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, body, certCn: Array.isArray(certCn) ? certCn[0] : certCn }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ error: e.message }));
    req.end();
  });
}

/** `show stat` over HAProxy's stats socket: the status of each server of the backend. */
function serverStatus(socketPath: string): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const conn = net.createConnection(socketPath);
    let out = '';
    conn.setEncoding('utf8');
    conn.on('connect', () => conn.write('show stat\n'));
    conn.on('data', (d: string) => (out += d));
    conn.on('error', reject);
    conn.on('end', () => {
      const [header, ...rows] = out.trim().split('\n');
      const columns = header.replace(/^# /, '').split(',');
      const px = columns.indexOf('pxname');
      const sv = columns.indexOf('svname');
      const status = columns.indexOf('status');
      const result: Record<string, string> = {};
      for (const row of rows) {
        const cells = row.split(',');
        if (cells[px] === 'apiserverbackend' && cells[sv] !== 'BACKEND') result[cells[sv]] = cells[status];
      }
      resolve(result);
    });
  });
}

function run(binary: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(binary, args, { timeout: 20_000 }, (error, stdout, stderr) => {
      const code = (error as { code?: unknown } | null)?.code;
      resolve({ code: !error ? 0 : typeof code === 'number' ? code : -1, output: `${stdout}${stderr}` });
    });
  });
}

describeWithEngines('control-plane load balancer on real HAProxy', ['haproxy', 'openssl'], (bins) => {
  const tracker = new ProcessTracker();
  const servers: FakeApiServer[] = [];
  let dir: string;
  let ca: CertificateAuthority;
  const host = '127.0.91.10';
  const backendHost = (i: number) => `127.0.91.${i + 1}`;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'haproxy-lb-'));
    ca = await createCertificateAuthority(bins.openssl, path.join(dir, 'pki'), 'lb-health');
  });

  afterEach(async () => {
    await tracker.stopAll();
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  afterAll(async () => {
    await tracker.stopAll();
    expect(tracker.alivePids().filter(pidAlive)).toEqual([]);
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  /** Starts `count` fake API servers, each with its own self-signed certificate (CN = its name). */
  async function startBackends(count: number, options: { clientCa?: Buffer } = {}): Promise<FakeApiServer[]> {
    const started: FakeApiServer[] = [];
    for (let i = 0; i < count; i++) {
      const name = `apiserver-${i}`;
      const files = await selfSignedServerCertificate(bins.openssl, path.join(dir, 'backends'), `${name}-${Date.now()}`, name, [backendHost(i)]);
      const s = new FakeApiServer(name, backendHost(i), { cert: await fs.readFile(files.cert), key: await fs.readFile(files.key) }, options.clientCa);
      await s.start();
      servers.push(s);
      started.push(s);
    }
    return started;
  }

  /** Writes the configuration, checks it with `haproxy -c`, starts HAProxy in the foreground (-db). */
  async function startHaproxy(name: string, config: string): Promise<{ process: ManagedProcess; file: string }> {
    const file = path.join(dir, `${name}.cfg`);
    await fs.writeFile(file, config);
    const check = await run(bins.haproxy, ['-c', '-f', file]);
    expect({ code: check.code, output: check.output }).toEqual({ code: 0, output: expect.stringContaining('Configuration file is valid') });
    expect(check.output).not.toMatch(/\[WARNING\]|\[ALERT\]/);
    const process = tracker.spawn(`haproxy-${name}`, bins.haproxy, ['-db', '-f', file]);
    return { process, file };
  }

  function testProps(backends: FakeApiServer[], frontendPort: number, socket: string, extra: Partial<HaproxyConfigProps> = {}): HaproxyConfigProps {
    return {
      clusterName: 'lab',
      frontendBind: host,
      frontendPort,
      backends: backends.map((b) => ({ name: b.name, address: b.host, port: b.port })),
      // Test timings: checks every 200 ms so a server is seen down in well under a second.
      healthCheck: { interMs: 200, downInterMs: 200, slowStartMs: 0, ...extra.healthCheck },
      timeouts: { connectMs: 1000, checkMs: 1000 },
      logTargets: ['stderr format raw local0 info'],
      daemon: false,
      statsSocket: socket,
      ...extra,
    };
  }

  it('haproxy -c accepts the configuration rendered for a reference cluster, with the guide\'s default timings', async () => {
    const pem = path.join(dir, 'healthcheck.pem');
    const client = await issueCertificate(ca, { name: 'lb-healthcheck', commonName: 'control-plane-lb', usages: ['clientAuth'] });
    await fs.writeFile(pem, (await fs.readFile(client.cert, 'utf8')) + (await fs.readFile(client.key, 'utf8')));
    const plan = planOf('trade-hz1');
    const lb = renderControlPlaneLoadBalancer(plan, { backends: BACKENDS, virtualIp: '10.250.0.5' })!;
    expect(lb.haproxyConfig).toContain(`option httpchk GET ${HAPROXY_DEFAULT_HEALTH_CHECK.path}`);
    // Only the certificate's location differs on this machine.
    const file = path.join(dir, 'trade-hz1.cfg');
    await fs.writeFile(file, lb.haproxyConfig.split(LOAD_BALANCER_PATHS.healthCheckCertificate).join(pem));
    const check = await run(bins.haproxy, ['-c', '-f', file]);
    expect(check.output).toContain('Configuration file is valid');
    expect(check.output).not.toMatch(/\[WARNING\]|\[ALERT\]/);
    expect(check.code).toBe(0);
    // And the anonymous variant (no client certificate), as for a cluster that allows anonymous /healthz.
    await fs.writeFile(file, renderHaproxyConfig({ clusterName: plan.name, frontendPort: plan.controlPlane.endpoint.port, backends: BACKENDS }));
    const anonymous = await run(bins.haproxy, ['-c', '-f', file]);
    expect(anonymous.output).not.toMatch(/\[WARNING\]|\[ALERT\]/);
    expect(anonymous.code).toBe(0);
  });

  it('passes TLS through to every backend, takes out a stopped one and one whose /healthz fails, and takes them back', async () => {
    const backends = await startBackends(3);
    const port = await freePort(host);
    const socket = path.join(dir, 'lb.sock');
    const { process } = await startHaproxy('lb', renderHaproxyConfig(testProps(backends, port, socket)));
    const names = backends.map((b) => b.name);
    const allUp = Object.fromEntries(names.map((n) => [n, 'UP']));
    await waitFor('every server UP', async () => JSON.stringify(await serverStatus(socket)) === JSON.stringify(allUp), 10_000, 100);
    expect(process.running).toBe(true);

    const through = async (n: number) => Promise.all(Array.from({ length: n }, () => requestThrough(host, port)));
    const first = await through(12);
    for (const r of first) {
      expect(r).toMatchObject({ status: 200 });
      // TLS passthrough: the client sees the backend's own certificate, and the backend that answered is its owner.
      expect(r.body).toBe(`backend:${r.certCn}`);
    }
    expect(new Set(first.map((r) => r.certCn))).toEqual(new Set(names));
    // The checks are real HTTPS GETs of /healthz.
    for (const b of backends) expect(b.healthChecks).toBeGreaterThan(0);

    // A backend stops: it is marked DOWN, and every request still succeeds on the others.
    const stopped = backends[1];
    const stoppedPort = stopped.port;
    await stopped.stop();
    await waitFor(`${stopped.name} DOWN`, async () => (await serverStatus(socket))[stopped.name]?.startsWith('DOWN'), 10_000, 100);
    const afterStop = await through(12);
    expect(afterStop.map((r) => r.status)).toEqual(afterStop.map(() => 200));
    expect(new Set(afterStop.map((r) => r.certCn))).toEqual(new Set([backends[0].name, backends[2].name]));
    await waitFor('HAProxy to log the server going down', () => new RegExp(`apiserverbackend/${stopped.name} is DOWN`).test(process.output), 5000);

    // A backend that accepts connections but fails /healthz (not 200) is taken out too.
    backends[2].healthStatus = 500;
    await waitFor(`${backends[2].name} DOWN`, async () => (await serverStatus(socket))[backends[2].name]?.startsWith('DOWN'), 10_000, 100);
    const onlyOne = await through(6);
    expect(onlyOne.map((r) => r.certCn)).toEqual(onlyOne.map(() => backends[0].name));

    // Both come back: after `rise` good checks they get traffic again.
    backends[2].healthStatus = 200;
    await stopped.start(stoppedPort);
    await waitFor('every server UP again', async () => JSON.stringify(await serverStatus(socket)) === JSON.stringify(allUp), 10_000, 100);
    const back = await through(12);
    expect(back.map((r) => r.status)).toEqual(back.map(() => 200));
    expect(new Set(back.map((r) => r.certCn))).toEqual(new Set(names));
  });

  it('API servers that refuse anonymous /healthz (401) are only UP when the checks present a client certificate', async () => {
    const caPem = await fs.readFile(ca.cert);
    const backends = await startBackends(3, { clientCa: caPem });
    const client = await issueCertificate(ca, { name: 'lb-healthcheck-2', commonName: 'control-plane-lb', usages: ['clientAuth'] });
    const pem = path.join(dir, 'healthcheck-2.pem');
    await fs.writeFile(pem, (await fs.readFile(client.cert, 'utf8')) + (await fs.readFile(client.key, 'utf8')));

    const anonSocket = path.join(dir, 'anon.sock');
    const certSocket = path.join(dir, 'cert.sock');
    const anonPort = await freePort(host);
    await startHaproxy('anon', renderHaproxyConfig(testProps(backends, anonPort, anonSocket)));
    const certPort = await freePort(host);
    await startHaproxy('cert', renderHaproxyConfig(testProps(backends, certPort, certSocket, { healthCheck: { interMs: 200, downInterMs: 200, slowStartMs: 0, clientCertificate: pem } })));

    const names = backends.map((b) => b.name);
    await waitFor('anonymous checks to mark every server DOWN', async () => {
      const s = await serverStatus(anonSocket);
      return names.every((n) => s[n]?.startsWith('DOWN'));
    }, 10_000, 100);
    // "UP" (not "UP 1/2", HAProxy's state before the first check) needs a check answered with 200.
    await waitFor('checks with the client certificate to see every server UP', async () => {
      const s = await serverStatus(certSocket);
      return names.every((n) => s[n] === 'UP');
    }, 10_000, 100);
    expect(backends.every((b) => b.healthChecks > 0)).toBe(true);
    const r = await requestThrough(host, certPort);
    expect(r.status).toBe(200);
    const refused = await requestThrough(host, anonPort);
    expect(refused.status).toBeUndefined(); // no server up: HAProxy closes the connection
  });

  it('leaves no HAProxy process behind', async () => {
    await tracker.stopAll();
    expect(tracker.alivePids()).toEqual([]);
    expect(tracker.pids.filter(pidAlive)).toEqual([]);
  });
});
