/**
 * Validate synthesized objects against the upstream Cluster API CustomResourceDefinitions.
 *
 * The CRDs are NOT vendored into this repository: they are read from `../shared/crds/cluster-api`
 * (a sibling checkout of `shared`, cloned beside the repo in CI). Tests that need them are wrapped in
 * {@link describeWithSharedCrds}, which runs them when the CRDs are present, FAILS when they are missing
 * and `CI=true`, and otherwise SKIPS with a warning saying why (never a silent pass).
 *
 * What the validator checks, per served CRD version (`spec.versions[].schema.openAPIV3Schema`), compiled
 * with ajv (`strict: false`, `allErrors: true`, ajv-formats):
 * - the OpenAPI v3 structural schema: types, required, enum, pattern, min/max, minProperties, ...;
 * - strict field validation like the API server's `fieldValidation=Strict`: every object schema that has
 *   `properties`, no `additionalProperties` and no `x-kubernetes-preserve-unknown-fields: true` gets
 *   `additionalProperties: false`, so a typo such as `spec.replica` is an error;
 * - `x-kubernetes-int-or-string: true`: the value must be an integer or a string;
 * - `nullable: true`: `null` is allowed;
 * - `x-kubernetes-list-type: set`: items must be unique; `x-kubernetes-list-type: map`: items must be
 *   unique by their `x-kubernetes-list-map-keys` (a missing key counts as its schema `default`);
 * - `x-kubernetes-embedded-resource: true`: `apiVersion`, `kind` and `metadata` are allowed;
 * - `default`s are applied (to a copy of the object) before validation, as the API server does, so a
 *   required field that has a default may be omitted;
 * - top-level `metadata` (ObjectMeta, only `type: object` in the CRDs) stays open to every ObjectMeta
 *   field, but `name`, `namespace`, `labels`, `annotations`, `finalizers` and `ownerReferences` are checked
 *   for their basic shape (DNS names, qualified label/annotation keys, label values).
 *
 * What it does NOT check:
 * - CEL rules (`x-kubernetes-validations`): ajv cannot evaluate CEL, so they are IGNORED. Anything
 *   enforced only by a CEL rule (e.g. "extraArgs name must be unique", immutability, cross-field rules)
 *   is not caught here;
 * - other `x-kubernetes-*` extensions (`x-kubernetes-map-type`, `list-type: atomic`, ...) carry no
 *   validation and are dropped;
 * - `format`s: only those whose ajv-formats semantics match Kubernetes are enforced (see
 *   {@link ENFORCED_FORMATS}); any other format (e.g. `duration`, `uri`, unknown ones) is accepted;
 * - admission webhooks (Cluster API's validating/defaulting webhooks) and server-side defaulting by
 *   controllers.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { type ErrorObject, type SchemaValidateFunction, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import * as yaml from 'js-yaml';

/** Where the upstream Cluster API CRDs live: `../shared/crds/cluster-api` relative to the project root. */
export const SHARED_CRDS_DIR: string = path.resolve(__dirname, '../../../shared/crds/cluster-api');
/** Where the infrastructure providers' CRDs live, beside the Cluster API ones: Metal3 (CAPM3) and AWS (CAPA). */
export const SHARED_PROVIDER_CRDS_DIRS: readonly string[] = ['cluster-api-provider-metal3', 'cluster-api-provider-aws'].map((d) => path.resolve(SHARED_CRDS_DIR, '..', d));
/** Every CRD directory the management target's objects need: Cluster API's and the providers'. */
export const MANAGEMENT_CRDS_DIRS: readonly string[] = [SHARED_CRDS_DIR, ...SHARED_PROVIDER_CRDS_DIRS];
/** Where the upstream Istio CRDs live (istio/api 1.30.3): `../shared/crds/istio` relative to the project root. */
export const SHARED_ISTIO_CRDS_DIR: string = path.resolve(__dirname, '../../../shared/crds/istio');

const CRD_FILE = /\.ya?ml$/i;

