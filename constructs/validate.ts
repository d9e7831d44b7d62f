/**
 * Validation of a whole estate: its own model first, then its teams, then its applications, into one collector. The
 * order is part of the contract: the capacity rules stay silent while an earlier rule has found an error.
 */
import { validateApps } from './apps/validate';
import { Problem, ProblemCollector } from './estate/problems';
import type { Estate } from './estate/estate';
import { validateEstateModel } from './estate/validate';
import { validateTenancy } from './tenancy/validate';

/**
 * Runs every rule over the estate and returns every problem found, errors and warnings, ordered by path. Never
 * throws for a rule violation: a rule that cannot evaluate because of another problem stays silent.
 */
export function validateEstate(estate: Estate): Problem[] {
  const problems = new ProblemCollector();
  validateEstateModel(estate, problems);
  validateTenancy(estate, problems);
  validateApps(estate, problems);
  return [...problems.problems];
}
