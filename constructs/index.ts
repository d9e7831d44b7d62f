/**
 * The public API of cluster-estate (`import … from 'cluster-estate'`): the estate model, the application templates
 * that product teams place on it, and synthesis to plain Kubernetes and Cluster API objects.
 *
 * Re-exports only, and only what is listed here is public: the API report (`.api/cluster-estate.api.md`) records it and
 * a test fails when it changes without the report. Helpers used across this repository's own code live in
 * `./internal.ts`, which the package does not export.
 *
 * @packageDocumentation
 */

// ── The estate: topology, clusters, groups and promotions ────────────────────────────────────────────────────────
export { Estate, type EstateProps, Region, type RegionProps, Idc, type IdcProps, IdcKind, Zone, type ZoneProps, type ZoneRtt } from './estate/estate';
export { ClusterGroup, type ClusterGroupProps, ClusterGroupKind } from './estate/cluster-group';
export {
  Promotion, type PromotionProps, PromotionPhase, type PromotionCalendar, type PhaseAt, parseAsOf, phaseAt,
} from './estate/promotion';
export { Cluster, type ClusterProps, type ClusterUpgradeProps, type ObjectPatch } from './estate/cluster';
export {
  ControlPlane, type ControlPlaneProps, type ControlPlaneEndpoint, type AuditLogProps, type LeaderElectionProps, SecretsEncryption,
  DEFAULT_CONTROL_PLANE_INSTANCE,
} from './estate/control-plane';
export { EtcdCluster, type EtcdClusterProps, EtcdCompactionMode, type EtcdMember, DEFAULT_ETCD_INSTANCE } from './estate/etcd-cluster';
export { type EtcdTimeouts, timeoutsForRtt } from './estate/etcd-math';
export {
  InfrastructureProvider, type InfrastructureProviderProps, type InfrastructureClusterContext, type MachineContext, MachineRole,
  type Metal3Options, type AwsOptions,
} from './estate/infrastructure';
export { type InstanceSpec, type DiskSpec, DiskType, DEFAULT_DISKS } from './estate/instance';
export { NodePool, type NodePoolProps, type AutoscalingBounds, type HealthCheckProps, type Taint, TaintEffect } from './estate/node-pool';

// ── Validation and errors ────────────────────────────────────────────────────────────────────────────────────────
export { EstateDefinitionError } from './estate/definition-error';
export { type Problem, ProblemSeverity, EstateValidationError, formatProblem } from './estate/problems';
export { validateEstate } from './validate';
export {
  VALIDATION_RULES, type ValidationRule, type ValidationRuleId, type ValidationRuleSeverity, ValidationStage, isValidationRuleId,
} from './estate/rules';

// ── Well-known labels and annotations on the synthesized objects ─────────────────────────────────────────────────
export {
  ESTATE_DOMAIN, LABEL_ESTATE, LABEL_REGION, LABEL_IDC, LABEL_ZONE, LABEL_CLUSTER, LABEL_GROUP, LABEL_GROUP_KIND,
  LABEL_ROLE, LABEL_POOL_ROLE, LABEL_MACHINE_MODEL, LABEL_ETCD_MEMBER, ANNOTATION_PROMOTION, ANNOTATION_PHASE,
  ANNOTATION_PURPOSE, ANNOTATION_ZONES, NODE_POOL,
} from './estate/well-known-labels';
export {
  LABEL_APP, LABEL_ENV, LABEL_CHANNEL, LABEL_SERVING, SERVING, QUARANTINED, ANNOTATION_DEBUG, ReleaseChannel, quarantineCommand,
} from './apps/labels';

// ── Applications: the template product teams use ─────────────────────────────────────────────────────────────────
export { AppTemplate, type AppTemplateProps, type PeakProfileProps, type ResolvedPlacement } from './apps/app-template';
export { type AppSpecProps, type AutoscalingProps, type AppSpec, type ChannelPlanSpec, DEFAULT_NODE_POOL, DEFAULT_PORTS } from './apps/spec';
export { type AppPlacementProps } from './apps/placement';
export { AppImage, type ImageLayersProps, type AppYamlOptions, type ImageReference, type ResolvedImage, DEFAULT_IMAGE_REGISTRY } from './apps/image';
export { Release, type CanaryProps, type BlueGreenProps, type ChannelSpec, type MeshReleaseSpec } from './apps/release';
export {
  Sidecar, SidecarKind, SidecarMode, type LogShipperProps, type OpsAgentProps, type MeshProxyProps, type CustomSidecarProps,
  type ContainerPortSpec, type VolumeMountSpec, type SidecarSpec,
} from './apps/sidecars';
export { type AppProbesProps, type ProbeProps, type ProbeCheck, type ProbeSpec } from './apps/probes';
export { type LifecycleProps, type LifecycleSpec } from './apps/lifecycle';
export { type ContainerResources, type ResourceRange, type ResourceAmount } from './apps/resources';
export { type DebugProps } from './apps/debug';
export { AppPriority } from './apps/priority';
export { CapacityPolicy, type CapacityPolicyProps } from './apps/capacity-policy';
export { type SystemReserve, type PoolCapacity, DEFAULT_SYSTEM_RESERVE } from './apps/capacity';