/** True when `dir` (default {@link SHARED_CRDS_DIR}) exists and holds at least one `.yaml`/`.yml` file. */
export function sharedCrdsAvailable(dir: string = SHARED_CRDS_DIR): boolean {
  try {
    return fs.statSync(dir).isDirectory() && fs.readdirSync(dir).some((f) => CRD_FILE.test(f));
  } catch {
    return false;
  }
}

/** What {@link describeWithSharedCrds} does: run the tests, fail (CRDs missing in CI) or skip (missing elsewhere). */
export type SharedCrdsMode = 'run' | 'fail' | 'skip';

/** Decide how CRD-dependent tests behave; pure, so the gate itself is testable. Several directories: all must be there. */
export function sharedCrdsMode(
  dir: string | readonly string[] = SHARED_CRDS_DIR,
  env: Readonly<Record<string, string | undefined>> = process.env,
): SharedCrdsMode {
  if (dirList(dir).every((d) => sharedCrdsAvailable(d))) return 'run';
  return env.CI === 'true' ? 'fail' : 'skip';
}

function dirList(dir: string | readonly string[]): readonly string[] {
  return typeof dir === 'string' ? [dir] : dir;
}

/** The error message used when the CRDs are missing (for several directories, one sentence per missing one). */
export function missingCrdsMessage(dir: string | readonly string[] = SHARED_CRDS_DIR): string {
  if (typeof dir !== 'string') {
    const missing = dir.filter((d) => !sharedCrdsAvailable(d));
    return (missing.length > 0 ? missing : dir).map((d) => missingCrdsMessage(d)).join(' ');
  }
  const name = path.basename(dir);
  return (
    `${name === 'cluster-api' ? 'Cluster API' : name} CRDs missing at ${dir} (expected upstream *.yaml CRDs in ../shared/crds/${name} ` +
    `relative to the project root). CI clones ../shared beside the repo; locally, clone the shared ` +
    `repository next to this one to run these tests.`
  );
}

/**
 * `describe(name, fn)` for tests that need the shared CRDs.
 * - CRDs present: runs `fn` as a normal `describe`.
 * - CRDs missing and `CI=true`: a single test `needs ../shared/crds/cluster-api` that FAILS with a clear message.
 * - CRDs missing elsewhere: `describe.skip` with a `console.warn` saying why. `fn` is NOT called (it may load
 *   the CRDs at collection time); a skipped placeholder test whose name carries the reason is reported instead.
 */
export function describeWithSharedCrds(name: string, fn: () => void, dir: string | readonly string[] = SHARED_CRDS_DIR): void {
  const mode = sharedCrdsMode(dir);
  if (mode === 'run') {
    describe(name, fn);
    return;
  }
  const message = missingCrdsMessage(dir);
  const missing = dirList(dir).filter((d) => !sharedCrdsAvailable(d));
  const short = (missing.length > 0 ? missing : dirList(dir)).map((d) => `../shared/crds/${path.basename(d)}`).join(', ');
  if (mode === 'fail') {
    describe(name, () => {
      it(`needs ${short}`, () => {
        throw new Error(message);
      });
    });
    return;
  }
  // The skip and its reason must show in the run's output, not only in the test tree.
  // eslint-disable-next-line no-console
  console.warn(`SKIPPED "${name}": ${message} (set CI=true to make this a failure)`);
  describe.skip(name, () => {
    it(`skipped: needs ${short} (missing at ${missing.join(', ')})`, () => undefined);
  });
}

/** A Kubernetes object as synthesized: at least `apiVersion` and `kind`. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata?: { readonly name?: string; readonly namespace?: string };
  readonly [key: string]: unknown;
}

/**
 * Formats enforced because ajv-formats matches what the Kubernetes API server accepts. Every other format
 * found in a schema (e.g. `duration`, which Kubernetes parses Go-style as `10m`, not ISO-8601) is accepted.
 */
