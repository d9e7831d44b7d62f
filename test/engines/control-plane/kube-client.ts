/**
 * A small Kubernetes API client over Node's https: bearer token, the run's CA, discovery of each kind's resource path,
 * server-side apply, and the few verbs the suites use. No client library: every request is visible here.
 */
import * as https from 'https';

/** A response of the API server. */
export interface KubeResponse<T = any> {
  readonly status: number;
  readonly body: T;
  /** `Warning` headers (deprecations, unknown fields under fieldValidation=Warn). */
  readonly warnings: string[];
}

/** An API server error: status and the server's Status message. */
export class KubeError extends Error {
  constructor(public readonly method: string, public readonly path: string, public readonly status: number, public readonly body: any) {
    super(`${method} ${path}: ${status} ${typeof body === 'object' && body ? body.message ?? JSON.stringify(body) : String(body)}`);
  }
}

/** Where a kind lives. */
export interface ResourceInfo {
  readonly apiVersion: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

/** An object's identity. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
}

/** Options of a server-side apply. */
export interface ApplyOptions {
  /** @default 'cluster-estate' */
  readonly fieldManager?: string;
  /** `fieldValidation`: Strict rejects unknown and duplicate fields. @default 'Strict' */
  readonly fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  /** @default true */
  readonly force?: boolean;
  /** Server-side dry run. @default false */
  readonly dryRun?: boolean;
}

export class KubeClient {
  private readonly agent: https.Agent;
  private readonly resources = new Map<string, ResourceInfo>();
  private readonly url: URL;

  constructor(
    public readonly server: string,
    private readonly token: string,
    private readonly ca: string | Buffer,
    private readonly extraHeaders: Readonly<Record<string, string | string[]>> = {},
  ) {
    this.url = new URL(server);
    this.agent = new https.Agent({ ca, keepAlive: true, maxSockets: 8 });
  }

  /**
   * A client that acts as another user through the API server's impersonation (`Impersonate-User`,
   * `Impersonate-Group`): the server authorizes each request as that user, so RBAC and admission judge it as they
   * would judge the user's own. Needs the `impersonate` verb (the admin in system:masters has it). Close it after use.
   */
  public impersonating(user: string, groups: readonly string[]): KubeClient {
    return new KubeClient(this.server, this.token, this.ca, { 'impersonate-user': user, ...(groups.length > 0 ? { 'impersonate-group': [...groups] } : {}) });
  }

  /** Closes the kept-alive connections. */
  public close(): void {
    this.agent.destroy();
  }

