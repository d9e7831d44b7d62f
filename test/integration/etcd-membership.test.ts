/**
 * Changing a live etcd's membership, on real etcd, the way the estate renders it: charging-sh1's dedicated etcd
 * (reference estate) starts from the base's rendered configurations (3 members), then the steps `planEtcdProcedure`
 * plans and the joiners' bootstraps that `synthesize(..., { base })` renders are executed for real, while a bounded
 * writer keeps writing through the endpoints the API servers would use at each step:
 *
 * 1. 3 → 5 members (the user's change: `etcd.members` 3 → 5);
 * 2. one member replaced: moved to another zone (leave, then join again as a learner);
 * 3. back to the reference estate, 5 → 3 (the moved member goes back to its zone, two members leave).
 *
 * Operator steps run their `etcdctl` call (member add --learner, member promote, member remove); controller steps
 * do what Cluster API and the apply would: create the joiner's machine from its rendered bootstrap, delete a
 * machine, switch the API servers' endpoints (here: the writer's). At the end every acknowledged write is read back,
 * every member is healthy, and the longest gap between acknowledged writes is reported.
 *
 * A second suite starts the same 3 members and the 2 new ones as today's one-shot re-render (no base) renders them:
 * `initial-cluster-state: new` with a five-member `initial-cluster`. They never join.
 *
 * The replacement happens at 5 members: charging-sh1's IDC has 3 zones, so at 3 members every zone holds one member
 * and no single member can move without a zone holding 2 of 3 (refused by etcd-zone-survivability).
 *
 * Needs etcd (3.4+, for learners), etcdctl and openssl (Debian: etcd-server, etcd-client, openssl).
 */
import { promises as fs } from 'fs';
import * as tls from 'tls';
import * as grpc from '@grpc/grpc-js';
import {
  EtcdMember, EtcdProcedure, EtcdStep, EtcdStepAction, EtcdStepRunner, Estate, etcdConfigOfBootstrap, joinerInitialCluster,
  MANAGEMENT_TARGET, planEtcdProcedure, ProblemSeverity, readRunningEstate, RunningCluster, RunningEstate, Synthesis,
  synthesize, validateTransition,
} from '../../constructs/internal';
import { referenceEstate } from '../../stacks/estates';
import { describeWithEngines } from '../helpers/engines';
import { EtcdHarness, HarnessMember } from '../helpers/etcd-harness';
import { pidAlive, ProcessTracker, sleep, waitFor } from '../helpers/processes';
import { REFERENCE_TIMES } from '../helpers/reference';

const ENGINES = ['etcd', 'etcdctl', 'openssl'] as const;
const CLUSTER = 'charging-sh1';
const AS_OF = REFERENCE_TIMES.dormantBefore;

/** The writer: one write in flight, one every WRITE_INTERVAL_MS, stops itself after MAX_WRITES or MAX_WRITER_MS. */
const WRITE_INTERVAL_MS = 25;
const MAX_WRITES = 4000;
const MAX_WRITER_MS = 100_000;
/** A write not acknowledged within this time counts as failed (and its outcome as unknown). */
const WRITE_TIMEOUT_MS = 2000;
/** Bounds of one step: a joiner starting and catching up, a promote that etcd refuses until then. */
const JOIN_WAIT_MS = 30_000;
const OPERATOR_WAIT_MS = 30_000;
/** Refusals of a membership change that pass with time (nothing was proposed): etcd's strict reconfiguration check. */
const RECONFIG_REFUSED = /unhealthy cluster|not enough started members|re-configuration failed due to not enough started members/i;
/** A promote is also refused until the learner has caught up with the leader. */
const PROMOTE_REFUSED = new RegExp(`${RECONFIG_REFUSED.source}|in sync with leader|not ready`, 'i');
/** How long the one-shot re-render's members get to join (they never will). */
const NAIVE_WAIT_MS = 12_000;

// ---------------------------------------------------------------------------------------------------------------
// The estate at each stage, synthesized as the product does it
// ---------------------------------------------------------------------------------------------------------------

/** The reference estate with charging-sh1's etcd at `members`, optionally placed on `zones` (a member moved). */
function referenceWith(members: number, zones?: string[]): Estate {
  const estate = referenceEstate();
  const etcd = estate.clusters.find((c) => c.name === CLUSTER)!.etcd as unknown as { memberCount: number; props: Record<string, unknown> };
  etcd.memberCount = members;
  if (zones) etcd.props = { ...etcd.props, memberZones: zones };
  return estate;
}

/** One synthesized state of the estate: what it renders, and what runs once it is applied. */
interface Stage {
  readonly synthesis: Synthesis;
  readonly running: RunningEstate;
  readonly cluster: RunningCluster;
  /** charging-sh1's etcd members as planned (machine addresses). */
  readonly members: readonly EtcdMember[];
}

function stage(estate: Estate, base?: Stage): Stage {
  const synthesis = synthesize(estate, { asOf: AS_OF, ...(base ? { base: base.running } : {}) });
  const objects = synthesis.targets.find((t) => t.name === MANAGEMENT_TARGET)!.objects;
  const running = readRunningEstate(estate.node.id, objects);
  return {
    synthesis,
    running,
    cluster: running.clusters.find((c) => c.name === CLUSTER)!,
    members: synthesis.plan.clusters.find((c) => c.name === CLUSTER)!.etcd.members,
  };
}

