/**
 * Runs a cluster's dedicated etcd on this machine from the configuration files the estate renders
 * (`etcdMemberConfig`), changed only where a laptop differs from the member machines:
 *
 * - each member's machine address becomes a loopback address of its own, 127.0.<net>.<index + 1>, everywhere it
 *   appears (listen and advertise URLs, initial-cluster, the metrics URL); ports stay as rendered;
 * - the data directory and certificate paths point into the run's temporary directory (same file names as
 *   ETCD_PATHS);
 * - the initial-cluster token gets a per-run suffix, so two runs can never join each other's members.
 *
 * Every other key is written exactly as rendered. By default the configuration is `etcdMemberConfig`'s; a test can
 * give the one a member's bootstrap carries instead (`rendered`), and add members later (`addMember`: a joiner of a
 * membership change, or the new machine of a replaced member) or take one away (`removeMember`: its machine goes).
 * Joiners are declared up front (`joiners`) so their addresses are reserved and mapped in every configuration.
 *
 * Certificates are made for the run with openssl: the cluster's etcd CA, per-member server and peer certificates for
 * the member's loopback IP, the control plane's `apiserver-etcd-client` certificate, and a foreign CA with a client
 * certificate of its own. Clients are the real etcdctl over mutual TLS.
 */
import { execFile } from 'child_process';
import { randomBytes } from 'crypto';
import { promises as fs } from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { ClusterPlan, CONTROL_PLANE_PATHS, ETCD_METRICS_PORT, ETCD_PATHS, etcdMemberConfig, EtcdMember } from '../../constructs/internal';
import { CertificateAuthority, CertificateFiles, createCertificateAuthority, issueCertificate } from './pki';
import { ManagedProcess, ProcessTracker } from './processes';

/** The binaries the harness runs. */
export interface EtcdBinaries {
  readonly etcd: string;
  readonly etcdctl: string;
  readonly openssl: string;
}

/** Keys of the rendered configuration that the harness changes; every other key must stay exactly as rendered. */
export const ADAPTED_KEYS: readonly string[] = [
  'data-dir', 'listen-peer-urls', 'listen-client-urls', 'listen-metrics-urls', 'initial-advertise-peer-urls',
  'advertise-client-urls', 'initial-cluster', 'initial-cluster-token', 'client-transport-security', 'peer-transport-security',
];

/** The source address Linux gives connections between 127.x addresses. */
export const LOOPBACK_SOURCE = '127.0.0.1';

/** One member as run here. */
export interface HarnessMember {
  /** The member as the estate planned it (machine address, zone). */
  readonly member: EtcdMember;
  /** 127.0.<net>.<index + 1>. */
  readonly loopback: string;
  /** The configuration exactly as `etcdMemberConfig` rendered it. */
  readonly rendered: Readonly<Record<string, unknown>>;
  /** The configuration written to `configFile`. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly configFile: string;
  readonly dataDir: string;
  readonly clientUrl: string;
  readonly metricsUrl: string;
  /** The current (last started) etcd process. */
  process?: ManagedProcess;
}

/** Which client identity an etcdctl call presents. */
export type ClientIdentity = 'control-plane' | 'none' | 'foreign';

/** Result of one etcdctl run. */
export interface EtcdctlResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of the harness. */
export interface EtcdHarnessProps {
  readonly plan: ClusterPlan;
  readonly bins: EtcdBinaries;
  readonly tracker: ProcessTracker;
  /** Candidate third octets for the loopback addresses; the first whose addresses and ports are all free is used. */
  readonly loopbackNets?: readonly number[];
  /**
   * The configuration each member of the plan starts with, as rendered (for example the one its bootstrap Secret
   * carries). @default - `etcdMemberConfig(plan, member)`
   */
  readonly rendered?: (member: EtcdMember) => Readonly<Record<string, unknown>>;
  /**
   * Members that may be added later with `addMember` (joiners of a membership change): their loopback addresses are
   * reserved with the others, and their machine addresses are mapped in every configuration. @default - none
   */
  readonly joiners?: readonly EtcdMember[];
}

