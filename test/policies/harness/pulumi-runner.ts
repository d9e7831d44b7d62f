/**
 * A small, faithful stand-in for the Pulumi engine's side of policy evaluation, for tests (the policy SDK has no
 * test harness of its own).
 *
 * 1. `recordStack` runs a Pulumi program under `pulumi.runtime.setMocks` and records every RegisterResource request
 *    exactly as the SDK sent it (type, name, parent, inputs as a protobuf Struct, options, dependencies) and the
 *    mock's answer (URN, outputs).
 * 2. `analyzeStack` replays them as the engine does with a policy pack: `Analyze` once per resource with its inputs
 *    and options, then `AnalyzeStack` once with every resource's outputs, parent and dependencies. Both go through
 *    @pulumi/policy's own RPC handlers (`makeAnalyzeRpcFun`, `makeAnalyzeStackRpcFun` from its server module), so
 *    enforcement levels, not-applicable handling, message formatting and unknown values during preview behave as
 *    under `pulumi preview --policy-pack`; only the gRPC transport is skipped.
 *
 * Not reproduced: the `configure` RPC (policy config comes through the adapter's options instead; the process test
 * exercises it), remediations, and provider resources (the engine would add the default Kubernetes provider).
 */
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import type { EnforcementLevel, Policies, Severity } from '@pulumi/policy';
import * as analyzerproto from '@pulumi/pulumi/proto/analyzer_pb';

// The Struct class analyzer_pb itself uses (the request's properties must be of it).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const structproto = require(require.resolve('google-protobuf/google/protobuf/struct_pb', { paths: [path.dirname(require.resolve('@pulumi/pulumi/proto/analyzer_pb'))] })) as typeof import('google-protobuf/google/protobuf/struct_pb');

type Rpc = (call: { request: unknown }, callback: (err: unknown, response?: analyzerproto.AnalyzeResponse) => void) => Promise<void>;
interface PolicyServer {
  makeAnalyzeRpcFun(name: string, version: string, enforcement: EnforcementLevel, policies: Policies): Rpc;
  makeAnalyzeStackRpcFun(name: string, version: string, enforcement: EnforcementLevel, policies: Policies): Rpc;
}
interface PolicyProtoUtil {
  makeAnalyzerInfo(
    name: string,
    version: string,
    enforcement: EnforcementLevel,
    args: { policies: Policies },
    initialConfig?: unknown,
  ): analyzerproto.AnalyzerInfo;
}
// The handlers the pack's gRPC server registers (internal to @pulumi/policy 1.21.0, pinned in package.json).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const server = require('@pulumi/policy/server') as PolicyServer;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const protoutil = require('@pulumi/policy/protoutil') as PolicyProtoUtil;

/** One resource as the program registered it and the (mock) provider answered. */
export interface RecordedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly parent: string;
  /** Inputs, exactly as serialized by the SDK. */
  readonly inputs: import('google-protobuf/google/protobuf/struct_pb').Struct;
  /** Outputs, as the mock returned them. */
  readonly outputs: import('google-protobuf/google/protobuf/struct_pb').Struct;
  readonly protect: boolean;
  readonly ignoreChanges: string[];
  readonly deleteBeforeReplace?: boolean;
  readonly additionalSecretOutputs: string[];
  readonly aliases: string[];
  readonly dependencies: string[];
  readonly propertyDependencies: Record<string, string[]>;
}

