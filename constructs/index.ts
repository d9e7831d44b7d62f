/** The public API of cluster-estate's constructs: the estate model and its synthesis. */
export * from './estate';
export * from './synth';