/** The procedure from `base` to `head`, as the impact section and the renderer plan it. */
function procedureOf(base: Stage, head: Stage): EtcdProcedure {
  return planEtcdProcedure(head.cluster.name, head.cluster.path, base.cluster.etcd, head.cluster.etcd.members);
}

function renderedConfigOf(s: Stage, member: string): Record<string, unknown> {
  const running = s.cluster.etcd.members.find((m) => m.name === member);
  if (!running) throw new Error(`${member} has no bootstrap in the synthesis`);
  const config = etcdConfigOfBootstrap(running.bootstrap);
  if (!config) throw new Error(`${member}'s bootstrap carries no etcd configuration`);
  return config;
}

// ---------------------------------------------------------------------------------------------------------------
// The writer: etcd's own gRPC KV API over mutual TLS, as the API servers talk to it
// ---------------------------------------------------------------------------------------------------------------

function varint(n: number): Buffer {
  const bytes: number[] = [];
  let v = n;
  while (v > 0x7f) {
    bytes.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

/** etcdserverpb.PutRequest { bytes key = 1; bytes value = 2; } */
function encodePut(key: string, value: string): Buffer {
  const field = (no: number, data: Buffer) => Buffer.concat([Buffer.from([(no << 3) | 2]), varint(data.length), data]);
  return Buffer.concat([field(1, Buffer.from(key)), field(2, Buffer.from(value))]);
}

interface Ack {
  readonly key: string;
  readonly value: string;
  /** When the acknowledgment arrived (ms since the epoch). */
  readonly at: number;
  readonly endpoint: string;
  /** The step that was running. */
  readonly step: string;
}

/**
 * Writes unique keys one at a time, round-robin over the endpoints it is given, failing over to the next endpoint
 * at once when a write fails. Records every acknowledged key. Bounded: stops itself after `MAX_WRITES` writes or
 * `MAX_WRITER_MS`.
 */
class Writer {
  public readonly acked: Ack[] = [];
  public readonly failed: { key: string; endpoint: string; error: string; at: number; step: string }[] = [];
  /** The step during which each write was sent, in order (one write in flight at a time). */
  private readonly sent: { key: string; step: string }[] = [];
  /** The step being executed, for the report. */
  public step = 'before the procedure';
  public startedAt = 0;
  public stoppedAt = 0;
  public stopReason = '';
  private endpoints: string[] = [];
  private readonly clients = new Map<string, grpc.Client>();
  private stopped = false;
  private loop?: Promise<void>;

  constructor(
    private readonly tlsFiles: { ca: Buffer; key: Buffer; cert: Buffer },
    private readonly prefix: string,
    private readonly runId: string,
  ) {}

  /** The client URLs to write through from now on (`https://127.0.n.x:2379`). */
  public setEndpoints(urls: readonly string[]): void {
    if (urls.length === 0) throw new Error('the writer needs at least one endpoint');
    this.endpoints = urls.map((u) => new URL(u).host);
  }

  /**
   * Waits until `count` more writes are acknowledged: the writer is live, and a gap that a hung write opened is
   * closed (with one write in flight, a write that hangs until its timeout holds the next ones back).
   */
  public async waitForAcks(count: number, timeoutMs: number): Promise<void> {
    const target = this.acked.length + count;
    await waitFor(`${count} more acknowledged writes (${this.failed.length} not acknowledged so far; last: ${this.failed.at(-1)?.error ?? 'none'})`, () => this.acked.length >= target, timeoutMs, 20);
  }

  public get currentEndpoints(): readonly string[] {
    return this.endpoints;
  }

  public start(): void {
    this.startedAt = Date.now();
    this.loop = this.run();
  }

  public async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }

  /**
   * The longest time between two consecutive acknowledgments, and the step during which it began (the step of the
   * first write sent after the acknowledgment that opens it); only gaps that began in a step whose label starts with
   * `stepPrefix`, when given.
   */
  public longestGap(stepPrefix?: string): { ms: number; step: string; before?: string; after?: string } {
    let best = { ms: 0, step: '', before: undefined as string | undefined, after: undefined as string | undefined };
    const sentIndex = new Map(this.sent.map((w, i) => [w.key, i]));
    for (let i = 1; i < this.acked.length; i++) {
      const step = this.sent[sentIndex.get(this.acked[i - 1].key)! + 1]?.step ?? this.acked[i].step;
      if (stepPrefix !== undefined && !step.startsWith(stepPrefix)) continue;
      const ms = this.acked[i].at - this.acked[i - 1].at;
      if (ms > best.ms) best = { ms, step, before: this.acked[i - 1].key, after: this.acked[i].key };
    }
    return best;
  }

  private client(endpoint: string): grpc.Client {
    let c = this.clients.get(endpoint);
    if (!c) {
      // The members' server certificates name their IP. The certificate is checked against it; the TLS server name
      // sent is a placeholder (an IP address there is not allowed by RFC 6066, and Node warns about it).
      const ip = endpoint.slice(0, endpoint.lastIndexOf(':'));
      const credentials = grpc.credentials.createSsl(this.tlsFiles.ca, this.tlsFiles.key, this.tlsFiles.cert, {
        checkServerIdentity: (_host, cert) => tls.checkServerIdentity(ip, cert),
      });
      c = new grpc.Client(endpoint, credentials, { 'grpc.ssl_target_name_override': 'etcd-member' });
      this.clients.set(endpoint, c);
    }
    return c;
  }

  private put(endpoint: string, key: string, value: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.client(endpoint).makeUnaryRequest(
        '/etcdserverpb.KV/Put', (b: Buffer) => b, (b: Buffer) => b, encodePut(key, value), new grpc.Metadata(),
        { deadline: Date.now() + WRITE_TIMEOUT_MS },
        (err) => (err ? reject(err) : resolve()),
      );
    });
  }

  private async run(): Promise<void> {
    let seq = 0;
    let next = 0;
    for (;;) {
      if (this.stopped) {
        this.stopReason = 'stopped by the test';
        break;
      }
      if (seq >= MAX_WRITES) {
        this.stopReason = `reached ${MAX_WRITES} writes`;
        break;
      }
      if (Date.now() - this.startedAt >= MAX_WRITER_MS) {
        this.stopReason = `reached ${MAX_WRITER_MS} ms`;
        break;
      }
      const began = Date.now();
      const endpoints = this.endpoints;
      const endpoint = endpoints[next++ % endpoints.length];
      const key = `${this.prefix}${String(seq++).padStart(6, '0')}`;
      const value = `${key}@${this.runId}`;
      const step = this.step;
      this.sent.push({ key, step });
      try {
        await this.put(endpoint, key, value);
        this.acked.push({ key, value, at: Date.now(), endpoint, step });
      } catch (e) {
        this.failed.push({ key, endpoint, error: (e as Error).message, at: Date.now(), step });
        await sleep(10); // fail over to the next endpoint at once
        continue;
      }
      const wait = WRITE_INTERVAL_MS - (Date.now() - began);
      if (wait > 0) await sleep(wait);
    }
    this.stoppedAt = Date.now();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Executing a procedure's steps
// ---------------------------------------------------------------------------------------------------------------

interface StepRecord {
  readonly phase: string;
  readonly number: number;
  readonly action: EtcdStepAction;
  readonly member: string;
  readonly ms: number;
  readonly note?: string;
}

/** `ETCD_INITIAL_CLUSTER="..."` from `etcdctl member add`'s output: the membership etcd says the joiner must start with. */
function initialClusterOfMemberAdd(stdout: string): string | undefined {
  return stdout.match(/ETCD_INITIAL_CLUSTER="([^"]*)"/)?.[1];
}

