/**
 * The policies as a library: the rules, the offline runner, the report formats and the Pulumi adapter. The pack
 * itself (a gRPC server) is constructed in ./index.ts only; import this module, never that one, from code and tests.
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
export { pulumiPolicies, resourceToObject, inferTargetName, configSchemaOf, SUPPRESSIONS_POLICY, PulumiPolicyOptions } from './pulumi/adapter';
export { estateContextProvider, packEnvironment, PackEnvironment, EstateLoader } from './pulumi/pack-environment';
export * from './engine/network-policy';
