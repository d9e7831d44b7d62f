/**
 * Changing the membership of a live etcd, one member at a time, as etcd's runtime reconfiguration guide asks: a
 * joiner is added as a learner, started with `initial-cluster-state: existing`, and promoted once it has caught up;
 * a leaving member is removed from the cluster before its machine goes. The API servers gain a member's endpoint
 * only after it serves as a voter, and lose it before it leaves.
 *
 * A procedure is plain data: the controllers (Pulumi, Cluster API) run the steps that change objects, an operator
 * runs the `etcdctl` steps from the runbook line each carries.
 */
import { RunningEtcd } from './running-state';

/** What one step does. */
export enum EtcdStepAction {
  /** `etcdctl member add --learner`: the cluster expects the joiner, which does not vote yet. */
  ADD_LEARNER = 'add-learner',
  /** The joiner's machine is created; it boots with `initial-cluster-state: existing` and catches up. */
  START_MEMBER = 'start-member',
  /** `etcdctl member promote`: etcd refuses it until the learner has caught up with the leader. */
  PROMOTE = 'promote',
  /** The KubeadmControlPlane's `etcd.external.endpoints` gains the member (the control plane rolls). */
  ADD_ENDPOINT = 'add-endpoint',
  /** The KubeadmControlPlane's `etcd.external.endpoints` loses the member (the control plane rolls). */
  REMOVE_ENDPOINT = 'remove-endpoint',
  /** `etcdctl member remove`: the cluster forgets the member; quorum is counted without it. */
  REMOVE_MEMBER = 'remove-member',
  /** The member's machine and bootstrap are deleted (their protection is released by the step before). */
  DELETE_MACHINE = 'delete-machine',
}

/** Who runs a step. */
export enum EtcdStepRunner {
  /** An apply (`pulumi up`) changes objects, and Cluster API acts on them. */
  CONTROLLERS = 'controllers',
  /** A person (or a job they audit) runs the step's `etcdctl` command against the running cluster. */
  OPERATOR = 'operator',
}

/** The `etcdctl` call of an operator step, as data. */
export interface EtcdctlCall {
  /** `member add`, `member promote` or `member remove`. */
  readonly verb: 'member add' | 'member promote' | 'member remove';
  readonly member: string;
  /** For `member add`: the joiner's peer URL. */
  readonly peerUrl?: string;
  /**
   * For `member remove`: a member that stays, to hand leadership to first. etcd 3.4 does not hand it over by itself:
   * removing the leader leaves the cluster without one for an election timeout or more.
   */
  readonly moveLeaderTo?: string;
  /** For `member remove`: the leaving member's client URL (its endpoint has left the API servers already). */
  readonly memberClientUrl?: string;
  /** The client URLs to talk to (the members that serve at that point). */
  readonly endpoints: readonly string[];
  readonly tls: RunningEtcd['clientTls'];
}

/** One step of a procedure. */
export interface EtcdStep {
  /** 1-based position in the procedure. */
  readonly number: number;
  readonly action: EtcdStepAction;
  readonly runner: EtcdStepRunner;
  readonly member: string;
  /** One line a reviewer reads: `add charging-sh1-etcd-3 as a learner`. */
  readonly summary: string;
  /** For operator steps: the command, as data. */
  readonly etcdctl?: EtcdctlCall;
  /** For operator steps: the command as a shell line to paste on a control-plane machine. */
  readonly runbook?: string;
  /** etcd's membership after the step (voters and learners), `name=peer-url`, by member index. */
  readonly membership: readonly string[];
  /** Members that have a machine after the step. */
  readonly machines: readonly string[];
  /** The API servers' etcd endpoints after the step. */
  readonly endpoints: readonly string[];
}

/** A member as the head wants it. */
export interface DesiredEtcdMember {
  readonly name: string;
  readonly index: number;
  readonly zone: string;
  readonly peerUrl: string;
  readonly clientUrl: string;
}

/** The steps that take one cluster's etcd from what runs to what the head declares. */
export interface EtcdProcedure {
  readonly cluster: string;
  readonly path: string;
  /** Members with a machine before, and members wanted after. */
  readonly from: number;
  readonly to: number;
  /** Members that leave and come back (moved to another zone, or named for replacement). */
  readonly replaced: readonly string[];
  readonly steps: readonly EtcdStep[];
}

/** Options of `planEtcdProcedure`. */
export interface PlanEtcdOptions {
  /** Members to replace even though nothing about them changed (a repaired machine). @default - none */
  readonly replace?: readonly string[];
}

interface State {
  membership: Map<string, string>;
  machines: Set<string>;
  endpoints: string[];
}

