/**
 * The estate context inside the policy pack. `pulumi preview --policy-pack policies` runs the pack in a process of
 * its own that sees no stack configuration; the environment tells it which estate the stacks apply:
 *
 *   ESTATE_POLICY_ESTATE=reference ESTATE_POLICY_AS_OF=2026-11-11T00:00:00+08:00 pulumi preview --policy-pack policies
 *
 * With ESTATE_POLICY_ESTATE set, the pack synthesizes that estate once (at ESTATE_POLICY_AS_OF, default now; use the
 * stack's cluster-estate:asOf) and the rules that need the estate (capacity, node affinity against the cluster's
 * pools, the promotion window, etcd RTT) run as in `estate check --estate`. ESTATE_POLICY_TARGET names the stack's
 * target when the objects cannot tell it. Without ESTATE_POLICY_ESTATE those rules are not applicable.
 */
import { Estate, parseAsOf, synthesize } from '../../constructs';
import { estateContext, EstateContext } from '../engine/context';

/**
 * Loads an estate by built-in name or module path, relative to `cwd`. The pack's entry point passes the stacks'
 * `loadEstate`: the policies library itself depends on the constructs only.
 */
export type EstateLoader = (nameOrPath: string, cwd: string) => Estate;

/** What the policy pack reads from its environment (`ESTATE_POLICY_ESTATE`, `ESTATE_POLICY_AS_OF`, …). */
export interface PackEnvironment {
  readonly estate?: string;
  readonly asOf?: Date;
  readonly target?: string;
}

/** Reads ESTATE_POLICY_ESTATE, ESTATE_POLICY_AS_OF and ESTATE_POLICY_TARGET; throws on a malformed as-of. */
export function packEnvironment(env: NodeJS.ProcessEnv = process.env): PackEnvironment {
  const asOfText = env.ESTATE_POLICY_AS_OF;
  const asOf = asOfText ? parseAsOf(asOfText) : undefined;
  if (asOfText && !asOf) throw new Error(`ESTATE_POLICY_AS_OF "${asOfText}" is not an ISO-8601 time with an offset, such as 2026-11-11T00:00:00+08:00`);
  return {
    ...(env.ESTATE_POLICY_ESTATE ? { estate: env.ESTATE_POLICY_ESTATE } : {}),
    ...(asOf ? { asOf } : {}),
    ...(env.ESTATE_POLICY_TARGET ? { target: env.ESTATE_POLICY_TARGET } : {}),
  };
}

/** A lazy, memoized context provider: the estate is loaded and synthesized on first use, once per process. */
export function estateContextProvider(
  environment: PackEnvironment,
  loadEstate: EstateLoader,
  cwd: string = process.cwd(),
): () => EstateContext | undefined {
  let made: EstateContext | undefined;
  return () => {
    if (!environment.estate) return undefined;
    if (!made) {
      const estate = loadEstate(environment.estate, cwd);
      made = estateContext(synthesize(estate, { asOf: environment.asOf ?? new Date() }), estate);
    }
    return made;
  };
}
