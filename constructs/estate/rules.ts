/**
 * The catalogue of validation rule ids: every id a Problem or an EstateDefinitionError carries, with what it checks,
 * how serious it is and the policy that checks the same invariant again on the synthesized objects. A Problem's `rule`
 * is typed from this table, so an id that is not listed here fails to compile. The README's table is generated from it.
 */

/** How serious a rule's problems are. The values are those of `ProblemSeverity`. */
export type ValidationRuleSeverity = 'error' | 'warning';

/** Where in the pipeline a rule runs. */
export enum ValidationStage {
  /** While the estate is written: the constructor throws an `EstateDefinitionError`. */
  DEFINITION = 'definition',
  /** `validateEstate`, over the whole estate and its applications. */
  ESTATE = 'estate',
  /** `synthesize`, on what only rendering can tell (a patch that matches nothing). */
  SYNTHESIS = 'synthesis',
  /** `validateTransition`, from what runs to what the head declares. */
  TRANSITION = 'transition',
}

/** One entry of the catalogue. */
export interface ValidationRule {
  /** What the rule checks, in one sentence. */
  readonly summary: string;
  /**
   * The most serious problem the rule reports. A rule of severity `error` may also warn, for a weaker form of the
   * same problem; one of severity `warning` never blocks synthesis.
   */
  readonly severity: ValidationRuleSeverity;
  /** Where the rule runs. */
  readonly stage: ValidationStage;
  /**
   * The id of the policy rule (policies/rules) that enforces the same invariant after synthesis, on hand-written YAML too.
   * @default - no policy checks it again
   */
  readonly policy?: string;
}

const E = 'error';
const W = 'warning';
const { DEFINITION, ESTATE, SYNTHESIS, TRANSITION } = ValidationStage;

