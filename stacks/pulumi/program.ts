import * as fs from 'fs';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import {
  Estate, formatProblem, Problem, ProblemSeverity, PromotionStatus, readRunningEstate, RunningEstate, stageEtcdProcedures,
  stageNotices, Synthesis, synthesize, validateTransition,
} from '../../constructs/internal';
import { fileObjects, loadSnapshotDir, targetOf } from '../diff';
import { loadEstate } from '../estates';
import { StackConfigError, toRunError } from './errors';
import { EstateTarget } from './estate-target';
import { checkClusterPin, kubeconfigIdentity, KubeconfigIdentity } from './kubeconfig';
import { checkNamesAgainstEstate, CONFIG_KEYS, MANAGEMENT, PROJECT, readStackSettings, StackSettings } from './settings';
import { AbsentClusterState, ClusterReport, countByKind, Notice, planTarget, TargetPlan } from './target-plan';

/** Where the program prints its notices; tests pass their own. */
export interface StackLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface EstateStackOptions {
  /**
   * Synthesizes the estate at as-of, against what runs when the stack has applied before (`base`). Tests and the
   * bench pass their own to add cluster targets. @default synthesize
   */
  readonly synthesize?: (estate: Estate, asOf: Date, base?: RunningEstate) => Synthesis;
  /**
   * Reads what the management stack applied last (its `running` output), or undefined before its first update.
   * @default - the stack's own outputs, through a StackReference to itself
   */
  readonly readApplied?: () => Promise<RunningEstate | undefined>;
  /**
   * Whether the management stack has been updated before (by any release of this program), whatever its outputs.
   * @default - whether the stack's own outputs hold `objects`, which every update writes
   */
  readonly appliedBefore?: () => Promise<boolean>;
  /**
   * Reads `cluster-estate:baseDir` (an absolute path) as what runs.
   * @default - the folder's management target, read as `estate check --base-dir` reads it
   */
  readonly readBaseDir?: (dir: string) => RunningEstate;
  /** Loads the estate by name or path. @default loadEstate, relative to the project root */
  readonly loadEstate?: (nameOrPath: string) => Estate;
  /** @default pulumi.log */
  readonly log?: StackLog;
  /** The time used when no as-of is configured. @default new Date() */
  readonly now?: () => Date;
}

/** The stack's outputs. `kubeconfigs` is a secret; nothing else holds a secret. */
export interface EstateStackOutputs {
  readonly estate: string;
  readonly target: string;
  readonly asOf: string;
  readonly promotions: readonly PromotionStatus[];
  /** Per cluster: API endpoint, group, promotion phase, capacity and whether its guarded objects are protected. */
  readonly clusters: Readonly<Record<string, ClusterReport>>;
  readonly absentClusters: readonly AbsentClusterState[];
  /** Synthesized objects applied by this stack, in total and by kind. */
  readonly objects: number;
  readonly objectsByKind: Record<string, number>;
  /** Resources registered under the target's component, known once all are registered. */
  readonly resources: pulumi.Output<number>;
  /** The cluster the kubeconfig points at (not secret): its API server and fingerprint. */
  readonly kubeconfigServer?: string;
  readonly clusterFingerprint?: string;
  /** Management stack: cluster name → Cluster API kubeconfig, a secret. */
  readonly kubeconfigs?: pulumi.Output<Record<string, string>>;
  /**
   * Management stack: what this update applies, read as a running estate: the next update judges its change against
   * it and takes the next etcd membership step from it. A secret only so that `pulumi up` does not print it (it holds
   * every etcd member's bootstrap); it carries no key material.
   */
  readonly running?: pulumi.Output<RunningEstate>;
  readonly notices: readonly string[];
}

/** The project root: the nearest folder holding Pulumi.yaml, from the working directory up. */
export function projectRoot(from: string = process.cwd()): string {
  let dir = path.resolve(from);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'Pulumi.yaml'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(from);
    dir = parent;
  }
}