export const ENFORCED_FORMATS = ['date-time', 'date', 'byte', 'int32', 'int64', 'float', 'double', 'ipv4', 'ipv6', 'uuid'] as const;

type Schema = Record<string, unknown>;

interface CrdVersion {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly file: string;
  readonly openAPIV3Schema: Schema;
  /** `deprecated: true` on the CRD version: the API server answers every request for it with a warning. */
  readonly deprecated: boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const DNS_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
/** Qualified name: optional DNS-subdomain prefix and `/`, then a name of at most 63 characters. */
const QUALIFIED_NAME =
  '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$';
const LABEL_VALUE = '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$';

/** Shape checks for the standard ObjectMeta fields; open to every other ObjectMeta field (uid, resourceVersion, ...). */
function objectMetaProperties(): Record<string, Schema> {
  return {
    name: { type: 'string', minLength: 1, maxLength: 253, pattern: DNS_SUBDOMAIN },
    generateName: { type: 'string' },
    namespace: { type: 'string', minLength: 1, maxLength: 63, pattern: DNS_LABEL },
    labels: {
      type: 'object',
      propertyNames: { maxLength: 317, pattern: QUALIFIED_NAME },
      additionalProperties: { type: 'string', maxLength: 63, pattern: LABEL_VALUE },
    },
    annotations: {
      type: 'object',
      propertyNames: { maxLength: 317, pattern: QUALIFIED_NAME },
      additionalProperties: { type: 'string' },
    },
    finalizers: { type: 'array', items: { type: 'string' } },
    ownerReferences: {
      type: 'array',
      items: {
        type: 'object',
        required: ['apiVersion', 'kind', 'name', 'uid'],
        properties: {
          apiVersion: { type: 'string' },
          kind: { type: 'string' },
          name: { type: 'string' },
          uid: { type: 'string' },
          controller: { type: 'boolean' },
          blockOwnerDeletion: { type: 'boolean' },
        },
        additionalProperties: false,
      },
    },
  };
}

/** Open ObjectMeta schema: the CRD's own metadata properties (if any) plus the standard shape checks. */
function objectMetaSchema(crdMeta: Schema | undefined): Schema {
  const own = crdMeta && isRecord(crdMeta.properties) ? (crdMeta.properties as Record<string, Schema>) : {};
  const { properties: _ignored, additionalProperties: _open, ...rest } = crdMeta ?? {};
  return { ...rest, type: 'object', properties: { ...objectMetaProperties(), ...own } };
}

/** Custom ajv keyword implementing `x-kubernetes-list-type: map` uniqueness. */
const LIST_MAP_KEYWORD = 'k8sListMapKeys';

interface ListMapKeys {
  keys: string[];
  defaults: Record<string, unknown>;
}

/** Schema keywords whose value is a schema, an array of schemas or a map of schemas. */
const SUB_SCHEMA = ['items', 'additionalProperties', 'not'] as const;
const SUB_SCHEMA_ARRAYS = ['allOf', 'anyOf', 'oneOf'] as const;
const SUB_SCHEMA_MAPS = ['properties', 'patternProperties'] as const;

const INT_OR_STRING: Schema = { anyOf: [{ type: 'integer' }, { type: 'string' }] };

function isIntOrStringAnyOf(anyOf: unknown): boolean {
  if (!Array.isArray(anyOf) || anyOf.length !== 2) return false;
  const types = anyOf.map((s) => (isRecord(s) ? s.type : undefined)).sort();
  return types[0] === 'integer' && types[1] === 'string';
}

/**
 * Translate one CRD (structural OpenAPI v3) schema node into a JSON-Schema ajv can compile. Returns a
 * copy; the loaded CRD is never mutated. `formats` collects every `format` seen.
 */
function toAjvSchema(node: unknown, formats: Set<string>, isRoot: boolean): unknown {
  if (!isRecord(node)) return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-kubernetes-') || key === 'nullable' || key === 'description' || key === 'example') continue;
    if ((SUB_SCHEMA as readonly string[]).includes(key)) {
      out[key] = typeof value === 'boolean' ? value : toAjvSchema(value, formats, false);
    } else if ((SUB_SCHEMA_ARRAYS as readonly string[]).includes(key) && Array.isArray(value)) {
      out[key] = value.map((s) => toAjvSchema(s, formats, false));
    } else if ((SUB_SCHEMA_MAPS as readonly string[]).includes(key) && isRecord(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([n, s]) => [n, toAjvSchema(s, formats, false)]));
    } else {
      // default, enum, required, pattern, type, format, min/max...: data, copied as-is.
      out[key] = value;
    }
  }
  if (typeof out.format === 'string') formats.add(out.format);

  // int-or-string: a real check, whether or not the CRD spells out the anyOf.
  if (node['x-kubernetes-int-or-string'] === true && !isIntOrStringAnyOf(out.anyOf)) {
    if (out.anyOf === undefined) out.anyOf = INT_OR_STRING.anyOf;
    else out.allOf = [...(Array.isArray(out.allOf) ? out.allOf : []), INT_OR_STRING];
  }

  // embedded resource: apiVersion/kind/metadata are always allowed.
  if (node['x-kubernetes-embedded-resource'] === true && isRecord(out.properties)) {
    out.properties = {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: objectMetaSchema(undefined),
      ...out.properties,
    };
  }

  // The object's own ObjectMeta (top level only) is open; everything else with properties is closed.
  if (isRoot && isRecord(out.properties)) {
    const props = out.properties as Record<string, Schema>;
    if (isRecord(props.metadata)) props.metadata = objectMetaSchema(props.metadata);
    // Some CRDs (Istio's) list only spec and status at the root: the API server always accepts the type and the
    // ObjectMeta of every object, so they are added here rather than refused as unknown fields.
    else props.metadata = objectMetaSchema(undefined);
    props.apiVersion ??= { type: 'string' };
    props.kind ??= { type: 'string' };
  }
  if (
    isRecord(out.properties) &&
    out.additionalProperties === undefined &&
    node['x-kubernetes-preserve-unknown-fields'] !== true
  ) {
    out.additionalProperties = false;
  }

  // Lists: set => unique items; map => unique by the list-map keys.
  const listType = node['x-kubernetes-list-type'];
  if (listType === 'set') out.uniqueItems = true;
  const mapKeys = node['x-kubernetes-list-map-keys'];
  if (listType === 'map' && Array.isArray(mapKeys) && mapKeys.length > 0) {
    const itemProps = isRecord(node.items) && isRecord(node.items.properties) ? node.items.properties : {};
    const defaults: Record<string, unknown> = {};
    for (const k of mapKeys as string[]) {
      const p = itemProps[k];
      if (isRecord(p) && p.default !== undefined) defaults[k] = p.default;
    }
    out[LIST_MAP_KEYWORD] = { keys: mapKeys, defaults };
  }

  // nullable: allow null on top of whatever else the node allows.
  if (node.nullable === true) {
    const simple = typeof out.type === 'string' && out.anyOf === undefined && out.allOf === undefined && out.oneOf === undefined;
    if (simple) {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    } else {
      return { anyOf: [{ type: 'null' }, out] };
    }
  }
  return out;
}

