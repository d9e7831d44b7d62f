/** The Pulumi program of cluster-estate: one stack per target (management, or one workload cluster). */
export * from './errors';
export * from './estate-target';
export * from './kubeconfig';
export * from './object-rules';
export * from './program';
export * from './settings';
export * from './target-plan';