const pulumiLog: StackLog = { info: (m) => pulumi.log.info(m), warn: (m) => pulumi.log.warn(m) };

/** Reads the kubeconfig text the settings point at; a StackReference's value is awaited (it stays a secret downstream). */
async function readKubeconfig(settings: StackSettings, plan: TargetPlan): Promise<{ text: string; source: string }> {
  const source = settings.kubeconfig;
  const k = (name: string) => `${PROJECT}:${name}`;
  if (!source) {
    throw new StackConfigError(
      `no kubeconfig for target ${plan.target}: neither ${k(CONFIG_KEYS.kubeconfig)} nor ${k(CONFIG_KEYS.managementStack)} is set`,
      plan.kind === 'management'
        ? `cat <management-cluster-kubeconfig> | pulumi config set --secret ${k(CONFIG_KEYS.kubeconfig)}`
        : `pulumi config set ${k(CONFIG_KEYS.managementStack)} <org>/${PROJECT}/management (or cat <kubeconfig> | pulumi config set --secret ${k(CONFIG_KEYS.kubeconfig)})`,
    );
  }
  if (source.from === 'config') return { text: source.text(), source: k(CONFIG_KEYS.kubeconfig) };
  const ref = new pulumi.StackReference(source.stack);
  const details = await ref.getOutputDetails('kubeconfigs');
  const all = (details.secretValue ?? details.value) as Record<string, unknown> | undefined;
  const text = all?.[plan.target];
  if (typeof text !== 'string' || text === '') {
    throw new StackConfigError(
      `the management stack ${source.stack} exports no kubeconfig for ${plan.target} (its output kubeconfigs has ${all ? Object.keys(all).sort().join(', ') || 'none' : 'not been written yet'})`,
      `once Cluster API has provisioned ${plan.target} (kubectl get cluster -n ${plan.target} ${plan.target}), add it to ${k(CONFIG_KEYS.exportKubeconfigs)} of the management stack and run pulumi up there; or give this stack its own: cat <kubeconfig> | pulumi config set --secret ${k(CONFIG_KEYS.kubeconfig)}`,
    );
  }
  return { text, source: `the ${source.stack} stack's kubeconfigs output` };
}

/**
 * The program of one stack: loads the estate, synthesizes it at as-of, plans the target, checks the kubeconfig
 * against the pinned cluster, and registers the target's resources. Returns the stack outputs. Throws
 * StackConfigError and the estate's typed errors for anything the user can fix.
 */