function addKubernetesKeywords(ajv: Ajv): void {
  const validate: SchemaValidateFunction = (schema: ListMapKeys, data: unknown): boolean => {
    validate.errors = [];
    if (!Array.isArray(data)) return true;
    const seen = new Map<string, number>();
    data.forEach((item: unknown, i) => {
      if (!isRecord(item)) return;
      const tuple = schema.keys.map((k) => (item[k] !== undefined ? item[k] : schema.defaults[k]));
      const key = JSON.stringify(tuple);
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, i);
        return;
      }
      validate.errors!.push({
        keyword: LIST_MAP_KEYWORD,
        message: `must not have duplicate entries for list-map keys [${schema.keys.join(', ')}]`,
        params: { keys: schema.keys, duplicate: tuple, items: [first, i] },
      });
    });
    return validate.errors.length === 0;
  };
  ajv.addKeyword({ keyword: LIST_MAP_KEYWORD, type: 'array', schemaType: 'object', errors: true, validate });
}

function groupVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

const gvkKey = (group: string, version: string, kind: string): string => `${group}/${version}, Kind=${kind}`;

function formatError(prefix: string, e: ErrorObject): string {
  return `${prefix} ${e.instancePath || '/'} ${e.message ?? e.keyword} (${JSON.stringify(e.params)})`;
}

