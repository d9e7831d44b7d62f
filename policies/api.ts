/**
 * The policies as a library: the rules, the offline runner, the report formats and the Pulumi adapter. The pack
 * itself (a gRPC server) is constructed in ./index.ts only; import this module, never that one, from code and tests.
 * Code that never talks to Pulumi imports ./offline, which is all of this but the adapter, and does not load the SDK.
 */
export * from './offline';
export { pulumiPolicies, resourceToObject, inferTargetName, configSchemaOf, SUPPRESSIONS_POLICY, PulumiPolicyOptions } from './pulumi/adapter';
export { estateContextProvider, packEnvironment, PackEnvironment, EstateLoader } from './pulumi/pack-environment';
