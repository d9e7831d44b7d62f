import { IConstruct } from 'constructs';
import type { ValidationRuleId } from './rules';

/**
 * Thrown while an estate is being written, when a call cannot make sense at all (a duplicate id, a construct put in
 * the wrong place). Rule violations of a complete estate are collected by validation instead.
 */
export class EstateDefinitionError extends Error {
  constructor(
    /** Construct path where the call was made. */
    public readonly path: string,
    /** Stable rule id from `VALIDATION_RULES`. */
    public readonly rule: ValidationRuleId,
    message: string,
    /** How to fix it. */
    public readonly fix: string,
  ) {
    super(`${rule} at ${path}: ${message}. Fix: ${fix}`);
    this.name = 'EstateDefinitionError';
  }
}

/** Returns `id` when `scope` has no child of that id yet; throws a typed error otherwise. */
export function uniqueChildId(scope: IConstruct, id: string, what: string): string {
  if (typeof id !== 'string' || id.length === 0) {
    throw new EstateDefinitionError(scope.node.path || '/', 'construct-id-required', `a ${what} needs a non-empty id`, `give the ${what} a name`);
  }
  if (scope.node.tryFindChild(id)) {
    throw new EstateDefinitionError(
      `${scope.node.path}/${id}`,
      'unique-names',
      `a ${what} named "${id}" already exists here`,
      `choose another name for the ${what}`,
    );
  }
  return id;
}