/** One loaded, lazily-compiled set of CRDs per directory, for the life of the module (i.e. the test file under Jest). */
const CACHE = new Map<string, ClusterApiSchemas>();

/**
 * The Cluster API CRD schemas from a directory, compiled with ajv.
 *
 * `load()` is cached per directory, and each CRD version is compiled at most once, on first use, so
 * validating hundreds of objects costs one compilation per kind/version. (Jest gives every test file a fresh
 * module registry, so "once" means once per test file.)
 *
 * CEL validation rules (`x-kubernetes-validations`) are IGNORED: ajv cannot evaluate CEL. See the module
 * comment for everything else that is and is not checked.
 */
export class ClusterApiSchemas {
  /** Load (or return the cached) schemas for `dir`. Throws a clear error when `dir` holds no CRDs. */
  static load(dir: string = SHARED_CRDS_DIR): ClusterApiSchemas {
    const resolved = path.resolve(dir);
    const cached = CACHE.get(resolved);
    if (cached) return cached;
    const loaded = new ClusterApiSchemas(resolved, readCrds(resolved));
    CACHE.set(resolved, loaded);
    return loaded;
  }

  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();
  private compiled = 0;

  private constructor(
    readonly dir: string,
    private readonly crds: ReadonlyMap<string, CrdVersion>,
  ) {
    this.ajv = new Ajv({ strict: false, allErrors: true, useDefaults: true });
    addFormats(this.ajv, [...ENFORCED_FORMATS]);
    addKubernetesKeywords(this.ajv);
  }

  /** `group/version, Kind=kind` of every served CRD version loaded, sorted. */
  get kinds(): string[] {
    return [...this.crds.keys()].sort();
  }

  /** How many CRD versions have been compiled so far (each is compiled at most once). */
  get compileCount(): number {
    return this.compiled;
  }

  /** Whether a served CRD version exists for `apiVersion` (e.g. `cluster.x-k8s.io/v1beta2`) and `kind`. */
  has(apiVersion: string, kind: string): boolean {
    const { group, version } = groupVersion(apiVersion);
    return this.crds.has(gvkKey(group, version, kind));
  }

  /** The CRD version's `openAPIV3Schema` as the CRD file has it (read only), or undefined when there is no such version. */
  openApiSchema(apiVersion: string, kind: string): Readonly<Record<string, unknown>> | undefined {
    const { group, version } = groupVersion(apiVersion);
    return this.crds.get(gvkKey(group, version, kind))?.openAPIV3Schema;
  }

  /** Whether the CRD marks this served version deprecated (the API server then warns on every request). */
  isDeprecated(apiVersion: string, kind: string): boolean {
    const { group, version } = groupVersion(apiVersion);
    return this.crds.get(gvkKey(group, version, kind))?.deprecated === true;
  }

