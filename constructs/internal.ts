/**
 * Everything the constructs define, public or not: the barrel for this repository's own stacks, policies, tests and
 * benches. It is compiled but not reachable from outside the package (package.json `exports` lists only
 * `constructs/index.ts`, the public API); code here may change in any release.
 *
 * @packageDocumentation
 */
export * from './estate';
export * from './apps';
export * from './synth';
export * from './day2';
export * from './tenancy';
export * from './validate';
