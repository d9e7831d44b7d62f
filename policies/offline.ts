/**
 * The policies without Pulumi: the rules, the engine, the offline runner and the report formats. The CLI and the
 * diff import this, not ./api, so that `estate check`, `estate diff` and `estate synth` do not load the Pulumi SDK
 * (@pulumi/policy pulls in @pulumi/pulumi and TypeScript: about a third of a second at every start).
 */
export * from './engine/types';
export * from './engine/config';
export * from './engine/context';
export * from './engine/check';
export * from './engine/report';
export * from './engine/suppressions';
export * from './engine/target';
export * from './engine/yaml-input';
export { RULES, ESTATE_RULES, WORKLOAD_RULES, TENANCY_RULES, MESH_RULES } from './rules';
export * from './engine/network-policy';
