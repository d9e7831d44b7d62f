export * from './etcd-config';
export * from './kube-object';
export * from './management';
export * from './plan';
export * from './synthesize';