const sorted = (list: Iterable<string>) => [...list].sort();

class ProcedureRunner {
  public readonly records: StepRecord[] = [];
  /** When each peer URL was last added (ms since the epoch). */
  private readonly addedAt = new Map<string, number>();

  constructor(private readonly h: EtcdHarness, private readonly writer: Writer) {}

  private endpointsOf(urls: readonly string[]): HarnessMember[] {
    return urls.map((u) => this.h.memberByClientUrl(u));
  }

  /**
   * Runs an operator's etcdctl call, again while etcd refuses it for a reason that passes: with the rendered
   * `strict-reconfig-check: true`, etcd refuses a membership change ("unhealthy cluster") until every voting member
   * has been connected to the leader for 5 s (etcd's HealthInterval), which is never the case right after a member
   * joined or left; and it refuses to promote a learner that has not caught up. Nothing is proposed when etcd
   * refuses, so running the call again is safe.
   */
  private async operatorCall(step: EtcdStep, args: () => Promise<string[] | undefined>, waitOut: RegExp): Promise<{ stdout: string; note: string }> {
    const call = step.etcdctl!;
    const began = Date.now();
    const deadline = began + OPERATOR_WAIT_MS;
    let attempts = 0;
    const refusals = new Set<string>();
    for (;;) {
      attempts++;
      const fullArgs = await args();
      if (fullArgs) {
        const r = await this.h.etcdctl(fullArgs, { endpoints: this.endpointsOf(call.endpoints) });
        if (r.code === 0) {
          const waited = refusals.size > 0 ? `, ${attempts} attempts over ${Date.now() - began} ms: etcd refused with "${[...refusals].join('", "')}"` : '';
          return { stdout: r.stdout, note: `etcdctl ${call.verb}${waited}` };
        }
        const reason = (r.stderr.trim().split('\n').pop() ?? '').replace(/^Error:\s*/, '');
        if (!waitOut.test(reason)) {
          const logs = this.h.members.map((m) => `--- ${m.member.name}\n${m.process?.tail(12) ?? ''}`).join('\n');
          throw new Error(`step ${step.number}: etcdctl ${fullArgs.join(' ')} failed (${r.code}) after ${attempts} attempt(s): ${r.stderr}\nstdout: ${r.stdout}\n${logs}`);
        }
        refusals.add(reason);
      }
      if (Date.now() > deadline) throw new Error(`step ${step.number}: etcdctl ${call.verb} ${call.member} not accepted after ${OPERATOR_WAIT_MS} ms (${attempts} attempts): ${[...refusals].join('; ')}`);
      await sleep(250);
    }
  }

  /** The member's id, looked up by name in `member list`, as the runbook line does. */
  private async memberId(name: string, endpoints: readonly string[]): Promise<string | undefined> {
    const listed = await this.h.memberList({ endpoints: this.endpointsOf(endpoints) });
    return listed.find((m) => m.name === name)?.id;
  }

  /**
   * The name of the member that leads, by `endpoint status` of the running members named (each says whether it
   * leads; default: every running member).
   */
  public async leader(among?: readonly string[]): Promise<string | undefined> {
    const asked = this.h.running.filter((m) => !among || among.includes(m.member.name));
    const r = await this.h.etcdctl(['endpoint', 'status'], { endpoints: asked, commandTimeoutMs: 2000 });
    // <endpoint>, <id>, <version>, <db size>, <is leader>, <is learner>, <term>, <index>, <applied>, <errors>
    const leading = r.stdout.split('\n').map((l) => l.split(', ')).find((f) => f[4] === 'true');
    return leading ? this.h.members.find((m) => m.clientUrl === leading[0])?.member.name : undefined;
  }

