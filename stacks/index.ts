/**
 * Pulumi entry point (Pulumi.yaml `main: stacks/index.ts`). One stack per target: `cluster-estate:target` is
 * `management` (every cluster's Cluster API objects) or one cluster's name (that cluster's namespaces and
 * applications). The configuration keys are described in stacks/pulumi/settings.ts; the logic is in stacks/pulumi/.
 */
import { runStackFromConfig } from './pulumi';

export = () => runStackFromConfig();
