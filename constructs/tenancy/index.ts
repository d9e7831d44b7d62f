export * from './access';
export * from './team';
export * from './rbac';
export * from './sizing';
export * from './render';
export * from './synth';
export * from './validate';
