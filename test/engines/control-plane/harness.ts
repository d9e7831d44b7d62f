/**
 * A real Kubernetes control plane on loopback for the engine suites: etcd, kube-apiserver, and (optionally)
 * kube-controller-manager, kube-scheduler and KWOK, each spawned by pid through a ProcessTracker and stopped by pid.
 *
 * Throwaway credentials made for the run: a CA and the API server's serving certificate for 127.0.0.1 (clients verify
 * it), a service-account signing key, and bearer tokens (a token file): an admin in `system:masters`, and the
 * controller manager and scheduler as `system:kube-controller-manager` / `system:kube-scheduler`, whose permissions
 * come from the API server's bootstrap RBAC, as in a kubeadm cluster. Nothing listens beyond 127.0.0.1.
 *
 *   const cp = await startControlPlane({ bins, components: ['controller-manager', 'scheduler', 'kwok'] });
 *   cp.client, cp.server, cp.token, cp.caFile, cp.kubeconfigPath; await cp.stop();
 */
import { generateKeyPairSync, randomBytes } from 'crypto';
import { promises as fs } from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { findEngine } from '../../helpers/engines';
import { createCertificateAuthority, issueCertificate } from '../../helpers/pki';
import { ManagedProcess, ProcessTracker, waitFor } from '../../helpers/processes';
import { KubeClient } from './kube-client';

/** Optional parts of the control plane. */
export type Component = 'controller-manager' | 'scheduler' | 'kwok';

/** Binaries (absolute paths; engines.env keys). */
export interface ControlPlaneBinaries {
  readonly ETCD_BIN: string;
  readonly KUBE_APISERVER_BIN: string;
  readonly KUBE_CONTROLLER_MANAGER_BIN?: string;
  readonly KUBE_SCHEDULER_BIN?: string;
  readonly KWOK_BIN?: string;
  /** The node and pod stages KWOK runs (a config file provide.sh assembles from the kwok module). */
  readonly KWOK_STAGES?: string;
}

export interface ControlPlaneOptions {
  readonly bins: ControlPlaneBinaries;
  /** @default [] (etcd and the API server only) */
  readonly components?: readonly Component[];
  /** The tracker that owns the processes. @default a new one, stopped by `stop()` */
  readonly tracker?: ProcessTracker;
  /** Extra kube-apiserver flags (`--name=value`). */
  readonly apiserverArgs?: readonly string[];
  /** Extra kube-controller-manager flags. */
  readonly controllerManagerArgs?: readonly string[];
  /**
   * How long KWOK waits before it marks a scheduled pod Running and Ready (its `pod-ready` stage's delay). A real
   * pod takes seconds to start and pass its readiness probe; with no delay a replacement is Ready before the next
   * eviction request arrives, and a disruption budget is never tested. @default 0
   */
  readonly podReadyDelayMs?: number;
  /** How long each component may take to become ready. @default 90 s */
  readonly startTimeoutMs?: number;
}

export interface ControlPlane {
  /** The run's directory (PKI, data, kubeconfig); removed by stop(). */
  readonly dir: string;
  /** https://127.0.0.1:<port> */
  readonly server: string;
  /** The admin's bearer token (`system:masters`). */
  readonly token: string;
  /** The CA that signed the API server's certificate. */
  readonly caFile: string;
  /** A kubeconfig for the admin (server, CA, token). */
  readonly kubeconfigPath: string;
  /** A client as the admin. */
  readonly client: KubeClient;
  /** The spawned processes, by component. */
  readonly processes: Readonly<Record<string, ManagedProcess>>;
  /** Seconds each component took to become ready. */
  readonly startSeconds: Readonly<Record<string, number>>;
  /** Stops every process by pid (SIGTERM, then SIGKILL) and removes the directory. Safe to call twice. */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (bound and released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** GET https://127.0.0.1:<port><path> without verifying the certificate; resolves with the status or 0. */
function probe(port: number, urlPath: string, token?: string): Promise<number> {
  return new Promise((resolve) => {
    const req = https.get({ host: '127.0.0.1', port, path: urlPath, rejectUnauthorized: false, timeout: 2000, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/** GET http://127.0.0.1:<port><path>; resolves with the status or 0. */
function httpStatus(port: number, urlPath: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

function kubeconfig(server: string, caPem: string, token: string, user: string): string {
  return yaml.dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'engines', cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: user, context: { cluster: 'engines', user } }],
    'current-context': user,
  });
}

/** Starts the control plane; on any failure stops what it started and rethrows with the failing process's output. */
export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const { bins } = options;
  const components = options.components ?? [];
  const tracker = options.tracker ?? new ProcessTracker();
  const timeout = options.startTimeoutMs ?? 90_000;
  const openssl = findEngine('openssl');
  if (!openssl) throw new Error('openssl is needed for the control plane PKI (Debian: openssl)');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'control-plane-'));
  const processes: Record<string, ManagedProcess> = {};
  const startSeconds: Record<string, number> = {};
  let client: KubeClient | undefined;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    client?.close();
    // Stop in reverse order of start, so clients exit before the API server and the API server before etcd.
    for (const name of Object.keys(processes).reverse()) await processes[name].stop(5000);
    if (!options.tracker) await tracker.stopAll();
    await fs.rm(dir, { recursive: true, force: true });
  };

