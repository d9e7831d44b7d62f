/**
 * The cluster-estate policy pack, for `pulumi preview --policy-pack policies` (build first: `npm run build`).
 *
 * Constructing a PolicyPack starts the analyzer's gRPC server, and a process may serve only one pack, so this file
 * does nothing else: the rules, the adapter and the offline runner live in ./api, which code and tests import.
 *
 * This entry point is the pack's composition root, and the one file under policies/ that imports from stacks/: it
 * hands the policies library the estate loader (the library itself depends on the constructs only). The package does
 * not ship it (package.json `files`).
 */
import { PolicyPack } from '@pulumi/policy';
import { loadEstate } from '../stacks/estates';
import { registerTypeScriptLoader } from '../stacks/estates/module-loading';
import { estateContextProvider, packEnvironment, pulumiPolicies } from './api';

// Pulumi's policy-pack runner (@pulumi/pulumi/cmd/run-policy-pack) registers its vendored ts-node with TypeScript 3.8
// for .ts files before it loads a pack, whatever the pack's runtime options say. An estate given by path
// (ESTATE_POLICY_ESTATE) is a module of modern TypeScript, or requires some, which TypeScript 3.8 cannot compile:
// tsx takes .ts files over, as it does for the stack program.
registerTypeScriptLoader({ replaceExisting: true });

const environment = packEnvironment();

new PolicyPack('cluster-estate', {
  description: 'The cluster-estate rules: dedicated, quorum-safe etcd; HA, hardened control planes; labelled, health-checked node pools; disjoint networks; peak clusters inside their promotion window; capacity; and workloads that are labelled, probed, spread, budgeted, restricted and pinned.',
  enforcementLevel: 'advisory',
  policies: pulumiPolicies({
    context: estateContextProvider(environment, loadEstate),
    ...(environment.target ? { target: environment.target } : {})
  }),
});