// ── Tenancy: teams own namespaces, apps state who may call them ──────────────────────────────────────────────────
export { Team, type TeamProps, type TeamBudget } from './tenancy/team';
export {
  type AccessIntent, Caller, CallerKind, type CallerOptions, type CallerSpec, type IngressGatewayOptions, type LoadBalancerOptions,
  Destination, DestinationKind, type DestinationSpec, type DestinationPortsOptions, type NamespaceDestinationOptions,
  type ExternalDestinationOptions, NetworkProtocol, type AccessSpec, DEFAULT_INGRESS_GATEWAY,
} from './tenancy/access';
export { LABEL_TEAM, CLUSTER_DNS, DEFAULT_DENY_POLICY } from './tenancy/render';
export { type RoleRule, DEPLOYER_RULES, READER_RULES } from './tenancy/rbac';

// ── Service mesh: mTLS, gateways and deny-alls per cluster; traffic policy, routes, authorization and VMs per app;
//    swimlanes across apps ─────────────────────────────────────────────────────────────────────────────────────
export { MeshProvider, MtlsMode, type MeshProps, type MeshSpec, injectionLabel } from './mesh/mesh';
export {
  type AppMeshProps, type AppMeshSpec, type CircuitBreakerProps, type CircuitBreakerSpec, type RetryProps, type FaultProps, type GatewayRouteProps,
  istioDuration, DEFAULT_PROXY_RESOURCES, MIN_FAULT_REASON_LENGTH, proxyResourceAnnotations,
} from './mesh/traffic';
export { CanaryRoute, type CanaryRouteSpec, type CommunityRouteOptions, MAX_CANARY_COMMUNITIES } from './mesh/route';
export { appHost } from './mesh/render';
export {
  GatewayProtocol, GatewayServiceType, type GatewayListenerProps, type GatewayListenerSpec, type CommunityLanesProps, type IngressGatewayProps,
  type IngressGatewaySpec, DEFAULT_GATEWAY_NAMESPACE, DEFAULT_GATEWAY_RESOURCES, MAX_GATEWAY_COMMUNITIES, gatewayRef,
} from './mesh/gateway';
export { gatewayPodLabels, GATEWAY_SELECTOR_LABEL } from './mesh/gateway-render';
export { LaneGroup, LaneMode, LanePropagation, type LaneGroupProps, type LaneGroupSpec } from './mesh/lanes';
export { type JwtProps, type JwtSpec } from './mesh/security';
export { type VmGroupProps, type VmGroupSpec, type VmProps } from './mesh/vm';

// ── Synthesis ────────────────────────────────────────────────────────────────────────────────────────────────────
export { synthesize, type SynthesizeOptions, type Synthesis, type SynthesizedTarget, MANAGEMENT_TARGET } from './synth/synthesize';
export { type KubeObject, type ObjectMeta, objectId } from './synth/kube-object';
export {
  type EstatePlan, type ClusterPlan, type AbsentCluster, type PromotionStatus, type ControlPlanePlan, type EtcdPlan,
  type EtcdMemberPlan, type PoolPlan,
  type PoolZonePlan,
} from './synth/plan';
export { writeSynthesis, synthesisFiles } from './synth/output';
export { type OutputFile, SUMMARY_FILE, objectToYaml } from './synth/writer';
export { summarize, type SynthesisSummary, type Capacity, type ClusterCapacity, type ClusterWorkloads } from './synth/summary';
// The plan of each app instance is part of a synthesis's result (Synthesis.plan.apps).
export { type AppInstancePlan, type WorkloadPlan, ZoneRouting } from './apps/instance-plan';

// ── Day 2: changes to a running estate ───────────────────────────────────────────────────────────────────────────
export {
  readRunningEstate, type RunningEstate, type RunningCluster, type RunningEtcd, type RunningEtcdMember, type RunningPool,
  etcdConfigOfBootstrap, ANNOTATION_UPGRADE_WAVE, ANNOTATION_UPGRADE_DURING_PROMOTION,
} from './day2/running-state';
export { validateTransition, TRANSITION_RULES, TransitionOptions } from './day2/transition';
export { IMMUTABLE_CLUSTER_FIELDS, type ImmutableClusterField, ImmutableFieldHandling } from './day2/immutable-fields';
export {
  planEtcdProcedure, type PlanEtcdOptions, type EtcdProcedure, type EtcdStep, EtcdStepAction, EtcdStepRunner, type EtcdctlCall,
  type DesiredEtcdMember, joinerInitialCluster, nextControllerStep, runbookLine, etcdctlEnvironment,
} from './day2/etcd-procedure';
export { operationalImpact, type OperationalImpact, type MachineRollout, type VersionUpgrade } from './day2/impact';
