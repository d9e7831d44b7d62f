export * from './etcd-procedure';
export * from './immutable-fields';
export * from './impact';
export * from './running-state';
export * from './transition';
export * from './stage';
