/**
 * The cluster-estate policy pack, for `pulumi preview --policy-pack policies` (build first: `npm run build`).
 *
 * Constructing a PolicyPack starts the analyzer's gRPC server, and a process may serve only one pack, so this file
 * does nothing else: the rules, the adapter and the offline runner live in ./api, which code and tests import.
 */
import { PolicyPack } from '@pulumi/policy';
import { estateContextProvider, packEnvironment, pulumiPolicies } from './api';

// Pulumi's policy-pack runner (@pulumi/pulumi/cmd/run-policy-pack) registers its vendored ts-node with TypeScript 3.8
// for .ts files before it loads a pack, whatever the pack's runtime options say. An estate given by path
// (ESTATE_POLICY_ESTATE) is a module of modern TypeScript, or requires some, which TypeScript 3.8 cannot compile:
// tsx takes .ts files over, as it does for the stack program.
// eslint-disable-next-line @typescript-eslint/no-require-imports
(require('tsx/cjs/api') as { register: () => void }).register();

const environment = packEnvironment();

new PolicyPack('cluster-estate', {
  description: 'The cluster-estate rules: dedicated, quorum-safe etcd; HA, hardened control planes; labelled, health-checked node pools; disjoint networks; peak clusters inside their promotion window; capacity; and workloads that are labelled, probed, spread, budgeted, restricted and pinned.',
  enforcementLevel: 'advisory',
  policies: pulumiPolicies({ context: estateContextProvider(environment), ...(environment.target ? { target: environment.target } : {}) }),
});