  /** Makes `member` the leader (`etcdctl move-leader`, sent to the current leader). Returns the note for the report. */
  public async makeLeader(member: string, endpoints: readonly string[]): Promise<string> {
    const current = await this.leader();
    if (current === member) return `${member} already led`;
    const id = await this.memberId(member, endpoints);
    const leaderMember = this.h.members.find((m) => m.member.name === current);
    if (!id || !leaderMember) throw new Error(`cannot move leadership to ${member} (leader: ${current ?? 'none'})`);
    const r = await this.h.etcdctl(['move-leader', id], { endpoints: [leaderMember] });
    if (r.code !== 0) throw new Error(`etcdctl move-leader ${member} failed (${r.code}): ${r.stderr}`);
    await waitFor(`${member} to lead`, async () => (await this.leader()) === member, 10_000, 100);
    return `leadership moved from ${current} to ${member}`;
  }

  public async execute(
    phase: string,
    procedure: EtcdProcedure,
    head: Stage,
    before?: (step: EtcdStep) => Promise<string | undefined>,
  ): Promise<void> {
    const learners = new Set<string>();
    for (const step of procedure.steps) {
      this.writer.step = `${phase} step ${step.number} ${step.action} ${step.member}`;
      const prepared = before ? await before(step) : undefined;
      const names = step.membership.map((m) => m.slice(0, m.indexOf('=')));
      const leaving = step.action === EtcdStepAction.REMOVE_MEMBER ? await this.leader([...names, step.member]) : undefined;
      if (leaving === step.member) this.writer.step += ' (the leader)';
      const began = Date.now();
      const done = await this.executeStep(procedure, step, head, learners);
      const ms = Date.now() - began;
      let leaderNote: string | undefined;
      if (step.action === EtcdStepAction.REMOVE_MEMBER && leaving === step.member) {
        const removedAt = Date.now();
        const next = await waitFor('the remaining members to elect a leader', async () => (await this.leader(names)) ?? false, 15_000, 50);
        leaderNote = `it led: ${next} leads ${Date.now() - removedAt} ms after etcd accepted the remove`;
      } else if (step.action === EtcdStepAction.REMOVE_MEMBER) {
        leaderNote = `leader ${leaving} stayed`;
      }
      const note = [prepared, done, leaderNote].filter(Boolean).join('; ');
      this.records.push({ phase, number: step.number, action: step.action, member: step.member, ms, ...(note ? { note } : {}) });
      await this.expectState(step, learners);
      // Writes flow again before the next step (on machines, steps are minutes apart): each step's gap is its own.
      await this.writer.waitForAcks(3, 15_000);
    }
  }

  private async executeStep(procedure: EtcdProcedure, step: EtcdStep, head: Stage, learners: Set<string>): Promise<string | undefined> {
    const h = this.h;
    const operator = [EtcdStepAction.ADD_LEARNER, EtcdStepAction.PROMOTE, EtcdStepAction.REMOVE_MEMBER].includes(step.action);
    expect({ step: step.number, runner: step.runner }).toEqual({
      step: step.number,
      runner: operator ? EtcdStepRunner.OPERATOR : EtcdStepRunner.CONTROLLERS,
    });
    if (operator) {
      expect(step.etcdctl).toBeDefined();
      expect(step.etcdctl!.member).toBe(step.member);
      expect(step.runbook).toContain('etcdctl');
    }
    switch (step.action) {
      case EtcdStepAction.ADD_LEARNER: {
        const call = step.etcdctl!;
        expect(call.verb).toBe('member add');
        // etcd derives a new member's ID from its peer URLs and the Unix second of the add: the same URL added
        // again within the second of its previous add gets the removed member's ID, and etcd fails the add
        // ("member not found"). On machines the join and leave in between take minutes; here, wait out the second.
        const previous = this.addedAt.get(call.peerUrl!);
        if (previous !== undefined && Math.floor(Date.now() / 1000) <= Math.floor(previous / 1000)) await sleep(1000 - (Date.now() % 1000) + 50);
        const r = await this.operatorCall(step, async () => ['member', 'add', call.member, '--learner', `--peer-urls=${h.toLoopback(call.peerUrl!)}`], RECONFIG_REFUSED);
        expect(r.stdout).toMatch(/^Member\s+[0-9a-f]+ added to cluster\s+[0-9a-f]+/m);
        // etcd's own word on how the joiner must start equals the membership the procedure records.
        expect(sorted((initialClusterOfMemberAdd(r.stdout) ?? '').split(','))).toEqual(sorted(step.membership.map((m) => h.toLoopback(m))));
        expect(r.stdout).toContain('ETCD_INITIAL_CLUSTER_STATE="existing"');
        this.addedAt.set(call.peerUrl!, Date.now());
        learners.add(step.member);
        return r.note;
      }
      case EtcdStepAction.START_MEMBER: {
        // The joiner boots from the bootstrap the head synthesis (with the base) rendered for it.
        const rendered = renderedConfigOf(head, step.member);
        expect(rendered['initial-cluster-state']).toBe('existing');
        expect(rendered['initial-cluster']).toBe(joinerInitialCluster(procedure, step.member));
        const planned = head.members.find((m) => m.name === step.member)!;
        const joiner = await h.addMember(planned, rendered);
        await h.start(joiner);
        await joiner.process!.waitForOutput(/published local member to cluster through raft/, JOIN_WAIT_MS);
        return `pid ${joiner.process!.pid}`;
      }
      case EtcdStepAction.PROMOTE: {
        const call = step.etcdctl!;
        expect(call.verb).toBe('member promote');
        const r = await this.operatorCall(step, async () => {
          const id = await this.memberId(call.member, call.endpoints);
          return id ? ['member', 'promote', id] : undefined;
        }, PROMOTE_REFUSED);
        learners.delete(step.member);
        return r.note;
      }
      case EtcdStepAction.ADD_ENDPOINT: {
        const member = h.members.find((m) => m.member.name === step.member)!;
        // The member serves (a quorum read through it) before the API servers get its endpoint.
        await h.waitHealthy([member], JOIN_WAIT_MS);
        this.writer.setEndpoints(this.endpointsOf(step.endpoints).map((m) => m.clientUrl));
        return undefined;
      }
      case EtcdStepAction.REMOVE_ENDPOINT:
        this.writer.setEndpoints(this.endpointsOf(step.endpoints).map((m) => m.clientUrl));
        expect(this.writer.currentEndpoints.some((e) => e.startsWith(`${h.members.find((m) => m.member.name === step.member)!.loopback}:`))).toBe(false);
        return undefined;
      case EtcdStepAction.REMOVE_MEMBER: {
        const call = step.etcdctl!;
        expect(call.verb).toBe('member remove');
        const r = await this.operatorCall(step, async () => {
          const id = await this.memberId(call.member, call.endpoints);
          if (!id) throw new Error(`step ${step.number}: ${call.member} is not in member list`);
          return ['member', 'remove', id];
        }, RECONFIG_REFUSED);
        return r.note;
      }
      case EtcdStepAction.DELETE_MACHINE: {
        const member = h.members.find((m) => m.member.name === step.member)!;
        // A removed member stops by itself once it learns it was removed; the machine goes either way.
        const exitedAlone = await member.process!.waitForExit(3000);
        await h.removeMember(member, 5000);
        return exitedAlone ? 'the removed member had stopped by itself' : 'stopped by the test';
      }
      default:
        throw new Error(`step ${step.number}: unknown action ${String(step.action)}`);
    }
  }