/** The environment etcdctl reads its endpoints and client certificate from (etcdctl's own ETCDCTL_* variables). */
export function etcdctlEnvironment(call: Pick<EtcdctlCall, 'endpoints' | 'tls'>): Record<string, string> {
  return { ETCDCTL_API: '3', ETCDCTL_ENDPOINTS: call.endpoints.join(','), ETCDCTL_CACERT: call.tls.caFile, ETCDCTL_CERT: call.tls.certFile, ETCDCTL_KEY: call.tls.keyFile };
}

/** The shell line of an etcdctl call: what an operator pastes on a control-plane machine. */
export function runbookLine(call: EtcdctlCall): string {
  const env = Object.entries(etcdctlEnvironment(call)).map(([k, v]) => `${k}=${v}`).join(' ');
  // Members are addressed by id; `member list` maps the name to it.
  const id = (name: string) => `"$(etcdctl member list | awk -F', ' '$3 == "${name}" {print $1}')"`;
  if (call.verb === 'member add') return `export ${env}; etcdctl member add ${call.member} --learner --peer-urls=${call.peerUrl}`;
  if (call.verb === 'member remove' && call.moveLeaderTo && call.memberClientUrl) {
    // Asked of the leaving member itself: it hands leadership over if it leads, and answers "no leader" otherwise.
    return `export ${env}; etcdctl --endpoints=${call.memberClientUrl} move-leader ${id(call.moveLeaderTo)} || true; etcdctl member remove ${id(call.member)}`;
  }
  return `export ${env}; etcdctl ${call.verb} ${id(call.member)}`;
}

/**
 * Plans the steps from the running etcd to the desired members, one member per step: joiners first (the cluster
 * only gains fault tolerance), then replacements (leave, then join again), then leavers, highest index first.
 * A re-addressed member (same name, another URL) is replaced like a moved one; transition validation refuses more
 * than one per change.
 */