  const timed = async (name: string, what: () => Promise<unknown>) => {
    const t0 = Date.now();
    try {
      await what();
    } catch (e) {
      const p = processes[name];
      throw new Error(`${name} did not become ready: ${(e as Error).message}${p ? `\n--- ${name} output (last lines) ---\n${p.tail(60)}` : ''}`);
    }
    startSeconds[name] = (Date.now() - t0) / 1000;
  };

  try {
    // PKI and credentials.
    const ca = await createCertificateAuthority(openssl, path.join(dir, 'pki'), 'kubernetes');
    const serving = await issueCertificate(ca, {
      name: 'apiserver', commonName: 'kube-apiserver', ips: ['127.0.0.1', '10.96.0.1'],
      dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc'], usages: ['serverAuth'],
    });
    const sa = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const saKey = path.join(dir, 'pki', 'sa.key');
    const saPub = path.join(dir, 'pki', 'sa.pub');
    await fs.writeFile(saKey, sa.privateKey.export({ type: 'sec1', format: 'pem' }), { mode: 0o600 });
    await fs.writeFile(saPub, sa.publicKey.export({ type: 'spki', format: 'pem' }));
    const tokenOf = () => randomBytes(24).toString('hex');
    const token = tokenOf();
    const kcmToken = tokenOf();
    const schedulerToken = tokenOf();
    const tokens = path.join(dir, 'pki', 'tokens.csv');
    await fs.writeFile(tokens, [
      `${token},admin,admin-uid,"system:masters"`,
      `${kcmToken},system:kube-controller-manager,kcm-uid`,
      `${schedulerToken},system:kube-scheduler,scheduler-uid`,
    ].join('\n') + '\n', { mode: 0o600 });
    const caPem = await fs.readFile(ca.cert, 'utf8');

    // etcd, plain http on loopback.
    const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
    const etcdData = path.join(dir, 'etcd');
    await fs.mkdir(etcdData, { mode: 0o700 });
    processes.etcd = tracker.spawn('etcd', bins.ETCD_BIN, [
      '--name=control-plane', `--data-dir=${etcdData}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`, `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`, `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=control-plane=http://127.0.0.1:${etcdPeer}`, '--listen-metrics-urls=', '--log-level=warn',
    ]);
    await timed('etcd', () => waitFor('etcd /health', async () => {
      if (!processes.etcd.running) throw new Error('etcd exited');
      return (await httpStatus(etcdClient, '/health')) === 200;
    }, timeout, 200));

    // kube-apiserver.
    const server = `https://127.0.0.1:${apiPort}`;
    processes['kube-apiserver'] = tracker.spawn('kube-apiserver', bins.KUBE_APISERVER_BIN, [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${apiPort}`,
      `--tls-cert-file=${serving.cert}`, `--tls-private-key-file=${serving.key}`, `--client-ca-file=${ca.cert}`,
      `--cert-dir=${path.join(dir, 'apiserver-certs')}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      `--service-account-issuer=${server}`, `--service-account-key-file=${saPub}`, `--service-account-signing-key-file=${saKey}`,
      `--token-auth-file=${tokens}`, '--authorization-mode=RBAC',
      // On by default already; named so that the tenancy suites' quota and limit checks never depend on a default.
      '--enable-admission-plugins=LimitRanger,ResourceQuota',
      // Privileged containers are allowed cluster-wide, so a rejected privileged pod is Pod Security Admission's doing.
      '--allow-privileged=true',
      '--profiling=false', '--v=1',
      ...(options.apiserverArgs ?? []),
    ]);
    client = new KubeClient(server, token, caPem);
    const c = client;
    await timed('kube-apiserver', () => waitFor('kube-apiserver /readyz', async () => {
      if (!processes['kube-apiserver'].running) throw new Error('kube-apiserver exited');
      return (await c.request('GET', '/readyz')).status === 200;
    }, timeout, 250));

    const kubeconfigPath = path.join(dir, 'admin.kubeconfig');
    await fs.writeFile(kubeconfigPath, kubeconfig(server, caPem, token, 'admin'), { mode: 0o600 });

    if (components.includes('controller-manager')) {
      if (!bins.KUBE_CONTROLLER_MANAGER_BIN) throw new Error('KUBE_CONTROLLER_MANAGER_BIN not given');
      const kc = path.join(dir, 'controller-manager.kubeconfig');
      await fs.writeFile(kc, kubeconfig(server, caPem, kcmToken, 'system:kube-controller-manager'), { mode: 0o600 });
      const port = await freePort();
      processes['kube-controller-manager'] = tracker.spawn('kube-controller-manager', bins.KUBE_CONTROLLER_MANAGER_BIN, [
        `--kubeconfig=${kc}`, `--authentication-kubeconfig=${kc}`, `--authorization-kubeconfig=${kc}`,
        '--bind-address=127.0.0.1', `--secure-port=${port}`, '--leader-elect=false',
        '--use-service-account-credentials=true', `--service-account-private-key-file=${saKey}`, `--root-ca-file=${ca.cert}`,
        '--controllers=*', '--v=1',
        ...(options.controllerManagerArgs ?? []),
      ]);
      await timed('kube-controller-manager', () => waitFor('kube-controller-manager /healthz', async () => {
        if (!processes['kube-controller-manager'].running) throw new Error('kube-controller-manager exited');
        return (await probe(port, '/healthz')) === 200;
      }, timeout, 250));
    }
    if (components.includes('scheduler')) {
      if (!bins.KUBE_SCHEDULER_BIN) throw new Error('KUBE_SCHEDULER_BIN not given');
      const kc = path.join(dir, 'scheduler.kubeconfig');
      await fs.writeFile(kc, kubeconfig(server, caPem, schedulerToken, 'system:kube-scheduler'), { mode: 0o600 });
      const port = await freePort();
      processes['kube-scheduler'] = tracker.spawn('kube-scheduler', bins.KUBE_SCHEDULER_BIN, [
        `--kubeconfig=${kc}`, `--authentication-kubeconfig=${kc}`, `--authorization-kubeconfig=${kc}`,
        '--bind-address=127.0.0.1', `--secure-port=${port}`, '--leader-elect=false', '--v=1',
      ]);
      await timed('kube-scheduler', () => waitFor('kube-scheduler /healthz', async () => {
        if (!processes['kube-scheduler'].running) throw new Error('kube-scheduler exited');
        return (await probe(port, '/healthz')) === 200;
      }, timeout, 250));
    }
    if (components.includes('kwok')) {
      if (!bins.KWOK_BIN || !bins.KWOK_STAGES) throw new Error('KWOK_BIN and KWOK_STAGES must be given');
      const port = await freePort();
      let stages = bins.KWOK_STAGES;
      if (options.podReadyDelayMs) {
        const docs = yaml.loadAll(await fs.readFile(stages, 'utf8')).filter(Boolean) as any[];
        const ready = docs.find((d) => d.kind === 'Stage' && d.metadata?.name === 'pod-ready');
        if (!ready) throw new Error(`no pod-ready stage in ${stages}`);
        ready.spec.delay = { durationMilliseconds: options.podReadyDelayMs, jitterDurationMilliseconds: Math.round(options.podReadyDelayMs * 1.5) };
        stages = path.join(dir, 'kwok-stages.yaml');
        await fs.writeFile(stages, docs.map((d) => yaml.dump(d, { lineWidth: -1 })).join('---\n'));
      }
      // KWOK plays the kubelets of the nodes annotated kwok.x-k8s.io/node=fake: keeps them Ready (leases and status)
      // and runs their pods (Running and Ready, with pod IPs), nothing else.
      processes.kwok = tracker.spawn('kwok', bins.KWOK_BIN, [
        `--config=${stages}`, `--kubeconfig=${kubeconfigPath}`, '--manage-all-nodes=false',
        '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
        '--node-ip=127.0.0.1', '--node-name=kwok', '--cidr=10.244.0.0/16',
        `--server-address=127.0.0.1:${port}`, '--node-lease-duration-seconds=40',
      ], { env: { ...process.env, HOME: dir } });
      await timed('kwok', () => waitFor('kwok /healthz', async () => {
        if (!processes.kwok.running) throw new Error('kwok exited');
        return (await httpStatus(port, '/healthz')) === 200;
      }, timeout, 250));
    }
    return { dir, server, token, caFile: ca.cert, kubeconfigPath, client, processes, startSeconds, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