export async function estateStack(settings: StackSettings, options: EstateStackOptions = {}): Promise<EstateStackOutputs> {
  const log = options.log ?? pulumiLog;
  const estate = (options.loadEstate ?? ((n: string) => loadEstate(n, projectRoot())))(settings.estate);
  checkNamesAgainstEstate(settings, estate.name, estate.clusters.map((c) => c.name));
  const asOf = settings.asOf ?? (options.now ?? (() => new Date()))();
  const management = settings.target === MANAGEMENT;
  const base = management ? await managementBase(settings, options, log) : undefined;
  const applied = base?.running;
  const synthesized = (options.synthesize ?? ((e: Estate, t: Date, b?: RunningEstate) => synthesize(e, { asOf: t, ...(b ? { base: b } : {}) })))(
    estate,
    asOf,
    applied,
  );
  const day2 = management ? stageManagement(synthesized, applied) : undefined;
  const synthesis = day2?.synthesis ?? synthesized;
  const plan = planTarget(
    synthesis,
    {
      target: settings.target,
      releaseProtection: settings.releaseProtection,
      exportKubeconfigs: settings.exportKubeconfigs,
      releaseObjects: day2?.releasedKeys,
    },
  );

  let identity: KubeconfigIdentity | undefined;
  let kubeconfig: pulumi.Output<string> | undefined;
  if (plan.exists && settings.renderYamlToDirectory === undefined) {
    const { text, source } = await readKubeconfig(settings, plan);
    identity = kubeconfigIdentity(text, source);
    checkClusterPin({ target: plan.target, identity, pinned: settings.clusterFingerprint, source, expectedEndpoint: plan.expectedEndpoint });
    kubeconfig = pulumi.secret(text);
  }

  for (const w of synthesis.warnings) log.warn(`estate warning ${w.rule} at ${w.path}: ${w.message}`);
  for (const w of day2?.warnings ?? []) log.warn(`risky transition ${w.rule} at ${w.path}: ${w.message}. ${w.fix}`);
  for (const n of day2?.notices ?? []) log.warn(n);
  for (const n of base?.notices ?? []) log.warn(n);
  for (const n of plan.notices) (n.level === 'warn' ? log.warn : log.info)(n.message);

  const target = new EstateTarget(settings.target, {
    plan,
    kubeconfig,
    clusterIdentifier: `${plan.estate}/${plan.target}`,
    ...(settings.renderYamlToDirectory !== undefined ? { renderYamlToDirectory: path.resolve(projectRoot(), settings.renderYamlToDirectory) } : {}),
  });
  return {
    estate: plan.estate,
    target: plan.target,
    asOf: plan.asOf,
    promotions: plan.promotions,
    clusters: plan.clusters,
    absentClusters: plan.absentClusters,
    objects: plan.objects.length,
    objectsByKind: countByKind(plan.objects),
    resources: target.resourceCount,
    ...(identity ? { kubeconfigServer: identity.server, clusterFingerprint: identity.fingerprint } : {}),
    ...(plan.kind === MANAGEMENT ? { kubeconfigs: target.kubeconfigs } : {}),
    ...(day2 ? { running: pulumi.secret(day2.running) } : {}),
    notices: [...plan.notices.map((n: Notice) => `${n.level}: ${n.message}`), ...[...(base?.notices ?? []), ...(day2?.notices ?? [])].map((n) => `warn: ${n}`)],
  };
}

/** The stack's own outputs, through one StackReference to itself (a second one would have the same URN). */
function ownStackOutputs(): (name: string) => Promise<unknown> {
  let self: pulumi.StackReference | undefined;
  return async (name: string) => {
    self ??= new pulumi.StackReference(`${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`);
    const details = await self.getOutputDetails(name);
    return details.secretValue ?? details.value;
  };
}

/** Reads a folder `estate synth` wrote as what runs: its management objects. */
function readBaseDirAsRunning(dir: string): RunningEstate {
  const snapshot = loadSnapshotDir(dir);
  const objects = snapshot.files.filter((f) => targetOf(f) === MANAGEMENT).flatMap((f) => [...fileObjects(f)]);
  return readRunningEstate(snapshot.estate, objects);
}

/**
 * What the management stack judges this update against: its own `running` output (what it applied last), else the
 * folder `cluster-estate:baseDir` names. Without either on a stack that has been updated before (by a release
 * before content-named templates, which wrote no `running` output), every template would get its content name and
 * every MachineDeployment and control plane repoint at one, rolling every machine: that is said loudly.
 */