export function planEtcdProcedure(
  cluster: string,
  path: string,
  running: RunningEtcd,
  desired: readonly DesiredEtcdMember[],
  options: PlanEtcdOptions = {},
): EtcdProcedure {
  const runningByName = new Map(running.members.map((m) => [m.name, m]));
  const desiredByName = new Map(desired.map((m) => [m.name, m]));
  const replaceNames = new Set(options.replace ?? []);
  const state: State = {
    membership: new Map(running.members.map((m) => [m.name, m.peerUrl])),
    machines: new Set(running.members.map((m) => m.name)),
    endpoints: [...running.endpoints],
  };
  const steps: EtcdStep[] = [];
  const order = (names: Iterable<string>, index: (n: string) => number) => [...names].sort((a, b) => index(a) - index(b));
  const indexOf = (name: string) => desiredByName.get(name)?.index ?? runningByName.get(name)?.index ?? 0;

  const push = (action: EtcdStepAction, member: string, summary: string, etcdctl?: Omit<EtcdctlCall, 'endpoints' | 'tls'>) => {
    const call: EtcdctlCall | undefined = etcdctl ? { ...etcdctl, endpoints: [...state.endpoints], tls: running.clientTls } : undefined;
    switch (action) {
      case EtcdStepAction.ADD_LEARNER: state.membership.set(member, desiredByName.get(member)!.peerUrl); break;
      case EtcdStepAction.START_MEMBER: state.machines.add(member); break;
      case EtcdStepAction.ADD_ENDPOINT: state.endpoints = endpointsInOrder(
        [...state.endpoints, desiredByName.get(member)!.clientUrl],
        desired,
        running,
      ); break;
      case EtcdStepAction.REMOVE_ENDPOINT: state.endpoints = state.endpoints.filter((e) => e !== runningByName.get(member)?.clientUrl); break;
      case EtcdStepAction.REMOVE_MEMBER: state.membership.delete(member); break;
      case EtcdStepAction.DELETE_MACHINE: state.machines.delete(member); break;
      default: break;
    }
    const operator = action === EtcdStepAction.ADD_LEARNER || action === EtcdStepAction.PROMOTE || action === EtcdStepAction.REMOVE_MEMBER;
    steps.push({
      number: steps.length + 1,
      action,
      runner: operator ? EtcdStepRunner.OPERATOR : EtcdStepRunner.CONTROLLERS,
      member,
      summary,
      ...(call ? { etcdctl: call, runbook: runbookLine(call) } : {}),
      membership: order(state.membership.keys(), indexOf).map((n) => `${n}=${state.membership.get(n)}`),
      machines: order(state.machines, indexOf),
      endpoints: [...state.endpoints],
    });
  };

  const join = (m: DesiredEtcdMember) => {
    push(EtcdStepAction.ADD_LEARNER, m.name, `add ${m.name} (zone ${m.zone}) to the cluster as a learner`, { verb: 'member add', member: m.name, peerUrl: m.peerUrl });
    push(EtcdStepAction.START_MEMBER, m.name, `create ${m.name}'s machine: it joins the existing cluster and catches up`);
    push(EtcdStepAction.PROMOTE, m.name, `promote ${m.name} to a voting member once it has caught up`, { verb: 'member promote', member: m.name });
    push(EtcdStepAction.ADD_ENDPOINT, m.name, `add ${m.name}'s endpoint to the API servers (the control plane rolls)`);
  };
  const leave = (name: string) => {
    const endpoint = runningByName.get(name)?.clientUrl;
    if (endpoint !== undefined && state.endpoints.includes(endpoint)) push(EtcdStepAction.REMOVE_ENDPOINT, name, `remove ${name}'s endpoint from the API servers (the control plane rolls)`);
    // Leadership goes to the lowest member that stays, should the leaver lead.
    const stays = [...state.membership.keys()]
      .filter((n) => n !== name && (desiredByName.has(n) || !runningByName.has(n)))
      .sort((a, b) => indexOf(a) - indexOf(b))[0];
    push(EtcdStepAction.REMOVE_MEMBER, name, `remove ${name} from the cluster${stays ? ` (handing leadership to ${stays} first, should it lead)` : ''}`, { verb: 'member remove', member: name, ...(stays && endpoint ? { moveLeaderTo: stays, memberClientUrl: endpoint } : {}) });
    push(EtcdStepAction.DELETE_MACHINE, name, `delete ${name}'s machine`);
  };

  const joiners = desired.filter((m) => !runningByName.has(m.name));
  // A member that moves (zone or address) or is named for replacement leaves, then joins again.
  const replaced = desired.filter((m) => {
    const r = runningByName.get(m.name);
    return r !== undefined && (r.zone !== m.zone || r.peerUrl !== m.peerUrl || r.clientUrl !== m.clientUrl || replaceNames.has(m.name));
  });
  // A member that runs but never got its endpoint (a join stopped half way) finishes its join.
  const unfinished = desired.filter((m) => {
    const r = runningByName.get(m.name);
    return r !== undefined && !replaced.includes(m) && r.peerUrl === m.peerUrl && !running.endpoints.includes(r.clientUrl);
  });
  for (const m of unfinished) {
    push(EtcdStepAction.PROMOTE, m.name, `promote ${m.name} to a voting member once it has caught up`, { verb: 'member promote', member: m.name });
    push(EtcdStepAction.ADD_ENDPOINT, m.name, `add ${m.name}'s endpoint to the API servers (the control plane rolls)`);
  }
  for (const m of [...joiners].sort((a, b) => a.index - b.index)) join(m);
  for (const m of [...replaced].sort((a, b) => a.index - b.index)) {
    leave(m.name);
    join(m);
  }
  const leavers = running.members.filter((m) => !desiredByName.has(m.name)).sort((a, b) => b.index - a.index);
  for (const m of leavers) leave(m.name);

  return { cluster, path, from: running.members.length, to: desired.length, replaced: replaced.map((m) => m.name), steps };
}

/** Endpoints in member-index order, so that a procedure's last step matches what a fresh synthesis renders. */
function endpointsInOrder(endpoints: readonly string[], desired: readonly DesiredEtcdMember[], running: RunningEtcd): string[] {
  const rank = new Map<string, number>();
  for (const m of running.members) rank.set(m.clientUrl, m.index);
  for (const m of desired) rank.set(m.clientUrl, m.index);
  return [...new Set(endpoints)].sort((a, b) => (rank.get(a) ?? 0) - (rank.get(b) ?? 0));
}

/**
 * The `initial-cluster` a joiner starts with: etcd's membership right after the joiner was added as a learner
 * (every member at that point, itself included). Undefined when the procedure does not add the member.
 */
export function joinerInitialCluster(procedure: EtcdProcedure, member: string): string | undefined {
  const added = [...procedure.steps].reverse().find((s) => s.action === EtcdStepAction.ADD_LEARNER && s.member === member);
  return added?.membership.join(',');
}

/** The first step the controllers run, and the operator steps that must be done before it. */
export function nextControllerStep(procedure: EtcdProcedure): { readonly before: readonly EtcdStep[]; readonly step?: EtcdStep } {
  const index = procedure.steps.findIndex((s) => s.runner === EtcdStepRunner.CONTROLLERS);
  if (index < 0) return { before: procedure.steps };
  return { before: procedure.steps.slice(0, index), step: procedure.steps[index] };
}
