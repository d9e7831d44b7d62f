import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { KubeObject } from './kube-object';

/**
 * A synthesized object in a target's cdk8s chart. Our renderers produce plain JSON data with no cdk8s tokens, so
 * resolving it token by token (what `ApiObject.toJson` does for every leaf) only copies it; that copy was most of
 * synthesis time. Unpatched objects therefore take the direct path below, which gives the same JSON in the same
 * key order (proved by a test against `ApiObject.toJson`); patched objects, and anything a user changes through
 * cdk8s, take cdk8s's own path.
 */
export class RenderedObject extends ApiObject {
  private readonly plain: KubeObject;
  private patched = false;

  constructor(scope: Construct, id: string, object: KubeObject) {
    super(scope, id, object);
    this.plain = object;
  }

  public addJsonPatch(...ops: JsonPatch[]): void {
    this.patched = true;
    super.addJsonPatch(...ops);
  }

  public toJson(): KubeObject {
    if (this.patched) return super.toJson();
    return canonicalObject(this.plain, this.metadata.toJson());
  }
}

/**
 * The object as cdk8s writes it: `apiVersion`, `kind` and `metadata` first, then the other fields; keys sorted at
 * every level below the top; null and undefined values dropped; in `metadata`, empty maps and lists dropped too.
 * @internal
 */
export function canonicalObject(object: KubeObject, metadata?: KubeObject['metadata']): KubeObject {
  const { apiVersion, kind, metadata: ownMetadata, ...rest } = object;
  const body = sorted(rest, false) as Record<string, unknown>;
  const result: Record<string, unknown> = { apiVersion, kind, metadata: metadata ?? sorted(ownMetadata, true) };
  for (const key of Object.keys(body)) if (key !== 'apiVersion' && key !== 'kind') result[key] = body[key];
  return result as unknown as KubeObject;
}

function sorted(value: unknown, dropEmpty: boolean): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    if (dropEmpty && value.length === 0) return undefined;
    return value.map((v) => sorted(v, dropEmpty));
  }
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  let kept = 0;
  for (const key of Object.keys(source).sort()) {
    const v = sorted(source[key], dropEmpty);
    if (v !== undefined) {
      out[key] = v;
      kept++;
    }
  }
  return dropEmpty && kept === 0 ? undefined : out;
}