  /**
   * Validate one object against its CRD version. Returns human-readable errors,
   * `<kind>/<name> <instancePath> <message> (<params>)`, or `[]` when valid. The object is not modified
   * (defaults are applied to a copy). An object without a matching CRD yields exactly one error.
   */
  validate(obj: KubeObject): string[] {
    const kind = typeof obj?.kind === 'string' ? obj.kind : '<no kind>';
    const name = isRecord(obj?.metadata) && typeof obj.metadata.name === 'string' ? obj.metadata.name : '<no name>';
    const prefix = `${kind}/${name}`;
    if (typeof obj?.apiVersion !== 'string' || typeof obj?.kind !== 'string') {
      return [`${prefix} / object must have string apiVersion and kind ({"apiVersion":${JSON.stringify(obj?.apiVersion)}})`];
    }
    const validator = this.validatorFor(obj.apiVersion, obj.kind);
    if (!validator) {
      return [
        `${prefix} / no CustomResourceDefinition for ${obj.apiVersion}, Kind=${obj.kind} in ${this.dir} ` +
          `(known: ${this.kinds.join('; ')})`,
      ];
    }
    if (validator(structuredClone(obj))) return [];
    return (validator.errors ?? []).map((e) => formatError(prefix, e));
  }

  /** The compiled validator for `apiVersion`/`kind`, or undefined when there is no such CRD version. */
  validatorFor(apiVersion: string, kind: string): ValidateFunction | undefined {
    const { group, version } = groupVersion(apiVersion);
    const key = gvkKey(group, version, kind);
    const existing = this.validators.get(key);
    if (existing) return existing;
    const crd = this.crds.get(key);
    if (!crd) return undefined;
    const formats = new Set<string>();
    const schema = toAjvSchema(crd.openAPIV3Schema, formats, true) as Schema;
    for (const f of formats) if (!this.ajv.formats[f]) this.ajv.addFormat(f, true);
    let validator: ValidateFunction;
    try {
      validator = this.ajv.compile(schema);
    } catch (err) {
      throw new Error(`cannot compile ${key} from ${crd.file}: ${(err as Error).message}`);
    }
    this.compiled++;
    this.validators.set(key, validator);
    return validator;
  }
}

/** Read every CRD in `dir`: one entry per served version, keyed by group/version/kind. */
function readCrds(dir: string): Map<string, CrdVersion> {
  if (!sharedCrdsAvailable(dir)) throw new Error(missingCrdsMessage(dir));
  const crds = new Map<string, CrdVersion>();
  for (const file of fs.readdirSync(dir).filter((f) => CRD_FILE.test(f)).sort()) {
    const full = path.join(dir, file);
    let docs: unknown[];
    try {
      docs = yaml.loadAll(fs.readFileSync(full, 'utf8'));
    } catch (err) {
      throw new Error(`cannot parse ${full}: ${(err as Error).message}`);
    }
    for (const doc of docs) {
      if (!isRecord(doc) || doc.kind !== 'CustomResourceDefinition' || !isRecord(doc.spec)) continue;
      const { group, names, versions } = doc.spec;
      if (typeof group !== 'string' || !isRecord(names) || typeof names.kind !== 'string' || !Array.isArray(versions)) {
        throw new Error(`${full}: CustomResourceDefinition without spec.group, spec.names.kind or spec.versions`);
      }
      for (const v of versions) {
        if (!isRecord(v) || v.served !== true || typeof v.name !== 'string') continue;
        const schema = isRecord(v.schema) ? v.schema.openAPIV3Schema : undefined;
        if (!isRecord(schema)) throw new Error(`${full}: ${group}/${v.name} ${names.kind} has no schema.openAPIV3Schema`);
        const key = gvkKey(group, v.name, names.kind);
        if (crds.has(key)) throw new Error(`${full}: duplicate CRD version ${key} (also in ${crds.get(key)!.file})`);
        crds.set(key, { group, version: v.name, kind: names.kind, file: full, openAPIV3Schema: schema, deprecated: v.deprecated === true });
      }
    }
  }
  if (crds.size === 0) throw new Error(`no served CustomResourceDefinition versions found in ${dir}`);
  return crds;
}

/**
 * The CRDs of several directories as one set (the management target needs Cluster API's and each provider's): each
 * object is validated by the directory that has its kind and version.
 */
export class CrdSchemaSet {
  /** Loads every directory (each cached as by ClusterApiSchemas.load); throws when one holds no CRDs. */
  static load(dirs: readonly string[] = MANAGEMENT_CRDS_DIRS): CrdSchemaSet {
    return new CrdSchemaSet(dirs.map((d) => ClusterApiSchemas.load(d)));
  }

