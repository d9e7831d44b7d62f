import type { KubeObject } from '../../constructs';

/**
 * The objects of one target with the lookups relational rules need. Indexes are built on first use and kept, so a
 * rule that looks up a PodDisruptionBudget for each of 10,000 Deployments does not scan the target each time.
 * Read-only: rules never change objects.
 */
export class TargetView {
  private byKindIndex?: Map<string, KubeObject[]>;
  private readonly byKeyIndex = new Map<string, Map<string, Map<string, KubeObject>>>();
  private readonly byNamespaceIndex = new Map<string, Map<string, KubeObject[]>>();
  private readonly memos = new Map<string, unknown>();

  constructor(
    /** `management`, a cluster name, or for YAML input the files' common name. */
    public readonly name: string,
    public readonly objects: readonly KubeObject[],
  ) {}

  /** Objects of one kind, in target order. */
  public ofKind(kind: string): readonly KubeObject[] {
    if (!this.byKindIndex) {
      const index = new Map<string, KubeObject[]>();
      for (const o of this.objects) {
        const list = index.get(o.kind);
        if (list) list.push(o);
        else index.set(o.kind, [o]);
      }
      this.byKindIndex = index;
    }
    return this.byKindIndex.get(kind) ?? [];
  }

  /** Objects of one kind in one namespace. */
  public inNamespace(kind: string, namespace: string | undefined): readonly KubeObject[] {
    let index = this.byNamespaceIndex.get(kind);
    if (!index) {
      index = new Map();
      for (const o of this.ofKind(kind)) {
        const ns = o.metadata?.namespace ?? '';
        const list = index.get(ns);
        if (list) list.push(o);
        else index.set(ns, [o]);
      }
      this.byNamespaceIndex.set(kind, index);
    }
    return index.get(namespace ?? '') ?? [];
  }

  /** The object of a kind, namespace and name, if the target has it (the first, when it has several). */
  public find(kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    // Indexed per kind on first use: a cluster's HPAs look up Deployments without indexing every other kind.
    let byNamespace = this.byKeyIndex.get(kind);
    if (!byNamespace) {
      byNamespace = new Map();
      for (const o of this.ofKind(kind)) {
        const ns = o.metadata?.namespace ?? '';
        let byName = byNamespace.get(ns);
        if (!byName) byNamespace.set(ns, (byName = new Map()));
        const objectName = String(o.metadata?.name ?? '');
        if (!byName.has(objectName)) byName.set(objectName, o);
      }
      this.byKeyIndex.set(kind, byNamespace);
    }
    return byNamespace.get(namespace ?? '')?.get(name);
  }

  /**
   * A value derived from the whole target, computed once per key (for example every Cluster's networks, for a
   * sweep that finds overlaps in n log n instead of comparing each pair per object). It is also the one place where
   * rules and engine helpers keep what they remember between objects (a cache keyed by pod spec or pool list is a
   * memo whose value is a WeakMap or Map): it lives exactly as long as the target, so nothing a check remembers
   * leaks into the next check or outlives the objects, and a rule stays a function of its input.
   * Keys are `area/name` (`scheduling/selections`, `require-pod-labels/value-problems`), one per value type.
   */
  public memo<T>(key: string, compute: () => T): T {
    // One lookup in the common case: this runs for every object a rule judges.
    const found = this.memos.get(key);
    if (found !== undefined || this.memos.has(key)) return found as T;
    const value = compute();
    this.memos.set(key, value);
    return value;
  }
}