/** One line of `etcdctl member list` (IDs stay hex strings: as JSON numbers they would lose precision). */
export interface ListedMember {
  readonly id: string;
  readonly status: string;
  /** Empty for a member that was added but has not started yet. */
  readonly name: string;
  readonly peerUrls: string[];
  readonly clientUrls: string[];
  readonly isLearner: boolean;
}

/** Replaces `from` by `to` wherever it appears as a whole address (not as part of a longer one). */
function replaceAddress(text: string, from: string, to: string): string {
  const escaped = from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.replace(new RegExp(`(?<![0-9A-Za-z.])${escaped}(?![0-9A-Za-z.])`, 'g'), to);
}

/** Applies `map` to every string in a YAML-like value. */
function mapStrings(value: unknown, map: (s: string) => string): unknown {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, map));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, map)]));
  return value;
}

/** Every string in a YAML-like value. */
export function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(allStrings);
  return [];
}

/** Whether each address:port can be bound right now. */
async function canBindAll(endpoints: { host: string; port: number }[]): Promise<boolean> {
  for (const { host, port } of endpoints) {
    const ok = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
    });
    if (!ok) return false;
  }
  return true;
}

/** Environment for etcd and etcdctl: the test's own, without ETCD_* / ETCDCTL_* variables that would override flags. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^ETCD(CTL)?_/.test(k)) env[k] = v;
  env.ETCDCTL_API = '3';
  return env;
}

/** A dedicated etcd of one ClusterPlan, run on loopback from its rendered configuration. */
export class EtcdHarness {
  /** Creates the run directory, the certificates and every member's configuration file. Starts nothing. */
  public static async create(props: EtcdHarnessProps): Promise<EtcdHarness> {
    const { plan, bins } = props;
    const runId = randomBytes(4).toString('hex');
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), `etcd-${plan.name}-`));
    const members = plan.etcd.members;
    const known = [...members, ...(props.joiners ?? [])].filter((m, i, all) => all.findIndex((o) => o.index === m.index) === i);
    const ports = [plan.etcd.clientPort, plan.etcd.peerPort, ETCD_METRICS_PORT];
    const candidates = props.loopbackNets ?? Array.from({ length: 40 }, (_, i) => 100 + ((process.pid + i * 7) % 150));
    let loopbackNet: number | undefined;
    for (const n of candidates) {
      if (await canBindAll(known.flatMap((m) => ports.map((port) => ({ host: `127.0.${n}.${m.index + 1}`, port }))))) {
        loopbackNet = n;
        break;
      }
    }
    if (loopbackNet === undefined) throw new Error(`no free 127.0.x.0/24 for ${known.length} members on ports ${ports.join(', ')}`);

    // PKI: the cluster's etcd CA, a foreign CA, the control plane's client certificate and a stranger's.
    const ca = await createCertificateAuthority(bins.openssl, path.join(dir, 'pki'), `${plan.name}-etcd`);
    const foreignCa = await createCertificateAuthority(bins.openssl, path.join(dir, 'foreign-pki'), 'foreign');
    const [controlPlaneClient, foreignClient] = await Promise.all([
      issueCertificate(ca, { name: path.basename(CONTROL_PLANE_PATHS.etcdClientCert, '.crt'), commonName: 'kube-apiserver-etcd-client', organization: 'system:masters', usages: ['clientAuth'] }),
      // Same subject as the control plane's client: only the issuing CA differs.
      issueCertificate(foreignCa, { name: 'apiserver-etcd-client', commonName: 'kube-apiserver-etcd-client', organization: 'system:masters', usages: ['clientAuth'] }),
    ]);

    const harness = new EtcdHarness(props, dir, loopbackNet, runId, [], { ca, foreignCa, controlPlaneClient, foreignClient }, known);
    const render = props.rendered ?? ((m: EtcdMember) => etcdMemberConfig(plan, m));
    const prepared = await Promise.all(members.map((member) => harness.prepare(member, render(member), member.name)));
    harness.members.push(...prepared);
    harness.members.sort((a, b) => a.member.index - b.member.index);
    return harness;
  }

  /** Members that were removed with `removeMember` (their processes are stopped again on `dispose`). */
  public readonly retired: HarnessMember[] = [];

  private constructor(
    private readonly props: EtcdHarnessProps,
    /** The run's temporary directory. */
    public readonly dir: string,
    /** The third octet of the members' loopback addresses. */
    public readonly loopbackNet: number,
    public readonly runId: string,
    public readonly members: HarnessMember[],
    public readonly pki: {
      ca: CertificateAuthority;
      foreignCa: CertificateAuthority;
      controlPlaneClient: CertificateFiles;
      foreignClient: CertificateFiles;
    },
    /** Every member whose machine address is mapped to a loopback address. */
    private readonly known: EtcdMember[],
  ) {}

  /** The loopback address that stands for a member's machine: 127.0.<net>.<index + 1>. */
  public loopbackOf(member: Pick<EtcdMember, 'index'>): string {
    return `127.0.${this.loopbackNet}.${member.index + 1}`;
  }

  /** Text with every known member's machine address replaced by its loopback address (URLs, initial-cluster). */
  public toLoopback(text: string): string {
    let out = text;
    for (const m of this.known) {
      out = replaceAddress(out, `[${m.address}]`, this.loopbackOf(m));
      out = replaceAddress(out, m.address, this.loopbackOf(m));
    }
    return out;
  }

  /** The current member whose machine client URL (as rendered) is `url`. */
  public memberByClientUrl(url: string): HarnessMember {
    const found = this.members.find((m) => m.member.clientUrl === url);
    if (!found) throw new Error(`no member with client URL ${url} (members: ${this.members.map((m) => m.member.clientUrl).join(', ')})`);
    return found;
  }

  /**
   * Certificates, data directory and adapted configuration file of one member machine, in `<dir>/<dirName>`. The
   * rendered configuration is changed only in ADAPTED_KEYS: addresses, paths and the token.
   */
  private async prepare(member: EtcdMember, rendered: Readonly<Record<string, unknown>>, dirName: string): Promise<HarnessMember> {
    const { plan } = this.props;
    const ca = this.pki.ca;
    const loopback = this.loopbackOf(member);
    const memberDir = path.join(this.dir, dirName);
    const pkiDir = path.join(memberDir, 'pki');
    const dataDir = path.join(memberDir, 'data');
    await fs.mkdir(pkiDir, { recursive: true, mode: 0o700 });
    // etcd checks a connecting peer's certificate against the connection's source address. On a real network a
    // member connects from its own address; on loopback Linux sends every member's traffic from 127.0.0.1, so the
    // peer certificates (only those) also name 127.0.0.1.
    const issued = await Promise.all((['server', 'peer'] as const).map((kind) => issueCertificate(ca, {
      name: `${dirName}-${kind}`, commonName: member.name, ips: kind === 'peer' ? [loopback, LOOPBACK_SOURCE] : [loopback], usages: ['serverAuth', 'clientAuth'],
    })));
    const place = async (from: CertificateFiles, certPath: string, keyPath: string) => {
      await fs.copyFile(from.cert, path.join(pkiDir, path.basename(certPath)));
      await fs.copyFile(from.key, path.join(pkiDir, path.basename(keyPath)));
    };
    await place(issued[0], ETCD_PATHS.serverCertFile, ETCD_PATHS.serverKeyFile);
    await place(issued[1], ETCD_PATHS.peerCertFile, ETCD_PATHS.peerKeyFile);
    await fs.copyFile(ca.cert, path.join(pkiDir, path.basename(ETCD_PATHS.caFile)));
    const paths: Record<string, string> = {
      [ETCD_PATHS.dataDir]: dataDir,
      [ETCD_PATHS.caFile]: path.join(pkiDir, path.basename(ETCD_PATHS.caFile)),
      [ETCD_PATHS.serverCertFile]: path.join(pkiDir, path.basename(ETCD_PATHS.serverCertFile)),
      [ETCD_PATHS.serverKeyFile]: path.join(pkiDir, path.basename(ETCD_PATHS.serverKeyFile)),
      [ETCD_PATHS.peerCertFile]: path.join(pkiDir, path.basename(ETCD_PATHS.peerCertFile)),
      [ETCD_PATHS.peerKeyFile]: path.join(pkiDir, path.basename(ETCD_PATHS.peerKeyFile)),
    };

    const adapted = mapStrings(rendered, (s) => (paths[s] !== undefined ? paths[s] : this.toLoopback(s))) as Record<string, unknown>;
    adapted['initial-cluster-token'] = `${String(rendered['initial-cluster-token'])}-${this.runId}`;
    const configFile = path.join(memberDir, path.basename(ETCD_PATHS.configFile));
    await fs.writeFile(configFile, yaml.dump(adapted, { lineWidth: -1, noRefs: true }), { mode: 0o600 });
    return {
      member,
      loopback,
      rendered,
      config: adapted,
      configFile,
      dataDir,
      clientUrl: `https://${loopback}:${plan.etcd.clientPort}`,
      metricsUrl: `http://${loopback}:${ETCD_METRICS_PORT}`,
    };
  }

  /**
   * A new member machine (a joiner, or a replacement of a removed member) with its own certificates, an empty data
   * directory and `rendered` as its configuration. Starts nothing.
   */
  public async addMember(member: EtcdMember, rendered: Readonly<Record<string, unknown>>): Promise<HarnessMember> {
    if (this.members.some((m) => m.member.name === member.name)) throw new Error(`${member.name} already has a machine: remove it first`);
    if (!this.known.some((m) => m.index === member.index && m.address === member.address)) this.known.push(member);
    const earlier = this.retired.filter((m) => m.member.name === member.name).length;
    const added = await this.prepare(member, rendered, earlier === 0 ? member.name : `${member.name}.${earlier + 1}`);
    this.members.push(added);
    this.members.sort((a, b) => a.member.index - b.member.index);
    return added;
  }

  /** The member's machine goes: its process is stopped (if still running) and its data directory deleted. */
  public async removeMember(member: HarnessMember, graceMs?: number): Promise<void> {
    await member.process?.stop(graceMs);
    if (member.process?.running) throw new Error(`${member.member.name} (pid ${member.process.pid}) did not stop`);
    await fs.rm(member.dataDir, { recursive: true, force: true });
    const at = this.members.indexOf(member);
    if (at >= 0) this.members.splice(at, 1);
    this.retired.push(member);
  }

  /** `etcdctl member list`, parsed. */
  public async memberList(options: { endpoints?: HarnessMember[]; commandTimeoutMs?: number } = {}): Promise<ListedMember[]> {
    const r = await this.etcdctl(['member', 'list'], options);
    if (r.code !== 0) throw new Error(`etcdctl member list failed (${r.code}): ${r.stderr}`);
    return r.stdout.split('\n').filter((l) => l.trim() !== '').map((line) => {
      const [id, status, name, peers, clients, learner] = line.split(', ').map((f) => f.trim());
      const urls = (f: string | undefined) => (f ?? '').split(',').filter(Boolean);
      return { id, status, name, peerUrls: urls(peers), clientUrls: urls(clients), isLearner: learner === 'true' };
    });
  }

  public get plan(): ClusterPlan {
    return this.props.plan;
  }

  /** Members of a zone, by index. */
  public membersIn(zone: string): HarnessMember[] {
    return this.members.filter((m) => m.member.zone === zone);
  }

  public get running(): HarnessMember[] {
    return this.members.filter((m) => m.process?.running);
  }

  /** Starts a member's etcd from its configuration file (data directory created 0700 when missing). */
  public async start(member: HarnessMember): Promise<ManagedProcess> {
    if (member.process?.running) throw new Error(`${member.member.name} is already running`);
    await fs.mkdir(member.dataDir, { recursive: true, mode: 0o700 });
    await fs.chmod(member.dataDir, 0o700);
    member.process = this.props.tracker.spawn(member.member.name, this.props.bins.etcd, ['--config-file', member.configFile], { env: cleanEnv(), cwd: this.dir });
    return member.process;
  }

  public async startAll(members: HarnessMember[] = this.members): Promise<void> {
    await Promise.all(members.map((m) => this.start(m)));
  }

  /** The zone goes dark: SIGKILL, no graceful shutdown, no leadership hand-over. */
  public async kill(members: HarnessMember[]): Promise<void> {
    await Promise.all(members.map((m) => m.process?.kill()));
  }

  /**
   * Graceful stop (SIGTERM, then SIGKILL after `graceMs`), all at once. etcd 3.4 hands leadership over on SIGTERM
   * and waits up to its request timeout (7 s here) when no peer can take it, so `graceMs` bounds that wait.
   */
  public async stop(members: HarnessMember[] = this.members, graceMs?: number): Promise<void> {
    await Promise.all(members.map((m) => m.process?.stop(graceMs)));
  }

  /** Runs etcdctl against `endpoints` (default: every running member), presenting `identity`. Never throws on exit code. */
  public etcdctl(
    args: readonly string[],
    options: { endpoints?: HarnessMember[]; identity?: ClientIdentity; commandTimeoutMs?: number; dialTimeoutMs?: number } = {},
  ): Promise<EtcdctlResult> {
    const endpoints = (options.endpoints ?? this.running).map((m) => m.clientUrl);
    if (endpoints.length === 0) throw new Error('etcdctl: no endpoint (no member running)');
    const identity = options.identity ?? 'control-plane';
    const tls = ['--cacert', this.pki.ca.cert];
    if (identity === 'control-plane') tls.push('--cert', this.pki.controlPlaneClient.cert, '--key', this.pki.controlPlaneClient.key);
    if (identity === 'foreign') tls.push('--cert', this.pki.foreignClient.cert, '--key', this.pki.foreignClient.key);
    const commandTimeoutMs = options.commandTimeoutMs ?? 5000;
    const fullArgs = [
      `--endpoints=${endpoints.join(',')}`, ...tls,
      `--dial-timeout=${options.dialTimeoutMs ?? 2000}ms`, `--command-timeout=${commandTimeoutMs}ms`, ...args,
    ];
    return new Promise((resolve) => {
      execFile(this.props.bins.etcdctl, fullArgs, {
        env: cleanEnv(),
        timeout: commandTimeoutMs + 10_000,
        maxBuffer: 64 * 1024 * 1024,
      }, (error, stdout, stderr) => {
        // On a non-zero exit, execFile's error carries the exit code; null when killed (timeout) or not started.
        const exitCode = (error as { code?: unknown } | null)?.code;
        const code = !error ? 0 : typeof exitCode === 'number' ? exitCode : null;
        resolve({ code, stdout, stderr });
      });
    });
  }

  /** Whether the member answers `etcdctl endpoint health` (a quorum read) over mTLS. */
  public async healthy(member: HarnessMember, timeoutMs = 3000): Promise<boolean> {
    const r = await this.etcdctl(['endpoint', 'health'], { endpoints: [member], commandTimeoutMs: timeoutMs });
    return r.code === 0;
  }

  /** Waits until every given member is healthy; the error names the unhealthy ones and shows their log. */
  public async waitHealthy(members: HarnessMember[] = this.members, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const pending = new Set(members);
    while (pending.size > 0) {
      await Promise.all([...pending].map(async (m) => {
        if (!m.process?.running) throw new Error(`${m.member.name} is not running (exit ${JSON.stringify(m.process?.exit)}):\n${m.process?.tail() ?? ''}`);
        if (await this.healthy(m, 1000)) pending.delete(m);
      }));
      if (pending.size === 0) break;
      if (Date.now() > deadline) {
        const names = [...pending].map((m) => m.member.name).join(', ');
        throw new Error(`not healthy after ${timeoutMs} ms: ${names}\n${[...pending].map((m) => `--- ${m.member.name}\n${m.process?.tail(15)}`).join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Puts one key; returns whether etcd acknowledged it. */
  public async put(key: string, value: string, options: { endpoints?: HarnessMember[]; commandTimeoutMs?: number } = {}): Promise<EtcdctlResult> {
    return this.etcdctl(['put', key, value], options);
  }

  /** Puts `count` keys `<prefix><i>`, a few at a time; returns the acknowledged keys with their values and the failures. */
  public async putMany(
    prefix: string,
    count: number,
    options: { endpoints?: HarnessMember[]; parallel?: number; commandTimeoutMs?: number } = {},
  ): Promise<{ acked: Map<string, string>; failed: { key: string; stderr: string }[] }> {
    const acked = new Map<string, string>();
    const failed: { key: string; stderr: string }[] = [];
    const keys = Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);
    const parallel = options.parallel ?? 6;
    for (let i = 0; i < keys.length; i += parallel) {
      await Promise.all(keys.slice(i, i + parallel).map(async (key) => {
        const value = `${key}@${this.runId}:${randomBytes(6).toString('hex')}`;
        const r = await this.put(key, value, options);
        if (r.code === 0 && /^OK\b/m.test(r.stdout)) acked.set(key, value);
        else failed.push({ key, stderr: r.stderr.trim() || r.stdout.trim() });
      }));
    }
    return { acked, failed };
  }

  /** Every key under `prefix` with its value, by a linearizable range read. */
  public async readPrefix(prefix: string, options: { endpoints?: HarnessMember[] } = {}): Promise<Map<string, string>> {
    const r = await this.etcdctl(['get', prefix, '--prefix', '-w', 'json'], options);
    if (r.code !== 0) throw new Error(`etcdctl get ${prefix} --prefix failed (${r.code}): ${r.stderr}`);
    const body = JSON.parse(r.stdout) as { kvs?: { key: string; value: string }[] };
    const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');
    return new Map((body.kvs ?? []).map((kv) => [decode(kv.key), decode(kv.value ?? '')]));
  }

  /** The member's log as parsed JSON lines (etcd logs with zap to stderr, as the rendered config asks). */
  public logEntries(member: HarnessMember): Record<string, unknown>[] {
    return (member.process?.output ?? '').split('\n').flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }

  /**
   * The settings etcd says it started with (its "starting an etcd server" log entry): proof the keys of the config
   * file were read, since etcd 3.4 silently ignores keys it does not know.
   */
  public effectiveSettings(member: HarnessMember): Record<string, unknown> {
    const entry = this.logEntries(member).find((e) => e.msg === 'starting an etcd server');
    if (!entry) throw new Error(`${member.member.name} logged no "starting an etcd server" entry:\n${member.process?.tail() ?? ''}`);
    return entry;
  }

  /**
   * Lines of the member's boot log (everything up to "now serving peer/client/metrics", which is logged once the
   * configuration is loaded and every listener is up) that complain about the configuration: warn or worse, or
   * non-JSON output, mentioning an unknown, invalid or deprecated setting.
   */
  public configComplaints(member: HarnessMember): string[] {
    const lines = (member.process?.output ?? '').split('\n');
    const served = lines.findIndex((l) => l.includes('"msg":"now serving peer/client/metrics"'));
    return lines.slice(0, served < 0 ? lines.length : served + 1).filter((line) => {
      if (!/unknown|invalid|unrecognized|deprecated|not supported|cannot unmarshal|failed to (load|parse|read)/i.test(line)) return false;
      return !line.startsWith('{') || /"level":"(warn|error|fatal|panic)"/.test(line);
    });
  }

  /** Stops every member and removes the run directory. */
  public async dispose(): Promise<void> {
    await this.stop([...this.members, ...this.retired]);
    if ([...this.members, ...this.retired].every((m) => !m.process?.running)) await fs.rm(this.dir, { recursive: true, force: true });
  }
}