  /** After each step, etcd's membership, the machines and the writer's endpoints are what the step says. */
  private async expectState(step: EtcdStep, learners: Set<string>): Promise<void> {
    const h = this.h;
    const listed = await h.memberList({ endpoints: this.endpointsOf(step.endpoints) });
    const label = `after step ${step.number} (${step.action} ${step.member})`;
    expect({ label, peers: sorted(listed.map((m) => m.peerUrls.join(','))) })
      .toEqual({ label, peers: sorted(step.membership.map((m) => h.toLoopback(m.slice(m.indexOf('=') + 1)))) });
    const learnerPeers = step.membership.filter((m) => learners.has(m.slice(0, m.indexOf('=')))).map((m) => h.toLoopback(m.slice(m.indexOf('=') + 1)));
    expect({
      label,
      learners: sorted(listed.filter((m) => m.isLearner).flatMap((m) => m.peerUrls)),
    }).toEqual({ label, learners: sorted(learnerPeers) });
    expect({ label, machines: sorted(h.members.map((m) => m.member.name)) }).toEqual({ label, machines: sorted(step.machines) });
    // Every machine of a member runs (a removed member stops by itself before its machine goes).
    const inMembership = new Set(step.membership.map((m) => m.slice(0, m.indexOf('='))));
    const mustRun = step.machines.filter((m) => inMembership.has(m));
    expect({
      label,
      running: sorted(h.running.map((m) => m.member.name).filter((m) => inMembership.has(m))),
    }).toEqual({ label, running: sorted(mustRun) });
    expect({ label, writer: sorted(this.writer.currentEndpoints) }).toEqual({
      label,
      writer: sorted(this.endpointsOf(step.endpoints).map((m) => new URL(m.clientUrl).host)),
    });
  }
}

/**
 * Every member healthy, membership exactly `expected` with no learner, the writer live, and every acknowledged key
 * stored.
 */
async function expectSettled(h: EtcdHarness, expected: readonly string[], writer: Writer): Promise<void> {
  await h.waitHealthy(h.members, 20_000);
  if (!writer.stoppedAt) await writer.waitForAcks(10, 10_000);
  const acked = writer.acked;
  const listed = await h.memberList();
  expect(sorted(listed.map((m) => m.name))).toEqual(sorted(expected));
  expect(listed.filter((m) => m.isLearner)).toEqual([]);
  expect(sorted(h.members.map((m) => m.member.name))).toEqual(sorted(expected));
  // Acknowledged before the read started (the writer may still be running).
  const before = acked.slice();
  const stored = await h.readPrefix('/membership/');
  const lost = before.filter((a) => stored.get(a.key) !== a.value).map((a) => a.key);
  expect({ acknowledged: before.length, lost }).toEqual({ acknowledged: before.length, lost: [] });
}

