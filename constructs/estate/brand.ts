/**
 * Type checks that work across copies of this library. A product team's project may load two copies of
 * cluster-estate (two installs, or source and compiled code), and `instanceof` then fails silently: an estate
 * whose clusters are not recognized would synthesize to nothing. Each construct class stamps its instances with a
 * global symbol instead, and the checks read the stamp.
 */
export type BrandName =
  | 'Estate' | 'Region' | 'Idc' | 'Zone' | 'Promotion' | 'ClusterGroup' | 'Cluster' | 'ControlPlane' | 'EtcdCluster' | 'NodePool'
  | 'AppTemplate' | 'CapacityPolicy' | 'Team';

const symbols = new Map<BrandName, symbol>();

function symbolFor(name: BrandName): symbol {
  let s = symbols.get(name);
  if (!s) symbols.set(name, (s = Symbol.for(`cluster-estate.${name}`)));
  return s;
}

/** Stamps `instance` as a `name`. */
export function brand(instance: object, name: BrandName): void {
  Object.defineProperty(instance, symbolFor(name), { value: true, enumerable: false });
}

/** True when `x` was stamped as a `name`, by any copy of this library. */
export function hasBrand(x: unknown, name: BrandName): boolean {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[symbolFor(name)] === true;
}
