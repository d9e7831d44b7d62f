import * as pulumi from '@pulumi/pulumi';

/**
 * Runs a Pulumi program under `pulumi.runtime.setMocks` and records what the engine would receive. `MockResourceArgs`
 * carries neither protect, retainOnDelete, dependsOn nor parent, so the mock monitor's `registerResource` and
 * `readResource` are wrapped: each request is recorded as sent, with the URN the monitor answers. Registration order
 * is not deterministic; `resources` is sorted by URN.
 */

export const PROJECT = 'cluster-estate';

/** One resource as the program registered (or read) it. */
export interface RecordedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string;
  /** `<provider urn>::<provider id>`, or '' when none was given explicitly or inherited. */
  readonly provider: string;
  readonly custom: boolean;
  /** True for `Resource.get` reads (ReadResource), false for registrations. */
  readonly read: boolean;
  readonly id?: string;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  /** Whether the program asked for deleteBeforeReplace (false for reads). */
  readonly deleteBeforeReplace: boolean;
  readonly ignoreChanges: readonly string[];
  readonly dependencies: readonly string[];
  readonly inputs: Record<string, unknown>;
}

export interface StackReferenceFixture {
  readonly outputs: Record<string, unknown>;
  readonly secretOutputNames?: string[];
}

export interface MockRunOptions {
  readonly stack?: string;
  /** @default true: a preview, as `pulumi preview` runs the program */
  readonly preview?: boolean;
  /** Stacks a StackReference may read, by fully qualified name. */
  readonly stackReferences?: Record<string, StackReferenceFixture>;
  /** Secrets `k8s.core.v1.Secret.get` may read, by `<namespace>/<name>` → `data`, already base64-encoded. */
  readonly secrets?: Record<string, Record<string, string>>;
  /** Raw Pulumi configuration (`cluster-estate:<key>` → value) and which keys are secret. */
  readonly config?: Record<string, string>;
  readonly secretKeys?: string[];
}

export interface MockRun<T> {
  readonly result?: T;
  readonly error?: unknown;
  readonly resources: readonly RecordedResource[];
  /** The root stack's outputs as serialized for the engine (secrets inside their signature envelopes). */
  readonly stackOutputs?: Record<string, unknown>;
}

/** Pulumi's signature key and value for a serialized secret. */
export const SECRET_SIG_KEY = '4dabf18193072939515e22adb298388d';
export const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';

function plain(struct: { toJavaScript(): unknown } | undefined): Record<string, unknown> {
  return (struct?.toJavaScript() as Record<string, unknown>) ?? {};
}