async function managementBase(
  settings: StackSettings,
  options: EstateStackOptions,
  log: StackLog,
): Promise<{ running?: RunningEstate; notices: string[] }> {
  const outputs = ownStackOutputs();
  const readApplied = options.readApplied ?? (async () => {
    const value = (await outputs('running')) as RunningEstate | undefined;
    return value && Array.isArray(value.clusters) ? value : undefined;
  });
  const running = await readApplied();
  const baseKey = `${PROJECT}:${CONFIG_KEYS.baseDir}`;
  if (running) {
    if (settings.baseDir) log.info(`${baseKey} is ignored: the stack's own running output says what it applied last (pulumi config rm ${baseKey})`);
    return { running, notices: [] };
  }
  if (settings.baseDir) {
    const dir = path.resolve(projectRoot(), settings.baseDir);
    let base: RunningEstate;
    try {
      base = (options.readBaseDir ?? readBaseDirAsRunning)(dir);
    } catch (e) {
      throw new StackConfigError(`${baseKey} ${settings.baseDir}: ${(e as Error).message}`, `write it with the release that applied last: estate synth --as-of <its as-of> --out <dir>, then pulumi config set ${baseKey} <dir>/<estate>`);
    }
    if (base.clusters.length === 0) {
      throw new StackConfigError(
        `${baseKey} ${settings.baseDir} holds no cluster of a management target`,
        `point it at the <out>/<estate> folder that estate synth wrote for what runs (it holds estate.json and management/)`,
      );
    }
    log.info(`judging this update against ${settings.baseDir} (${baseKey}): the stack has no running output yet`);
    return { running: base, notices: [] };
  }
  const before = await (options.appliedBefore ?? (async () => typeof (await outputs('objects')) === 'number'))();
  if (!before) return { notices: [] };
  return {
    notices: [
      `NO BASE: this stack has been updated before, but it has no running output (a release before content-named templates applied it) and ${baseKey} is not set. ` +
      'Every machine template gets a new name and every MachineDeployment and control plane is repointed at one: EVERY MACHINE OF EVERY CLUSTER ROLLS, ' +
      'and no transition is judged. Before pulumi up: with the release that applied last, estate synth --as-of <its as-of> --out running, ' +
      `then pulumi config set ${baseKey} running/<estate>; equal templates then keep the names that run. Or accept the roll knowingly.`,
    ],
  };
}

/**
 * The management target staged for this update, judged against what it applied last: a refused transition stops the
 * update with every problem and its fix; an etcd membership change applies its next controller step only.
 */
function stageManagement(
  synthesis: Synthesis,
  applied: RunningEstate | undefined,
): { synthesis: Synthesis; releasedKeys: readonly string[]; notices: string[]; warnings: Problem[]; running: RunningEstate } {
  const objects = synthesis.targets.find((t) => t.name === MANAGEMENT)?.objects ?? [];
  if (!applied) return { synthesis, releasedKeys: [], notices: [], warnings: [], running: readRunningEstate(synthesis.plan.estate, objects) };
  const head = readRunningEstate(synthesis.plan.estate, objects);
  const problems = validateTransition(applied, head, { plan: synthesis.plan });
  const refused = problems.filter((p) => p.severity === ProblemSeverity.ERROR);
  if (refused.length > 0) {
    throw new StackConfigError(
      `the estate cannot move from what this stack applied last to what it declares now: ${refused.length} refused transition(s):\n${refused.map((p) => `  - ${formatProblem(p)}`).join('\n')}`,
      'fix each as it says (estate check --base-dir <last applied synthesis> shows the same), then run the update again',
    );
  }
  const staged = stageEtcdProcedures(objects, applied, head);
  const targets = synthesis.targets.map((t) => (t.name === MANAGEMENT ? { ...t, objects: staged.objects } : t));
  return {
    synthesis: { ...synthesis, targets },
    releasedKeys: staged.releasedKeys,
    notices: stageNotices(staged.stages),
    warnings: problems.filter((p) => p.severity === ProblemSeverity.WARNING),
    running: readRunningEstate(synthesis.plan.estate, staged.objects),
  };
}

/** Whether a configuration key is stored as a secret (the SDK's own check, which its typings do not export). */
function isConfigSecret(fullKey: string): boolean {
  const check = (pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean }).isConfigSecret;
  return check ? check(fullKey) : true;
}

/**
 * The entry point Pulumi runs (stacks/index.ts): reads the stack configuration and runs `estateStack`. Problems the
 * user can fix (bad configuration, an unknown estate or target, an invalid estate, a kubeconfig pointing at another
 * cluster) stop it with one message that says how to fix them, never a stack trace.
 */
export async function runStackFromConfig(options: EstateStackOptions = {}): Promise<EstateStackOutputs> {
  try {
    const settings = readStackSettings(pulumi.runtime.allConfig(), isConfigSecret);
    return await estateStack(settings, options);
  } catch (e) {
    throw toRunError(e);
  }
}