describeWithEngines(`${CLUSTER} (reference estate): etcd 3 → 5, a member replaced, back to 3, with writes running, on real etcd`, ENGINES, (bins) => {
  const tracker = new ProcessTracker();
  const suiteStart = Date.now();
  let h: EtcdHarness;
  let writer: Writer;
  let runner: ProcedureRunner;
  /** The stages: the base (3), the user's change (5), a member moved (5), and the reference estate again (3). */
  let s3: Stage;
  let s5: Stage;
  let sMoved: Stage;
  let sBack: Stage;
  let moved: string;
  /** Phases done so far: each phase starts from the state the one before left. */
  let phasesDone = 0;
  const requirePhases = (phases: number) => {
    if (phasesDone < phases) throw new Error(`an earlier phase failed (${phasesDone} of ${phases} done): this one starts from its end state`);
  };

  beforeAll(async () => {
    s3 = stage(referenceWith(3));
    s5 = stage(referenceWith(5), s3);
    // Move member 1 to the zone of member 2: no zone then holds more than 2 of the 5 members.
    const zones5 = s5.members.map((m) => m.zone);
    moved = s5.members[1].name;
    sMoved = stage(referenceWith(5, zones5.map((z, i) => (i === 1 ? zones5[2] : z))), s5);
    sBack = stage(referenceWith(3), sMoved);
    const joiners = [...s5.members, ...sMoved.members].filter((m) => !s3.members.some((b) => b.index === m.index));
    h = await EtcdHarness.create({
      plan: s3.synthesis.plan.clusters.find((c) => c.name === CLUSTER)!,
      bins,
      tracker,
      rendered: (m) => renderedConfigOf(s3, m.name),
      joiners,
    });
    await h.startAll();
    await h.waitHealthy(h.members, 30_000);
    const [ca, key, cert] = await Promise.all([
      fs.readFile(h.pki.ca.cert),
      fs.readFile(h.pki.controlPlaneClient.key),
      fs.readFile(h.pki.controlPlaneClient.cert),
    ]);
    writer = new Writer({ ca, key, cert }, '/membership/w/', h.runId);
    runner = new ProcedureRunner(h, writer);
  }, 60_000);

  afterAll(async () => {
    await writer?.stop();
    await tracker.stopAll();
    if (h && tracker.alivePids().length === 0) await h.dispose();
  }, 30_000);

  it('starts the 3 members from the base\'s rendered bootstraps (initial-cluster-state new), and the writer through the base\'s endpoints', async () => {
    expect(h.members.map((m) => m.member.name)).toEqual(s3.members.map((m) => m.name));
    for (const m of h.members) {
      expect(m.rendered['initial-cluster-state']).toBe('new');
      expect(m.config['initial-cluster']).toBe(h.members.map((o) => `${o.member.name}=https://${o.loopback}:${s3.members[0].peerUrl.split(':').pop()}`).join(','));
      expect(h.configComplaints(m)).toEqual([]);
    }
    expect(s3.cluster.etcd.endpoints).toEqual(s3.members.map((m) => m.clientUrl));
    writer.setEndpoints(s3.cluster.etcd.endpoints.map((u) => h.memberByClientUrl(u).clientUrl));
    writer.start();
    await waitFor('the writer\'s first acknowledged writes', () => writer.acked.length >= 5, 10_000);
    expect(writer.failed).toEqual([]);
    phasesDone = 1;
  }, 20_000);

  it('3 → 5: the planned steps, executed with the joiners\' rendered bootstraps, make 5 healthy voters', async () => {
    requirePhases(1);
    expect(validateTransition(s3.running, s5.running).filter((p) => p.severity === ProblemSeverity.ERROR)).toEqual([]);
    const procedure = procedureOf(s3, s5);
    expect(procedure).toMatchObject({ from: 3, to: 5, replaced: [] });
    expect(procedure.steps.map((s) => s.action)).toEqual(
      [...Array(2)].flatMap(() => [EtcdStepAction.ADD_LEARNER, EtcdStepAction.START_MEMBER, EtcdStepAction.PROMOTE, EtcdStepAction.ADD_ENDPOINT]),
    );
    // Members that run keep the bootstrap they booted with.
    for (const m of s3.cluster.etcd.members) expect(s5.cluster.etcd.members.find((o) => o.name === m.name)?.bootstrap).toBe(m.bootstrap);
    await runner.execute('3→5', procedure, s5);
    expect(writer.currentEndpoints).toHaveLength(5);
    await expectSettled(h, s5.members.map((m) => m.name), writer);
    phasesDone = 2;
  }, 90_000);

  it('replaces one member (moved to another zone): it leaves, then joins again as a learner, with writes running', async () => {
    requirePhases(2);
    expect(validateTransition(s5.running, sMoved.running).filter((p) => p.severity === ProblemSeverity.ERROR)).toEqual([]);
    const procedure = procedureOf(s5, sMoved);
    expect(procedure).toMatchObject({ from: 5, to: 5, replaced: [moved] });
    expect(procedure.steps.map((s) => s.action)).toEqual([
      EtcdStepAction.REMOVE_ENDPOINT, EtcdStepAction.REMOVE_MEMBER, EtcdStepAction.DELETE_MACHINE,
      EtcdStepAction.ADD_LEARNER, EtcdStepAction.START_MEMBER, EtcdStepAction.PROMOTE, EtcdStepAction.ADD_ENDPOINT,
    ]);
    const before = h.members.find((m) => m.member.name === moved)!;
    await runner.execute('replace', procedure, sMoved);
    const after = h.members.find((m) => m.member.name === moved)!;
    expect(after).not.toBe(before);
    expect(after.dataDir).not.toBe(before.dataDir);
    expect(after.member.zone).toBe(sMoved.members[1].zone);
    await expectSettled(h, sMoved.members.map((m) => m.name), writer);
    phasesDone = 3;
  }, 90_000);

  it('5 → 3 (back to the reference estate): the moved member returns to its zone, two members leave', async () => {
    requirePhases(3);
    expect(validateTransition(sMoved.running, sBack.running).filter((p) => p.severity === ProblemSeverity.ERROR)).toEqual([]);
    const procedure = procedureOf(sMoved, sBack);
    expect(procedure).toMatchObject({ from: 5, to: 3, replaced: [moved] });
    const leaving = procedure.steps.filter((s) => s.action === EtcdStepAction.REMOVE_MEMBER).map((s) => s.member);
    expect(sorted(leaving)).toEqual(sorted([moved, ...s5.members.slice(3).map((m) => m.name)]));
    // The worst case for the writes: the first member to leave leads when it is removed. The second leaver is made
    // the leader too, then hands leadership to a member that stays before it is removed: what that saves.
    const [firstLeaver, secondLeaver] = [s5.members[4].name, s5.members[3].name];
    await runner.execute('5→3', procedure, sBack, async (step) => {
      if (step.action !== EtcdStepAction.REMOVE_MEMBER) return undefined;
      if (step.member === firstLeaver) return `worst case: ${await runner.makeLeader(step.member, step.endpoints)}`;
      if (step.member !== secondLeaver) return undefined;
      const made = await runner.makeLeader(step.member, step.endpoints);
      return `${made}, then handed over first: ${await runner.makeLeader(s3.members[0].name, step.endpoints)}`;
    });
    const removal = (member: string) => runner.records.find((r) => r.phase === '5→3' && r.action === EtcdStepAction.REMOVE_MEMBER && r.member === member)?.note;
    expect(removal(firstLeaver)).toMatch(/it led: /);
    expect(removal(secondLeaver)).toMatch(/handed over first: .*; leader \S+ stayed/);
    expect(writer.currentEndpoints).toHaveLength(3);
    await expectSettled(h, s3.members.map((m) => m.name), writer);
    phasesDone = 4;
  }, 90_000);

  it('loses 0 acknowledged writes; every member healthy; reports the longest gap in writes', async () => {
    requirePhases(4);
    await writer.stop();
    expect(writer.stopReason).toBe('stopped by the test');
    await expectSettled(h, s3.members.map((m) => m.name), writer);
    const health = await h.etcdctl(['endpoint', 'health', '-w', 'json'], { endpoints: h.members });
    expect(health.code).toBe(0);
    expect((JSON.parse(health.stdout) as { health: boolean }[]).map((e) => e.health)).toEqual(h.members.map(() => true));

    // Every member holds every acknowledged key in its own store (a serializable read answered locally).
    for (const m of h.members) {
      const r = await h.etcdctl(['get', '/membership/w/', '--prefix', '--consistency=s', '-w', 'json'], { endpoints: [m] });
      expect(r.code).toBe(0);
      const kvs = (JSON.parse(r.stdout) as { kvs?: { key: string; value: string }[] }).kvs ?? [];
      const local = new Map(kvs.map((kv) => [Buffer.from(kv.key, 'base64').toString('utf8'), Buffer.from(kv.value ?? '', 'base64').toString('utf8')]));
      expect({
        member: m.member.name,
        missing: writer.acked.filter((a) => local.get(a.key) !== a.value).length,
      }).toEqual({ member: m.member.name, missing: 0 });
    }

    const gap = writer.longestGap();
    const writerMs = writer.stoppedAt - writer.startedAt;
    const byAction = new Map<string, number>();
    for (const r of runner.records) byAction.set(r.action, (byAction.get(r.action) ?? 0) + 1);
    const failuresByStep = new Map<string, number>();
    for (const f of writer.failed) failuresByStep.set(f.step, (failuresByStep.get(f.step) ?? 0) + 1);
    const lines = [
      `etcd membership procedure on real etcd (${CLUSTER}): 3 → 5 → member ${moved} moved → 3`,
      `  steps executed: ${runner.records.length} (${[...byAction].map(([a, n]) => `${n} × ${a}`).join(', ')})`,
      '    phase    #  action          member               took      longest write gap  notes',
      ...runner.records.map((r) => {
        const stepGap = writer.longestGap(`${r.phase} step ${r.number} `).ms;
        return `    ${r.phase.padEnd(8)} ${String(r.number).padStart(2)} ${r.action.padEnd(15)} ${r.member.padEnd(20)} ${String(r.ms).padStart(6)} ms ${String(stepGap).padStart(6)} ms          ${r.note ?? ''}`;
      }),
      `  writes acknowledged: ${writer.acked.length} in ${writerMs} ms (one every ${WRITE_INTERVAL_MS} ms, one in flight); not acknowledged: ${writer.failed.length}`,
      ...[...failuresByStep].map(([s, n]) => `    ${n} not acknowledged during ${s}: ${writer.failed.find((f) => f.step === s)!.error}`),
      `  acknowledged keys lost: 0 (all ${writer.acked.length} read back by a linearizable range read)`,
      `  longest gap between acknowledged writes: ${gap.ms} ms, during ${gap.step}`,
      `  members at the end: ${h.members.map((m) => m.member.name).join(', ')} (all healthy, no learner)`,
      `  suite time so far: ${Date.now() - suiteStart} ms`,
    ];
    // eslint-disable-next-line no-console
    console.log(lines.join('\n'));
    expect(writer.acked.length).toBeGreaterThan(100);
    // A bound, not a target: the worst gap is an election after the leader leaves (election timeout 1 s here).
    expect(gap.ms).toBeLessThan(10_000);
  }, 60_000);

  it('leaves no etcd process behind', async () => {
    const pids = tracker.pids;
    expect(pids.length).toBeGreaterThanOrEqual(3 + 2 + 2);
    await tracker.stopAll();
    expect(tracker.alivePids()).toEqual([]);
    expect(pids.filter(pidAlive)).toEqual([]);
  }, 30_000);
});

