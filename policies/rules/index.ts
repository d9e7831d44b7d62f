/** Every rule of the pack, in the order reports and the Pulumi pack list them: estate rules first, then workloads. */
import type { AnyRule } from '../engine/types';
import { forbidReplicasUnderHpa } from './availability/forbid-replicas-under-hpa';
import { requireExistingHpaTarget } from './availability/require-existing-hpa-target';
import { requireMinReplicas } from './availability/require-min-replicas';
import { requirePodDisruptionBudget } from './availability/require-pod-disruption-budget';
import { spreadOverZonesAndHosts } from './availability/spread-over-zones-and-hosts';
import { fitRequestedCapacity } from './capacity/fit-requested-capacity';
import { hardenApiServer } from './control-plane/harden-api-server';
import { requireHaControlPlane } from './control-plane/require-ha-control-plane';
import { requireLeaderElection } from './control-plane/require-leader-election';
import { keepEtcdQuorumOnZoneLoss } from './etcd/keep-etcd-quorum-on-zone-loss';
import { matchEtcdTimeoutsToRtt } from './etcd/match-etcd-timeouts-to-rtt';
import { requireDedicatedEtcdMachines } from './etcd/require-dedicated-etcd-machines';
import { requireEtcdMtls } from './etcd/require-etcd-mtls';
import { requireOddEtcdMembers } from './etcd/require-odd-etcd-members';
import { forbidOverlappingCidrs } from './network/forbid-overlapping-cidrs';
import { limitVersionSkew } from './node-pools/limit-version-skew';
import { requireMachineHealthCheck } from './node-pools/require-machine-health-check';
import { requireNodePoolLabels } from './node-pools/require-node-pool-labels';
import { matchNodeAffinityToPool } from './placement/match-node-affinity-to-pool';
import { restrictPeakClustersToPromotionWindow } from './promotion/restrict-peak-clusters-to-promotion-window';
import { forbidHostAccess } from './security/forbid-host-access';
import { forbidPrivilegedContainers } from './security/forbid-privileged-containers';
import { requirePinnedImageTags } from './security/require-pinned-image-tags';
import { requireRestrictedSecurityContext } from './security/require-restricted-security-context';
import { requireServiceSelectsPods } from './services/require-service-selects-pods';
import { forbidDebugModeInProduction } from './workloads/forbid-debug-mode-in-production';
import { requireDistinctProbes } from './workloads/require-distinct-probes';
import { requirePodLabels } from './workloads/require-pod-labels';
import { requirePrestopHook } from './workloads/require-prestop-hook';
import { requireResources } from './workloads/require-resources';
import { startSidecarsFirst } from './workloads/start-sidecars-first';
import { requireDefinedSubset } from './mesh/require-defined-subset';
import { requireMeshGatewayBinding } from './mesh/require-mesh-gateway-binding';
import { requireSaneOutlierDetection } from './mesh/require-sane-outlier-detection';
import { requireValidRouteWeights } from './mesh/require-valid-route-weights';
import { forbidConflictingGateways } from './mesh/forbid-conflicting-gateways';
import { forbidPlaintextToStrictWorkloads } from './mesh/forbid-plaintext-to-strict-workloads';
import { forbidProbeRewriteOffUnderStrict } from './mesh/forbid-probe-rewrite-off-under-strict';
import { requireAuthorizationWithRequestAuthentication } from './mesh/require-authorization-with-request-authentication';
import { requireCatchAllRouteLast } from './mesh/require-catch-all-route-last';
import { requireKnownMeshHost } from './mesh/require-known-mesh-host';
import { requireProtocolPortNames } from './mesh/require-protocol-port-names';
import { requireSelectedWorkloadEntries } from './mesh/require-selected-workload-entries';
import { forbidBroadTeamRbac } from './tenancy/forbid-broad-team-rbac';
import { forbidOpenNetworkPolicy } from './tenancy/forbid-open-network-policy';
import { requireDefaultDenyNetworkPolicy } from './tenancy/require-default-deny-network-policy';
import { requireResourceQuota } from './tenancy/require-resource-quota';