export interface RecordOptions {
  readonly project?: string;
  readonly stack?: string;
  /** @default true: a preview, as `pulumi preview --policy-pack` runs */
  readonly preview?: boolean;
  /** Outputs the mock provider returns for a resource. @default - its inputs */
  readonly outputs?: (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown>;
}

interface MonitorLike {
  registerResource(req: RegisterRequest, callback: (err: unknown, resp?: RegisterResponse) => void): void;
}
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): import('google-protobuf/google/protobuf/struct_pb').Struct | undefined;
  getProtect(): boolean | undefined;
  getIgnorechangesList(): string[];
  getDeletebeforereplace(): boolean;
  getDeletebeforereplacedefined(): boolean;
  getAdditionalsecretoutputsList(): string[];
  getAliasurnsList(): string[];
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(fn: (value: { getUrnsList(): string[] }, key: string) => void): void };
}
interface RegisterResponse {
  getUrn(): string;
  getObject(): import('google-protobuf/google/protobuf/struct_pb').Struct | undefined;
}

/** Runs `program` under mocks and returns every resource it registered, in registration order. */
export async function recordStack(program: () => void | Promise<void>, options: RecordOptions = {}): Promise<RecordedResource[]> {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: `${args.name}-id`, state: options.outputs ? options.outputs(args) : args.inputs }),
      call: (args) => args.inputs,
    },
    options.project ?? 'cluster-estate',
    options.stack ?? 'test',
    options.preview ?? true,
  );
  const monitor = (pulumi.runtime as unknown as { getMonitor(): MonitorLike }).getMonitor();
  const original = monitor.registerResource.bind(monitor);
  const recorded: RecordedResource[] = [];
  const pending: Promise<void>[] = [];
  monitor.registerResource = (req, callback) => {
    pending.push(new Promise<void>((resolve) => {
      original(req, (err, resp) => {
        if (!err && resp) recorded.push(fromRequest(req, resp));
        callback(err, resp);
        resolve();
      });
    }));
  };
  await program();
  // Registrations chain (a component registers its children once its own URN resolves): wait until quiet.
  for (let seen = -1; seen !== pending.length;) {
    seen = pending.length;
    await Promise.all(pending);
    await new Promise((r) => setTimeout(r, 25));
  }
  return recorded;
}

function fromRequest(req: RegisterRequest, resp: RegisterResponse): RecordedResource {
  const propertyDependencies: Record<string, string[]> = {};
  req.getPropertydependenciesMap().forEach((value, key) => (propertyDependencies[key] = value.getUrnsList()));
  return {
    urn: resp.getUrn(),
    type: req.getType(),
    name: req.getName(),
    custom: req.getCustom(),
    parent: req.getParent(),
    inputs: req.getObject() ?? new structproto.Struct(),
    outputs: resp.getObject() ?? new structproto.Struct(),
    protect: req.getProtect() ?? false,
    ignoreChanges: req.getIgnorechangesList(),
    ...(req.getDeletebeforereplacedefined() ? { deleteBeforeReplace: req.getDeletebeforereplace() } : {}),
    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    aliases: req.getAliasurnsList(),
    dependencies: req.getDependenciesList(),
    propertyDependencies,
  };
}

/** A diagnostic as the engine receives it. `urn` is the resource's (resource policies) or the reported one. */
export interface PolicyDiagnostic {
  readonly policy: string;
  readonly message: string;
  readonly description: string;
  readonly urn: string;
  readonly enforcement: EnforcementLevel;
  readonly severity?: Severity;
  readonly phase: 'analyze' | 'analyzeStack';
}

export interface PolicyRun {
  readonly diagnostics: PolicyDiagnostic[];
  /** `policy → reasons`, as the handlers report not-applicable policies. */
  readonly notApplicable: { readonly policy: string; readonly reason: string; readonly urn?: string }[];
  /** The AnalyzerInfo the pack would give the engine (policy names, levels, config schemas). */
  readonly info: analyzerproto.AnalyzerInfo;
}

export interface PackOptions {
  readonly name?: string;
  readonly version?: string;
  /** The pack's default enforcement level. @default 'advisory' (PolicyPack's default) */
  readonly enforcementLevel?: EnforcementLevel;
}

