export * from './etcd-config';
export * from './kube-object';
export * from './management';
export * from './output';
export * from './plan';
export * from './summary';
export * from './synthesize';
export * from './writer';