/** The rules that judge the estate's Cluster API objects (etcd, control planes, node pools, networks, promotions, capacity). */
export const ESTATE_RULES: readonly AnyRule[] = [
  requireOddEtcdMembers,
  requireDedicatedEtcdMachines,
  keepEtcdQuorumOnZoneLoss,
  matchEtcdTimeoutsToRtt,
  requireEtcdMtls,
  requireHaControlPlane,
  hardenApiServer,
  requireLeaderElection,
  requireNodePoolLabels,
  requireMachineHealthCheck,
  forbidOverlappingCidrs,
  limitVersionSkew,
  restrictPeakClustersToPromotionWindow,
  fitRequestedCapacity,
];

/** The rules that judge workloads (labels, probes, hooks, budgets, spread, security, services). */
export const WORKLOAD_RULES: readonly AnyRule[] = [
  requirePodLabels,
  requirePrestopHook,
  requireDistinctProbes,
  requirePodDisruptionBudget,
  spreadOverZonesAndHosts,
  requireMinReplicas,
  forbidReplicasUnderHpa,
  requireExistingHpaTarget,
  requireResources,
  requireRestrictedSecurityContext,
  forbidPrivilegedContainers,
  forbidHostAccess,
  requirePinnedImageTags,
  startSidecarsFirst,
  forbidDebugModeInProduction,
  matchNodeAffinityToPool,
  requireServiceSelectsPods,
];

/** The rules that judge tenancy: network isolation, quotas and the RBAC given to teams. */
export const TENANCY_RULES: readonly AnyRule[] = [
  requireDefaultDenyNetworkPolicy,
  forbidOpenNetworkPolicy,
  requireResourceQuota,
  forbidBroadTeamRbac,
];

/** The rules that judge the service mesh: routes, traffic policies, gateways, mutual TLS, authorization and VMs (Istio). */
export const MESH_RULES: readonly AnyRule[] = [
  requireDefinedSubset,
  requireValidRouteWeights,
  requireMeshGatewayBinding,
  requireSaneOutlierDetection,
  requireKnownMeshHost,
  requireCatchAllRouteLast,
  forbidConflictingGateways,
  forbidPlaintextToStrictWorkloads,
  forbidProbeRewriteOffUnderStrict,
  requireProtocolPortNames,
  requireAuthorizationWithRequestAuthentication,
  requireSelectedWorkloadEntries,
];

/** The whole rule set: what `estate check` and the Pulumi pack run. */
export const RULES: readonly AnyRule[] = [...ESTATE_RULES, ...WORKLOAD_RULES, ...TENANCY_RULES, ...MESH_RULES];

export {
  forbidDebugModeInProduction, forbidHostAccess, forbidOverlappingCidrs, forbidPrivilegedContainers, forbidReplicasUnderHpa,
  fitRequestedCapacity, hardenApiServer, keepEtcdQuorumOnZoneLoss, limitVersionSkew, matchEtcdTimeoutsToRtt,
  matchNodeAffinityToPool, requireDedicatedEtcdMachines, requireDistinctProbes, requireEtcdMtls, requireExistingHpaTarget,
  requireHaControlPlane, requireLeaderElection, requireMachineHealthCheck, requireMinReplicas, requireNodePoolLabels,
  requireOddEtcdMembers, requirePinnedImageTags, requirePodDisruptionBudget, requirePodLabels, requirePrestopHook,
  requireResources, requireRestrictedSecurityContext, requireServiceSelectsPods, restrictPeakClustersToPromotionWindow,
  spreadOverZonesAndHosts, startSidecarsFirst, requireDefaultDenyNetworkPolicy, forbidOpenNetworkPolicy, requireResourceQuota,
  forbidBroadTeamRbac, requireDefinedSubset, requireValidRouteWeights, requireMeshGatewayBinding, requireSaneOutlierDetection,
  requireKnownMeshHost, requireCatchAllRouteLast, forbidConflictingGateways, forbidPlaintextToStrictWorkloads,
  forbidProbeRewriteOffUnderStrict, requireProtocolPortNames, requireAuthorizationWithRequestAuthentication,
  requireSelectedWorkloadEntries,
};
