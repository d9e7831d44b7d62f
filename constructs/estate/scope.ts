/**
 * Lookups from a construct to its scope, by brand. A child construct checks and reaches its parent through these, so
 * its module needs the parent's type only (`import type`): parents import their children, never the other way round.
 */
import type { IConstruct } from 'constructs';
import { BrandName, hasBrand } from './brand';
import { EstateDefinitionError } from './definition-error';
import type { Estate } from './estate';

/** How a scope is named in an error: "an Estate", "a ClusterGroup". */
function article(name: BrandName): string {
  return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
}

/**
 * Returns `scope` when it is a `expected` (by brand, so across copies of this library); throws a typed error naming
 * the construct path otherwise.
 */
export function requireScope<T extends IConstruct>(scope: T, expected: BrandName, what: string, id: string): T {
  if (!scope || !hasBrand(scope, expected)) {
    const path = scope && scope.node ? `${scope.node.path}/${id}` : id;
    const want = article(expected);
    throw new EstateDefinitionError(path, 'construct-scope', `a ${what} must be created in ${want}`, `pass ${want} as the scope of the ${what}`);
  }
  return scope;
}

/** True when `x` is an Estate, also across copies of this library. */
export function isEstate(x: unknown): x is Estate {
  return hasBrand(x, 'Estate');
}

/** The estate a construct belongs to: the root of its tree. */
export function estateOf(construct: IConstruct): Estate {
  const root = construct.node.root;
  if (!isEstate(root)) {
    throw new EstateDefinitionError(construct.node.path, 'construct-outside-estate', 'this construct is not inside an Estate', 'create it with an Estate (or one of its children) as scope');
  }
  return root;
}
