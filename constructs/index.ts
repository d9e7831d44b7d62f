/** The public API of cluster-estate's constructs: the estate model, its applications and its synthesis. */
export * from './estate';
export * from './apps';
export * from './synth';