/** Every validation rule id, by id. Ids are kebab-case and never change meaning once released. */
export const VALIDATION_RULES = {
  // ── Writing the estate (EstateDefinitionError) ──────────────────────────────────────────────────────────────────
  'construct-id-required': { summary: 'Every construct has a non-empty id.', severity: E, stage: DEFINITION },
  'construct-scope': { summary: 'A construct is created in the scope it belongs to (a Region in an Estate, an Idc in a Region).', severity: E, stage: DEFINITION },
  'construct-outside-estate': { summary: 'A construct that needs its estate sits in an Estate\'s tree.', severity: E, stage: DEFINITION },
  'app-props': { summary: 'An app template is given its image, resources and placement.', severity: E, stage: DEFINITION },

  // ── The estate: topology, groups, promotions, clusters ──────────────────────────────────────────────────────────
  'name-syntax': { summary: 'Names of the estate, regions, IDCs, zones, groups, promotions, apps, namespaces and teams are DNS labels.', severity: E, stage: ESTATE },
  'unique-names': { summary: 'Children of one scope, IDCs, zones, clusters and the objects apps render have names of their own.', severity: E, stage: ESTATE },
  'topology': { summary: 'The estate has a region, each region an IDC, each IDC a zone; an estate with no cluster is a warning.', severity: E, stage: ESTATE },
  'infrastructure': { summary: 'Every IDC names the Cluster API infrastructure provider that builds its machines.', severity: E, stage: ESTATE },
  'zone-rtt': { summary: 'Round-trip times between zones are milliseconds, 0 or more.', severity: E, stage: ESTATE },
  'zone-reference': { summary: 'Zones named by round-trip times, control planes and node pools are zones of the cluster\'s IDC.', severity: E, stage: ESTATE },
  'idc-reference': { summary: 'A cluster runs in an IDC of its own estate.', severity: E, stage: ESTATE },
  'group-kind': { summary: 'A cluster group is DAILY or PEAK.', severity: E, stage: ESTATE },
  'group-promotion': { summary: 'A peak group names a promotion of its estate; a daily group names none.', severity: E, stage: ESTATE },
  'promotion-batches': { summary: 'A promotion scales out and drains in 1 to 100 batches.', severity: E, stage: ESTATE },
  'promotion-dates': {
    summary: 'A promotion\'s calendar has an IANA time zone and ISO-8601 dates in the order prepareFrom < peakFrom < peakTo < drainUntil.',
    severity: E, stage: ESTATE,
  },
  'kubernetes-version': { summary: 'Control plane and pool versions are Kubernetes versions (v1.MINOR.PATCH).', severity: E, stage: ESTATE },
  'version-skew': { summary: 'A pool is not newer than its control plane and at most three minors older.', severity: E, stage: ESTATE, policy: 'limit-version-skew' },
  'cidr-syntax': { summary: 'Pod, service and etcd member networks are CIDR blocks.', severity: E, stage: ESTATE },
  'cidr-overlap': { summary: 'Pod, service and etcd blocks overlap neither within a cluster nor across the estate.', severity: E, stage: ESTATE, policy: 'forbid-overlapping-cidrs' },
  'upgrade-wave': { summary: 'An upgrade wave is a whole number from 0 to 99, and a reason to upgrade during a promotion is not empty.', severity: E, stage: ESTATE },
  'node-pools': { summary: 'A cluster has at least one node pool.', severity: E, stage: ESTATE },
  'name-length': { summary: 'Object names built from cluster, pool and zone names fit in 63 characters.', severity: E, stage: ESTATE },
  'control-plane-replicas': { summary: 'An HA control plane runs 3 or 5 API server replicas.', severity: E, stage: ESTATE, policy: 'require-ha-control-plane' },
  'control-plane-spread': {
    summary: 'The control plane spreads over as many zones as its IDC offers, up to 3; an IDC with one zone is a warning.',
    severity: E, stage: ESTATE, policy: 'require-ha-control-plane',
  },
  'control-plane-endpoint': { summary: 'The control-plane endpoint has a host and a TCP port.', severity: E, stage: ESTATE },
  'leader-election': { summary: 'Leader election keeps 0 < retry period < renew deadline < lease duration.', severity: E, stage: ESTATE, policy: 'require-leader-election' },
  'api-server-hardening': {
    summary: 'Audit log settings are positive whole numbers; anonymous requests to the API server are a warning.',
    severity: E, stage: ESTATE, policy: 'harden-api-server',
  },
  'etcd-odd-member-count': { summary: 'A dedicated etcd runs 3, 5 or 7 members.', severity: E, stage: ESTATE, policy: 'require-odd-etcd-members' },
  'etcd-placement': { summary: 'etcd.memberZones names exactly one zone per member.', severity: E, stage: ESTATE },
  'etcd-zone-survivability': {
    summary: 'Losing any one zone leaves etcd a quorum; where the IDC has too few zones for that, it is a warning.',
    severity: E, stage: ESTATE, policy: 'keep-etcd-quorum-on-zone-loss',
  },
  'etcd-member-subnet': { summary: 'etcd.memberSubnet holds every member\'s address.', severity: E, stage: ESTATE },
  'etcd-member-address': { summary: 'etcd.memberAddresses are IP addresses of existing members, outside the pod and service networks.', severity: E, stage: ESTATE },
  'etcd-timeouts': {
    summary: 'etcd heartbeat and election timeout are whole milliseconds, the election at least five heartbeats and at most 50 s.',
    severity: E, stage: ESTATE, policy: 'match-etcd-timeouts-to-rtt',
  },
  'etcd-settings': { summary: 'etcd sizes and ports are positive whole numbers, with distinct client and peer ports.', severity: E, stage: ESTATE },
  'node-pool-scaling': { summary: 'A node pool has either fixed replicas per zone or autoscaler bounds.', severity: E, stage: ESTATE },
  'autoscaler-bounds': { summary: 'Node pool autoscaler bounds are whole numbers with 1 <= minPerZone <= maxPerZone.', severity: E, stage: ESTATE },
  'node-label-reach': { summary: 'A node pool label can reach its nodes through Cluster API or the kubelet.', severity: E, stage: ESTATE },
  'instance-spec': { summary: 'A machine instance has a model, vCPU and memory.', severity: E, stage: ESTATE },
  'health-check': { summary: 'Machine health check timeouts are positive seconds and maxUnhealthy a number or percentage.', severity: E, stage: ESTATE, policy: 'require-machine-health-check' },

  // ── Applications ────────────────────────────────────────────────────────────────────────────────────────────────
  'namespace': { summary: 'An app does not run in default or a kube- namespace.', severity: E, stage: ESTATE },
  'ports': { summary: 'An app exposes at least one port; ports are valid, named and unique within the pod.', severity: E, stage: ESTATE },
  'env': { summary: 'Environment variable names are identifiers and their values strings.', severity: E, stage: ESTATE },
  'container-resources': { summary: 'Every container states CPU and memory with 0 < request <= limit.', severity: E, stage: ESTATE, policy: 'require-resources' },
  'probes-required': { summary: 'Every container, sidecars included, has readiness and liveness probes.', severity: E, stage: ESTATE, policy: 'require-distinct-probes' },
  'probe-check': { summary: 'A probe checks exactly one of http, tcp and exec, on a port the container exposes.', severity: E, stage: ESTATE },
  'probe-settings': { summary: 'Probe periods, thresholds and timeouts are whole numbers, the timeout within the period.', severity: E, stage: ESTATE },
  'probes-distinct': { summary: 'Readiness and liveness probes differ.', severity: E, stage: ESTATE, policy: 'require-distinct-probes' },
  'lifecycle': { summary: 'preStop steps are commands and grace periods whole seconds; a shutdown of 0 seconds is a warning.', severity: E, stage: ESTATE },
  'image-pinned': { summary: 'Images and image layers are pinned to a released tag or a digest.', severity: E, stage: ESTATE, policy: 'require-pinned-image-tags' },
  'image-layers': { summary: 'A layered image has a valid entrypoint, version and app.yaml.', severity: E, stage: ESTATE },
  'release': { summary: 'Gray percent, weight steps and current step of a release are in range.', severity: E, stage: ESTATE },
  'autoscaling': { summary: 'An app\'s autoscaling factor is 1 or more and its utilisation targets 1 to 100 percent.', severity: E, stage: ESTATE },
  'peak-profile': { summary: 'A peak profile names a promotion of the estate and a factor of 1 or more.', severity: E, stage: ESTATE },
  'disruption-budget': { summary: 'maxUnavailablePercent is a whole number from 1 to 100.', severity: E, stage: ESTATE, policy: 'require-pod-disruption-budget' },
  'pod-security': { summary: 'Containers never run as root (runAsUser above 0).', severity: E, stage: ESTATE, policy: 'require-restricted-security-context' },
  'tmp-size': { summary: 'The writable /tmp is 1 MiB or more.', severity: E, stage: ESTATE },
  'label-syntax': { summary: 'Label keys and values, and a pool\'s role, are valid Kubernetes labels.', severity: E, stage: ESTATE },
  'reserved-label': { summary: 'Labels the estate or the template set themselves are not given by hand.', severity: E, stage: ESTATE },
  'priority': { summary: 'An app\'s priority is one of AppPriority.', severity: E, stage: ESTATE },
  'sidecar-mode': { summary: 'A sidecar mode is one of SidecarMode.', severity: E, stage: ESTATE },
  'native-sidecars': { summary: 'Native sidecars run only where the control plane and pools run Kubernetes 1.29 or later.', severity: E, stage: ESTATE, policy: 'start-sidecars-first' },
  'log-shipper': { summary: 'A log shipper names Kafka brokers as host:port and a valid topic.', severity: E, stage: ESTATE },
  'volume-name': { summary: 'Volume names are labels, mount paths absolute, and sidecars do not mount the main container\'s /tmp.', severity: E, stage: ESTATE },
  'debug-in-production': { summary: 'Debug mode in production needs a written reason.', severity: E, stage: ESTATE, policy: 'forbid-debug-mode-in-production' },
  'placement': { summary: 'A placement chooses at least one cluster, from objects of the app\'s own estate.', severity: E, stage: ESTATE },
  'placement-unknown': { summary: 'A placement names no missing cluster, group or IDC.', severity: E, stage: ESTATE },
  'placement-stale': { summary: 'A placement names no cluster that has left the estate.', severity: W, stage: ESTATE },
  'placement-replicas': {
    summary: 'A placement gives either replicas per cluster or a total, 1 or more; a weight for an IDC without the app is a warning.',
    severity: E, stage: ESTATE,
  },
  'placement-single-replica': { summary: 'A cluster gets more than one replica of an app.', severity: W, stage: ESTATE, policy: 'require-min-replicas' },
  'node-pool-missing': { summary: 'The node pool an app asks for exists in every cluster it is placed on.', severity: E, stage: ESTATE, policy: 'match-node-affinity-to-pool' },
  'target-name': { summary: 'No cluster is named "management", the management target\'s folder.', severity: E, stage: ESTATE },
  'capacity-overcommit': { summary: 'Node pools hold their apps\' pods at the autoscalers\' minimum.', severity: E, stage: ESTATE, policy: 'fit-requested-capacity' },
  'capacity-hpa-ceiling': { summary: 'Node pools hold their apps\' pods at the autoscalers\' maximum.', severity: W, stage: ESTATE },

  // ── Tenancy ─────────────────────────────────────────────────────────────────────────────────────────────────────
  'team-namespaces': { summary: 'A team owns at least one namespace, each valid and listed once.', severity: E, stage: ESTATE },
  'team-namespace-owner': { summary: 'A namespace has one owning team.', severity: E, stage: ESTATE },
  'team-namespace-unused': { summary: 'Every namespace a team owns has an app.', severity: W, stage: ESTATE },
  'team-groups': { summary: 'A team\'s deployers and readers are two distinct, non-system identity provider groups.', severity: E, stage: ESTATE },
  'team-headroom': { summary: 'A team\'s headroom is a whole percent from 0 to 1000.', severity: E, stage: ESTATE },
  'team-budget': { summary: 'A team budget names a group of the estate, a known phase and positive amounts.', severity: E, stage: ESTATE },
  'team-quota-exceeded': { summary: 'A team\'s own apps fit within its quota on every cluster and at every phase.', severity: E, stage: ESTATE },
  'team-budget-headroom': { summary: 'A team budget leaves the team its headroom.', severity: W, stage: ESTATE },
  'access-unknown-caller': { summary: 'A caller app is an app of the estate.', severity: E, stage: ESTATE },
  'access-caller': { summary: 'Caller namespaces, gateway labels and load-balancer source ranges are valid.', severity: E, stage: ESTATE },
  'access-caller-elsewhere': { summary: 'A caller app shares a cluster with the app it calls, or the allow has no effect.', severity: W, stage: ESTATE },
  'access-ports': { summary: 'A caller may reach named ports the app exposes, or every port.', severity: E, stage: ESTATE },
  'access-destination': { summary: 'An egress destination is named, has valid ports, a known protocol and ranges narrower than every address.', severity: E, stage: ESTATE },
  'access-sidecar-destination': { summary: 'A sidecar connects to an in-cluster service name or an address that egress can allow.', severity: W, stage: ESTATE },

  // ── Service mesh ────────────────────────────────────────────────────────────────────────────────────────────────
  'mesh': { summary: 'A cluster\'s mesh names a known provider, mTLS mode, revision and root namespace; a meshed app runs only on meshed clusters.', severity: E, stage: ESTATE },
  'mesh-proxy': { summary: 'An app in the mesh does not also declare the mesh proxy sidecar.', severity: E, stage: ESTATE },
  'mesh-timeout': { summary: 'A mesh request timeout is 1 ms or more.', severity: E, stage: ESTATE },
  'mesh-retries': { summary: 'Mesh retries have 0 or more attempts, a per-try timeout of 1 ms or more and a condition.', severity: E, stage: ESTATE },
  'mesh-permissive-ports': { summary: 'Permissive mTLS ports are ports of the app.', severity: E, stage: ESTATE },
  'circuit-breaker': {
    summary: 'Circuit breaker durations are 1 ms or more, its limits whole numbers and ejection below 100% unless allowed.',
    severity: E, stage: ESTATE, policy: 'require-sane-outlier-detection',
  },
  'canary-route': { summary: 'A canary route\'s header, value and lane are valid Istio match values.', severity: E, stage: ESTATE },
  'mesh-fault': {
    summary: 'A fault injects a valid delay or abort, and production faults state why; a fault suspends timeout and retries.',
    severity: E, stage: ESTATE,
  },
  'mesh-propagates': { summary: 'The headers an app declares it propagates are lowercase header names.', severity: E, stage: ESTATE },
  'ingress-gateway': {
    summary: 'A gateway has a unique DNS name and namespace, 2 or more replicas, a known pool and valid balancer settings.',
    severity: E, stage: ESTATE,
  },
  'gateway-listener': { summary: 'A gateway has listeners with valid ports, protocols and hosts; HTTPS listeners name their TLS secret.', severity: E, stage: ESTATE },
  'gateway-conflict': {
    summary: 'No two gateways of a cluster claim the same host on the same port.',
    severity: E, stage: ESTATE, policy: 'forbid-conflicting-gateways',
  },
  'community-lanes': {
    summary: 'A gateway\'s community mapping has valid distinct headers and lanes, each with communities listed once.',
    severity: E, stage: ESTATE,
  },
  'gateway-route': { summary: 'An app binds each gateway once, to hosts it names, on clusters where that gateway exists.', severity: E, stage: ESTATE },
  'lane-group': { summary: 'A lane group has a valid name, mode, propagation, header, lanes and baseline.', severity: E, stage: ESTATE },
  'lane-member': { summary: 'A lane group member is in the mesh and runs the baseline, and every lane in strict mode.', severity: E, stage: ESTATE },
  'lane-propagation': { summary: 'A member of a permissive lane group declares that it propagates the lane header.', severity: E, stage: ESTATE },
  'lane-entry': { summary: 'A lane group\'s entry gateway routes to a member and maps communities to the group\'s lane header.', severity: E, stage: ESTATE },
  'require-jwt': { summary: 'A JWT requirement has an issuer, an https JWKS URI, a valid header and callers to authorize.', severity: E, stage: ESTATE },
  'caller-operation': { summary: 'Callers limited to methods or paths call a meshed app, with uppercase methods and Istio path forms.', severity: E, stage: ESTATE },
  'vm-group': { summary: 'A VM group has a unique valid name, a service account, and joins a cluster where the app runs.', severity: E, stage: ESTATE },
  'vm-address': { summary: 'Each VM of an app has its own IP address.', severity: E, stage: ESTATE },
  'vm-labels': { summary: 'A VM\'s labels do not contradict the app Service\'s selector.', severity: E, stage: ESTATE },

  // ── Synthesis ───────────────────────────────────────────────────────────────────────────────────────────────────
  'as-of': { summary: 'The as-of time is a date.', severity: E, stage: SYNTHESIS },
  'object-patch': { summary: 'An object patch matches an object and applies to it.', severity: E, stage: SYNTHESIS },

  // ── Day 2: from what runs to the head (validateTransition) ──────────────────────────────────────────────────────
  'immutable-field': { summary: 'A running cluster\'s immutable fields (IMMUTABLE_CLUSTER_FIELDS) keep their value.', severity: E, stage: TRANSITION },
  'etcd-member-readdress': { summary: 'At most one running etcd member changes address per change.', severity: E, stage: TRANSITION },
  'etcd-replace-without-fault-tolerance': { summary: 'Moving a member of a 3-member etcd leaves no fault tolerance meanwhile.', severity: W, stage: TRANSITION },
  'etcd-settings-not-applied': {
    summary: 'Changed etcd settings reach running members only when each is replaced, one per change.',
    severity: W, stage: TRANSITION,
  },
  'kubernetes-minor-skip': { summary: 'A control plane upgrades one minor at a time.', severity: E, stage: TRANSITION },
  'kubernetes-downgrade': { summary: 'A control plane is never downgraded.', severity: E, stage: TRANSITION },
  'kubernetes-nodes-before-control-plane': { summary: 'Pools never run a newer version than the running control plane.', severity: E, stage: TRANSITION, policy: 'limit-version-skew' },
  'kubernetes-upgrade-waves': { summary: 'One change upgrades one wave.', severity: E, stage: TRANSITION },
  'kubernetes-upgrade-wave-order': { summary: 'A later wave upgrades only once every earlier wave runs the version.', severity: E, stage: TRANSITION },
  'kubernetes-promotion-freeze': {
    summary: 'Peak clusters are not upgraded while their promotion runs, unless a reason is given.',
    severity: E, stage: TRANSITION,
  },
} as const satisfies Record<string, ValidationRule>;

/** A validation rule id: a key of `VALIDATION_RULES`. */
export type ValidationRuleId = keyof typeof VALIDATION_RULES;

/** The ids of rules that may report an error (severity `error`); the others only warn. */
export type ErrorRuleId = { [K in ValidationRuleId]: (typeof VALIDATION_RULES)[K]['severity'] extends 'error' ? K : never }[ValidationRuleId];

/** True when `id` is a catalogued rule id. */
export function isValidationRuleId(id: string): id is ValidationRuleId {
  return Object.prototype.hasOwnProperty.call(VALIDATION_RULES, id);
}