function options(resource: RecordedResource): analyzerproto.AnalyzerResourceOptions {
  const o = new analyzerproto.AnalyzerResourceOptions();
  o.setProtect(resource.protect);
  o.setIgnorechangesList(resource.ignoreChanges);
  if (resource.deleteBeforeReplace !== undefined) {
    o.setDeletebeforereplace(resource.deleteBeforeReplace);
    o.setDeletebeforereplacedefined(true);
  }
  o.setAdditionalsecretoutputsList(resource.additionalSecretOutputs);
  o.setAliasesList(resource.aliases);
  o.setCustomtimeouts(new analyzerproto.AnalyzerResourceOptions.CustomTimeouts());
  if (resource.parent) o.setParent(resource.parent);
  return o;
}

const LEVELS: Record<number, EnforcementLevel> = { 0: 'advisory', 1: 'mandatory', 2: 'disabled', 3: 'remediate' };
const SEVERITIES: Record<number, Severity | undefined> = { 0: undefined, 1: 'low', 2: 'medium', 3: 'high', 4: 'critical' };

function call(rpc: Rpc, request: unknown): Promise<analyzerproto.AnalyzeResponse> {
  return new Promise((resolve, reject) => {
    void rpc({ request }, (err, response) => (err ? reject(err) : resolve(response!)));
  });
}

/** Runs the policies over the recorded resources as the engine does during `pulumi preview --policy-pack`. */
export async function analyzeStack(policies: Policies, resources: readonly RecordedResource[], pack: PackOptions = {}): Promise<PolicyRun> {
  const name = pack.name ?? 'cluster-estate';
  const version = pack.version ?? '0.1.0';
  const level = pack.enforcementLevel ?? 'advisory';
  const info = protoutil.makeAnalyzerInfo(name, version, level, { policies });
  const analyze = server.makeAnalyzeRpcFun(name, version, level, policies);
  const analyzeStackRpc = server.makeAnalyzeStackRpcFun(name, version, level, policies);
  const diagnostics: PolicyDiagnostic[] = [];
  const notApplicable: { policy: string; reason: string; urn?: string }[] = [];
  const collect = (response: analyzerproto.AnalyzeResponse, phase: 'analyze' | 'analyzeStack', urn?: string) => {
    for (const d of response.getDiagnosticsList()) {
      const severity = SEVERITIES[d.getSeverity()];
      diagnostics.push({
        policy: d.getPolicyname(),
        message: d.getMessage(),
        description: d.getDescription(),
        urn: d.getUrn() || urn || '',
        enforcement: LEVELS[d.getEnforcementlevel()],
        ...(severity ? { severity } : {}),
        phase,
      });
    }
    for (const n of response.getNotApplicableList()) notApplicable.push({
      policy: n.getPolicyName(),
      reason: n.getReason(),
      ...(urn ? { urn } : {})
    });
  };
  for (const r of resources) {
    const request = new analyzerproto.AnalyzeRequest();
    request.setType(r.type);
    request.setName(r.name);
    request.setUrn(r.urn);
    request.setProperties(r.inputs);
    request.setOptions(options(r));
    collect(await call(analyze, request), 'analyze', r.urn);
  }
  const stackRequest = new analyzerproto.AnalyzeStackRequest();
  stackRequest.setResourcesList(resources.map((r) => {
    const resource = new analyzerproto.AnalyzerResource();
    resource.setType(r.type);
    resource.setName(r.name);
    resource.setUrn(r.urn);
    resource.setProperties(r.outputs);
    resource.setOptions(options(r));
    if (r.parent) resource.setParent(r.parent);
    resource.setDependenciesList(r.dependencies);
    const map = resource.getPropertydependenciesMap();
    for (const [key, urns] of Object.entries(r.propertyDependencies)) {
      const deps = new analyzerproto.AnalyzerPropertyDependencies();
      deps.setUrnsList(urns);
      map.set(key, deps);
    }
    return resource;
  }));
  collect(await call(analyzeStackRpc, stackRequest), 'analyzeStack');
  return { diagnostics, notApplicable, info };
}