/** Runs `program` as a stack under mocks and returns its result (or error) with every recorded resource. */
export async function runMocked<T>(program: () => Promise<T>, options: MockRunOptions = {}): Promise<MockRun<T>> {
  const stack = options.stack ?? 'test';
  await pulumi.runtime.setMocks({
    newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
      if (args.type === 'pulumi:pulumi:StackReference') {
        // The stack's own reference (what it applied last) reads as a stack never updated, unless a test gives it.
        const own: StackReferenceFixture | undefined = args.name === `organization/${PROJECT}/${stack}` ? { outputs: {} } : undefined;
        const fixture = options.stackReferences?.[args.name] ?? own;
        if (!fixture) throw new Error(`unknown stack ${args.name}`);
        return { id: args.name, state: { name: args.name, outputs: fixture.outputs, secretOutputNames: fixture.secretOutputNames ?? [] } };
      }
      if (args.id && args.type === 'kubernetes:core/v1:Secret') {
        const data = options.secrets?.[args.id];
        if (!data) throw new Error(`resource '${args.id}' does not exist`);
        return { id: args.id, state: { apiVersion: 'v1', kind: 'Secret', metadata: { name: args.id.split('/')[1], namespace: args.id.split('/')[0] }, data } };
      }
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call: (args: pulumi.runtime.MockCallArgs) => {
      throw new Error(`unexpected invoke ${args.token}: the program must not need a provider function`);
    },
  }, PROJECT, stack, options.preview ?? true, 'organization');
  pulumi.runtime.setAllConfig(options.config ?? {}, options.secretKeys ?? []);

  const monitor = pulumi.runtime.getMonitor() as unknown as Record<string, (req: never, cb: (err: unknown, resp: unknown) => void) => unknown>;
  const recorded: RecordedResource[] = [];
  let stackOutputs: Record<string, unknown> | undefined;
  const register = monitor.registerResource.bind(monitor);
  const read = monitor.readResource.bind(monitor);
  const outputs = monitor.registerResourceOutputs.bind(monitor);
  type Req = {
    getType(): string; getName(): string; getParent(): string; getProvider(): string; getCustom?(): boolean;
    getProtect?(): boolean | undefined; getRetainondelete?(): boolean | undefined;
    getDeletebeforereplace?(): boolean; getIgnorechangesList?(): string[];
    getDependenciesList(): string[]; getObject?(): { toJavaScript(): unknown }; getProperties?(): { toJavaScript(): unknown }; getId?(): string;
  };
  monitor.registerResource = ((
    req: Req,
    cb: (err: unknown, resp: { getUrn(): string } | undefined) => void,
  ) => register(req as never, (err, resp) => {
    if (!err && resp) {
      recorded.push({
        urn: (resp as { getUrn(): string }).getUrn(), type: req.getType(), name: req.getName(), parent: req.getParent(), provider: req.getProvider(),
        custom: req.getCustom!(), read: false, protect: req.getProtect!() ?? false, retainOnDelete: req.getRetainondelete!() ?? false,
        deleteBeforeReplace: req.getDeletebeforereplace!() ?? false,
        ignoreChanges: req.getIgnorechangesList!(), dependencies: [...req.getDependenciesList()].sort(), inputs: plain(req.getObject!()),
      });
    }
    cb(err, resp as never);
  })) as never;
  monitor.readResource = ((req: Req, cb: (err: unknown, resp: { getUrn(): string } | undefined) => void) => read(req as never, (err, resp) => {
    if (!err && resp) {
      recorded.push({
        urn: (resp as { getUrn(): string }).getUrn(), type: req.getType(), name: req.getName(), parent: req.getParent(), provider: req.getProvider(),
        custom: true, read: true, id: req.getId!(), protect: false, retainOnDelete: false, deleteBeforeReplace: false, ignoreChanges: [],
        dependencies: [...req.getDependenciesList()].sort(), inputs: plain(req.getProperties!()),
      });
    }
    cb(err, resp as never);
  })) as never;
  monitor.registerResourceOutputs = ((
    req: { getUrn(): string; getOutputs(): { toJavaScript(): unknown } | undefined },
    cb: (err: unknown, resp: unknown) => void,
  ) => {
    if (req.getUrn().endsWith(`::${PROJECT}-${stack}`)) stackOutputs = plain(req.getOutputs());
    return outputs(req as never, cb);
  }) as never;

  let result: T | undefined;
  let error: unknown;
  // The SDK captures a stack trace for every promise it makes; none is read under mocks, and not capturing them
  // makes a run about a fifth faster (the ARCHITECTURE notes' --stack-trace-limit=0). Restored afterwards.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  // The program's own error is caught inside the stack (as the Pulumi host would report it) so that it does not
  // surface as an unhandled rejection of the Stack resource.
  try {
    await pulumi.runtime.runInPulumiStack(async () => {
      try {
        result = await program();
        return result as unknown as Record<string, unknown>;
      } catch (e) {
        error = e;
        return {};
      }
    });
  } catch (e) {
    error = error ?? e;
  }
  // Registrations run on later turns of the event loop; let the last callbacks land.
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  Error.stackTraceLimit = stackTraceLimit;
  return { result, error, resources: [...recorded].sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0)), stackOutputs };
}

/** Every string in a serialized value that is not inside a secret envelope. */
export function plainStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) plainStrings(v, out);
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (o[SECRET_SIG_KEY] === SECRET_SIG) return out;
    for (const [k, v] of Object.entries(o)) {
      out.push(k);
      plainStrings(v, out);
    }
  }
  return out;
}

/** Every value inside a secret envelope of a serialized value. */
export function secretValues(value: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(value)) for (const v of value) secretValues(v, out);
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (o[SECRET_SIG_KEY] === SECRET_SIG) out.push(o.value);
    else for (const v of Object.values(o)) secretValues(v, out);
  }
  return out;
}

/** A serialized value with its secret envelopes replaced by the values inside them. */
export function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (o[SECRET_SIG_KEY] === SECRET_SIG) return unwrapSecrets(o.value);
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

/** The kind, namespace and name a resource's logical name (`<Kind>/<namespace>/<name>` or `<Kind>/<name>`) holds. */
export function objectOf(r: Pick<RecordedResource, 'name'>): { kind: string; namespace?: string; name: string } {
  const parts = r.name.split('/');
  return parts.length === 3 ? { kind: parts[0], namespace: parts[1], name: parts[2] } : { kind: parts[0], name: parts[1] ?? '' };
}