  private constructor(readonly sets: readonly ClusterApiSchemas[]) {}

  /** The loaded schemas that have `apiVersion`/`kind`, if any. */
  schemasOf(apiVersion: string, kind: string): ClusterApiSchemas | undefined {
    return this.sets.find((s) => s.has(apiVersion, kind));
  }

  has(apiVersion: string, kind: string): boolean {
    return this.schemasOf(apiVersion, kind) !== undefined;
  }

  isDeprecated(apiVersion: string, kind: string): boolean {
    return this.schemasOf(apiVersion, kind)?.isDeprecated(apiVersion, kind) === true;
  }

  openApiSchema(apiVersion: string, kind: string): Readonly<Record<string, unknown>> | undefined {
    return this.schemasOf(apiVersion, kind)?.openApiSchema(apiVersion, kind);
  }

  /** As ClusterApiSchemas.validate; an object no directory has a CRD for yields one error naming every directory. */
  validate(obj: KubeObject): string[] {
    const schemas = typeof obj?.apiVersion === 'string' && typeof obj?.kind === 'string' ? this.schemasOf(obj.apiVersion, obj.kind) : undefined;
    if (schemas) return schemas.validate(obj);
    const name = isRecord(obj?.metadata) && typeof obj.metadata.name === 'string' ? obj.metadata.name : '<no name>';
    return [`${String(obj?.kind)}/${name} / no CustomResourceDefinition for ${String(obj?.apiVersion)}, Kind=${String(obj?.kind)} in ${this.sets.map((s) => s.dir).join(', ')}`];
  }
}

/**
 * Every field path of `value` that the CRD schema `schema` (an openAPIV3Schema node) does not have, or has with
 * another type: `spec.template.spec.image.format: not in the schema`. Reads the CRD as written (no defaults, no CEL);
 * `x-kubernetes-int-or-string` takes an integer or a string, `x-kubernetes-preserve-unknown-fields` anything below it,
 * and a value must be one of the node's `enum` when it has one. The path names list items by `[]`.
 */
export function fieldsNotInSchema(value: unknown, schema: unknown, at = ''): string[] {
  const node = isRecord(schema) ? schema : undefined;
  if (!node) return [`${at}: not in the schema`];
  const problems: string[] = [];
  const type = node.type;
  const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'number') : typeof value;
  if (node['x-kubernetes-int-or-string'] === true) {
    if (actual !== 'integer' && actual !== 'string') problems.push(`${at}: ${actual} where the schema takes an integer or a string`);
  } else if (typeof type === 'string' && type !== actual && !(type === 'number' && actual === 'integer') && !(actual === 'null' && node.nullable === true)) {
    problems.push(`${at}: ${actual} where the schema has ${type}`);
  }
  if (Array.isArray(node.enum) && !node.enum.includes(value)) problems.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(node.enum)}`);
  if (node['x-kubernetes-preserve-unknown-fields'] === true && !isRecord(node.properties)) return problems;
  if (Array.isArray(value)) {
    value.forEach((item) => problems.push(...fieldsNotInSchema(item, node.items, `${at}[]`)));
  } else if (isRecord(value)) {
    const properties = isRecord(node.properties) ? node.properties : {};
    for (const [key, child] of Object.entries(value)) {
      const path = at ? `${at}.${key}` : key;
      if (Object.prototype.hasOwnProperty.call(properties, key)) problems.push(...fieldsNotInSchema(child, properties[key], path));
      else if (isRecord(node.additionalProperties)) problems.push(...fieldsNotInSchema(child, node.additionalProperties, `${at}{}`));
      else if (node.additionalProperties !== true && node['x-kubernetes-preserve-unknown-fields'] !== true) problems.push(`${path}: not in the schema`);
    }
  }
  return [...new Set(problems)];
}
