export * from './meta';
export * from './cluster-api';
export * from './kubeadm';
export * from './metal3';
export * from './aws';
export * from './core';
export * from './infrastructure';

import type { Cluster, Machine, MachineDeployment, MachineHealthCheck } from './cluster-api';
import type { EtcdBootstrapSecret, Namespace } from './core';
import type { InfrastructureMachineTemplate, InfrastructureObject } from './infrastructure';
import type { KubeadmConfigTemplate, KubeadmControlPlane } from './kubeadm';

/** Every object the management renderer writes for one cluster. */
export type ManagementObject =
  | Namespace
  | Cluster
  | KubeadmControlPlane
  | MachineHealthCheck
  | EtcdBootstrapSecret
  | Machine
  | MachineDeployment
  | KubeadmConfigTemplate
  | InfrastructureObject
  | InfrastructureMachineTemplate;