  /** One request; resolves with any status (use `call` to throw on errors). */
  public request<T = any>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<KubeResponse<T>> {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = https.request({
        host: this.url.hostname, port: this.url.port, path, method, agent: this.agent,
        headers: {
          authorization: `Bearer ${this.token}`,
          accept: 'application/json',
          ...this.extraHeaders,
          ...(payload !== undefined ? { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) } : {}),
        },
        timeout: 60_000,
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: any = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON (readyz answers text)
          }
          const w = res.headers.warning;
          const warnings = (Array.isArray(w) ? w : w ? [w] : []).flatMap((h) => h.split(/,(?=\s*\d{3} )/)).map((h) => h.trim());
          resolve({ status: res.statusCode ?? 0, body: parsed, warnings });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** A request that throws KubeError on a status >= 300. */
  public async call<T = any>(method: string, path: string, body?: unknown, contentType?: string): Promise<KubeResponse<T>> {
    const res = await this.request<T>(method, path, body, contentType);
    if (res.status >= 300) throw new KubeError(method, path, res.status, res.body);
    return res;
  }

  /** Forgets discovered resources (after installing CRDs). */
  public forgetDiscovery(): void {
    this.resources.clear();
  }

  /** The resource of a kind, from the API server's discovery. */
  public async resource(apiVersion: string, kind: string): Promise<ResourceInfo> {
    const key = `${apiVersion}/${kind}`;
    const known = this.resources.get(key);
    if (known) return known;
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const list = await this.call<{ resources: { name: string; kind: string; namespaced: boolean }[] }>('GET', base);
    for (const r of list.body.resources) {
      if (r.name.includes('/')) continue;
      this.resources.set(`${apiVersion}/${r.kind}`, { apiVersion, kind: r.kind, plural: r.name, namespaced: r.namespaced });
    }
    const found = this.resources.get(key);
    if (!found) throw new Error(`the API server serves no kind ${kind} in ${apiVersion}`);
    return found;
  }

  /** The collection path of a kind (in a namespace when namespaced). */
  public async collectionPath(apiVersion: string, kind: string, namespace?: string): Promise<string> {
    const r = await this.resource(apiVersion, kind);
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    if (r.namespaced && !namespace) throw new Error(`${kind} is namespaced: give a namespace`);
    return r.namespaced ? `${base}/namespaces/${namespace}/${r.plural}` : `${base}/${r.plural}`;
  }

  /** The path of one object. */
  public async objectPath(obj: ObjectRef): Promise<string> {
    return `${await this.collectionPath(obj.apiVersion, obj.kind, obj.metadata.namespace)}/${encodeURIComponent(obj.metadata.name)}`;
  }

  /** Server-side apply of one object; throws KubeError when the server refuses it. */
  public async apply<T = any>(obj: ObjectRef, options: ApplyOptions = {}): Promise<KubeResponse<T>> {
    const q = new URLSearchParams({
      fieldManager: options.fieldManager ?? 'cluster-estate',
      fieldValidation: options.fieldValidation ?? 'Strict',
      force: String(options.force ?? true),
    });
    if (options.dryRun) q.set('dryRun', 'All');
    return this.call<T>('PATCH', `${await this.objectPath(obj)}?${q}`, obj, 'application/apply-patch+yaml');
  }

  /** Reads one object. */
  public async get<T = any>(obj: ObjectRef): Promise<T> {
    return (await this.call<T>('GET', await this.objectPath(obj))).body;
  }

  /** Lists a kind (in a namespace, or everywhere), with an optional label or field selector. */
  public async list<T = any>(
    apiVersion: string,
    kind: string,
    opts: { namespace?: string; labelSelector?: string; fieldSelector?: string } = {},
  ): Promise<T[]> {
    const r = await this.resource(apiVersion, kind);
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const path = r.namespaced && opts.namespace ? `${base}/namespaces/${opts.namespace}/${r.plural}` : `${base}/${r.plural}`;
    const q = new URLSearchParams();
    if (opts.labelSelector) q.set('labelSelector', opts.labelSelector);
    if (opts.fieldSelector) q.set('fieldSelector', opts.fieldSelector);
    const res = await this.call<{ items: T[] }>('GET', q.toString() ? `${path}?${q}` : path);
    return res.body.items;
  }

  /** Creates an object (POST); throws KubeError when refused. */
  public async create<T = any>(obj: ObjectRef & Record<string, unknown>, fieldValidation: 'Strict' | 'Warn' = 'Strict'): Promise<T> {
    return (await this.call<T>('POST', `${await this.collectionPath(obj.apiVersion, obj.kind, obj.metadata.namespace)}?fieldValidation=${fieldValidation}`, obj)).body;
  }

  /** Deletes an object; resolves with the status (404 counts as done). */
  public async delete(obj: ObjectRef, body?: unknown): Promise<number> {
    const res = await this.request('DELETE', await this.objectPath(obj), body);
    if (res.status >= 300 && res.status !== 404) throw new KubeError('DELETE', await this.objectPath(obj), res.status, res.body);
    return res.status;
  }

  /** A merge patch (or a patch of the status subresource). */
  public async mergePatch<T = any>(obj: ObjectRef, patch: unknown, subresource?: string): Promise<T> {
    const path = `${await this.objectPath(obj)}${subresource ? `/${subresource}` : ''}`;
    return (await this.call<T>('PATCH', path, patch, 'application/merge-patch+json')).body;
  }
}