describeWithEngines(`${CLUSTER}: today's one-shot re-render (no base) of 3 → 5 cannot join the running etcd`, ENGINES, (bins) => {
  const tracker = new ProcessTracker();
  let h: EtcdHarness;
  let s3: Stage;
  let naive: Stage;
  let newcomers: HarnessMember[] = [];

  beforeAll(async () => {
    s3 = stage(referenceWith(3));
    naive = stage(referenceWith(5));
    h = await EtcdHarness.create({
      plan: s3.synthesis.plan.clusters.find((c) => c.name === CLUSTER)!,
      bins,
      tracker,
      rendered: (m) => renderedConfigOf(s3, m.name),
      joiners: naive.members.slice(3),
    });
    await h.startAll();
    await h.waitHealthy(h.members, 30_000);
  }, 60_000);

  afterAll(async () => {
    await tracker.stopAll();
    if (h && tracker.alivePids().length === 0) await h.dispose();
  }, 30_000);

  it('renders every member as a new cluster of 5, and points the API servers at all 5', () => {
    expect(naive.members).toHaveLength(5);
    const everyone = naive.members.map((m) => `${m.name}=${m.peerUrl}`).join(',');
    for (const m of naive.members) {
      const config = renderedConfigOf(naive, m.name);
      expect(config['initial-cluster-state']).toBe('new');
      expect(config['initial-cluster']).toBe(everyone);
    }
    expect(naive.cluster.etcd.endpoints).toEqual(naive.members.map((m) => m.clientUrl));
  });

  it('the 2 new members, started as rendered, never join: not healthy, not in member list; the 3 keep serving', async () => {
    const before = await h.putMany('/naive/before/', 10);
    expect(before.failed).toEqual([]);
    for (const planned of naive.members.slice(3)) newcomers.push(await h.addMember(planned, renderedConfigOf(naive, planned.name)));
    newcomers = newcomers.sort((a, b) => a.member.index - b.member.index);
    await h.startAll(newcomers);

    const deadline = Date.now() + NAIVE_WAIT_MS;
    let probes = 0;
    while (Date.now() < deadline) {
      probes++;
      for (const m of newcomers) {
        if (m.process!.running) expect({
          member: m.member.name,
          healthy: await h.healthy(m, 1000),
        }).toEqual({ member: m.member.name, healthy: false });
      }
      await sleep(500);
    }
    const original = h.members.filter((m) => !newcomers.includes(m));
    const listed = await h.memberList({ endpoints: original });
    expect(sorted(listed.map((m) => m.name))).toEqual(sorted(s3.members.map((m) => m.name)));
    expect(listed.some((m) => newcomers.some((n) => m.peerUrls.includes(`https://${n.loopback}:${new URL(n.member.peerUrl).port}`)))).toBe(false);

    // The running cluster still serves: writes through its own members, and the earlier ones are there.
    const after = await h.putMany('/naive/after/', 10, { endpoints: original });
    expect(after.failed).toEqual([]);
    const stored = await h.readPrefix('/naive/', { endpoints: original });
    for (const [k, v] of [...before.acked, ...after.acked]) expect(stored.get(k)).toBe(v);

    // What etcd said: the running members refuse the newcomers' cluster (another cluster ID: other initial-cluster).
    const refusals = original.flatMap((m) => h.logEntries(m)).map((e) => `${String(e.msg)} ${String(e['local-member-cluster-id'] ?? '')} ${String(e['remote-peer-cluster-id'] ?? '')}`)
      .filter((line) => /cluster ID mismatch|cluster-id mismatch/i.test(line));
    const newcomerLogs = newcomers.flatMap((m) => h.logEntries(m));
    const newcomerLeader = newcomerLogs.some((e) => /elected leader|became leader/.test(String(e.msg)));
    const exits = newcomers.map((m) => `${m.member.name}: ${m.process!.running ? 'still running, never healthy' : `exited ${JSON.stringify(m.process!.exit)}`}`);
    // eslint-disable-next-line no-console
    console.log([
      `one-shot re-render (no base) of ${CLUSTER} 3 → 5, on real etcd:`,
      `  ${newcomers.map((m) => m.member.name).join(' and ')} started with initial-cluster-state new and a 5-member initial-cluster`,
      `  after ${NAIVE_WAIT_MS} ms (${probes} health probes each): ${exits.join('; ')}`,
      `  member list of the running cluster: ${listed.map((m) => m.name).join(', ')}`,
      `  running members logged ${refusals.length} cluster ID mismatch refusal(s)${refusals[0] ? `, e.g. "${refusals[0].trim()}"` : ''}`,
      `  the running 3 kept serving: ${before.acked.size + after.acked.size} writes acknowledged, all read back`,
    ].join('\n'));
    expect(refusals.length).toBeGreaterThan(0);
    expect(newcomerLeader).toBe(false);
  }, 60_000);

  it('leaves no etcd process behind', async () => {
    await tracker.stopAll();
    expect(tracker.alivePids()).toEqual([]);
  }, 30_000);
});
