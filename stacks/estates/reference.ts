import {
  AppImage, AppPriority, AppTemplate, Caller, CanaryRoute, MeshProvider, MtlsMode, Cluster, ClusterGroup, ClusterGroupKind,
  Destination, Estate, Idc, IdcKind, GatewayProtocol, GatewayServiceType, InfrastructureProvider, LaneGroup, LaneMode,
  NodePoolProps, Promotion, PromotionPhase, Release, ReleaseChannel, Sidecar, TaintEffect, Team,
} from '../../constructs';
import { INSTANCE_TYPES } from './instance-types';

/**
 * The reference estate, the embedded default: modelled on how a large platform runs Kubernetes. Five resource
 * units across three regions, three self-built and two on a public cloud; one self-built IDC runs two clusters; a
 * dedicated cluster holds the charging-pile gateway's long-lived device connections; a daily group, and a peak
 * group that exists only around the November shopping festival.
 */
export function referenceEstate(): Estate {
  const estate = new Estate('reference', { dnsDomain: 'k8s.estate.internal', environment: 'production' });

  const bareMetal = InfrastructureProvider.metal3({
    imageUrl: 'https://images.estate.internal/ubuntu-22.04-k8s.qcow2',
    imageChecksumUrl: 'https://images.estate.internal/ubuntu-22.04-k8s.qcow2.sha256sum',
  });

  const east = estate.addRegion('cn-east', { displayName: 'East China' });
  const hz1 = east.addIdc('hz1', { kind: IdcKind.SELF_BUILT, zones: ['hz1-a', 'hz1-b', 'hz1-c'], infrastructure: bareMetal, interZoneRttMs: 0.8 });
  const sh1 = east.addIdc('sh1', { kind: IdcKind.SELF_BUILT, zones: ['sh1-a', 'sh1-b', 'sh1-c'], infrastructure: bareMetal, interZoneRttMs: 1.2 });

  const north = estate.addRegion('cn-north', { displayName: 'North China' });
  const bj1 = north.addIdc('bj1', {
    kind: IdcKind.CLOUD,
    zones: ['cn-north-1a', 'cn-north-1b', 'cn-north-1d'],
    infrastructure: InfrastructureProvider.aws({ region: 'cn-north-1' }),
    interZoneRttMs: 1.5,
    zoneRtts: [{ zones: ['cn-north-1a', 'cn-north-1d'], rttMs: 2.4 }],
  });
  const nx1 = north.addIdc('nx1', {
    kind: IdcKind.CLOUD,
    zones: ['cn-northwest-1a', 'cn-northwest-1b', 'cn-northwest-1c'],
    infrastructure: InfrastructureProvider.aws({ region: 'cn-northwest-1' }),
    interZoneRttMs: 1.8,
  });

  const south = estate.addRegion('cn-south', { displayName: 'South China' });
  const sz1 = south.addIdc('sz1', { kind: IdcKind.SELF_BUILT, zones: ['sz1-a', 'sz1-b', 'sz1-c'], infrastructure: bareMetal, interZoneRttMs: 1.0 });

  const double11 = new Promotion(estate, 'double-11', {
    displayName: 'Double 11 shopping festival 2026',
    timeZone: 'Asia/Shanghai',
    prepareFrom: '2026-10-20T00:00',
    peakFrom: '2026-11-10T18:00',
    peakTo: '2026-11-12T02:00',
    drainUntil: '2026-11-19T00:00',
    prepareBatches: 4,
    drainBatches: 4,
  });

  const daily = new ClusterGroup(estate, 'daily', { kind: ClusterGroupKind.DAILY });
  const peak = new ClusterGroup(estate, 'double-11-peak', { kind: ClusterGroupKind.PEAK, promotion: double11 });

  // Two trade clusters share the hz1 IDC so that no single cluster's scheduler carries all of its traffic.
  const trade = [
    tradeCluster(daily, 'trade-hz1', hz1, 0, { general: 6, ingress: 2, middleware: 3 }),
    tradeCluster(daily, 'trade-hz2', hz1, 1, { general: 6, ingress: 2, middleware: 3 }),
    tradeCluster(daily, 'trade-sz1', sz1, 2, { general: 4, ingress: 2, middleware: 2 }),
    tradeCluster(daily, 'trade-bj1', bj1, 3, { general: 4, ingress: 2, middleware: 2 }),
  ];

  const charging = new Cluster(daily, 'charging-sh1', {
    idc: sh1,
    kubernetesVersion: 'v1.31.4',
    podCidr: network(4).pods,
    serviceCidr: network(4).services,
    purpose: 'charging-pile gateway: long-lived device connections',
    etcd: { members: 3, memberSubnet: network(4).etcd },
    // The operators' console (from the office network) reaches the charging gateway's HTTP API through the cluster's
    // own ingress gateway.
    mesh: {
      provider: MeshProvider.ISTIO,
      revision: '1-30',
      mtls: MtlsMode.STRICT,
      // The IDC's own balancers front the gateway's node ports, as they do the devices' MQTT.
      ingressGateways: [{ name: 'charging-console', serviceType: GatewayServiceType.NODE_PORT, sourceRanges: ['10.30.0.0/16'], listeners: [{ port: 443, protocol: GatewayProtocol.HTTPS, hosts: [CHARGING_CONSOLE_HOST], tlsCredentialName: 'charging-console-tls' }] }],
    },
  });
  charging.addNodePool('gateway', {
    role: 'gateway',
    instance: GATEWAY,
    replicasPerZone: 4,
    taints: [{ key: 'cluster-estate.io/dedicated', value: 'gateway', effect: TaintEffect.NO_SCHEDULE }],
    labels: { 'cluster-estate.io/connection-tier': 'long-lived' },
  });
  charging.addNodePool('general', { role: 'general', instance: GENERAL, autoscaling: { minPerZone: 2, maxPerZone: 6 } });

  const ops = new Cluster(daily, 'ops-nx1', {
    idc: nx1,
    kubernetesVersion: 'v1.31.4',
    podCidr: network(5).pods,
    serviceCidr: network(5).services,
    purpose: 'operations tooling: logging, monitoring, CI runners',
    etcd: { members: 3, memberSubnet: network(5).etcd },
  });
  ops.addNodePool('general', { role: 'general', instance: GENERAL, autoscaling: { minPerZone: 1, maxPerZone: 4 }, kubernetesVersion: 'v1.30.8' });
  ops.addNodePool('middleware', middlewarePool(2));

  // The peak group: scaled out before the festival, drained in batches after it, absent the rest of the year.
  tradeCluster(peak, 'peak-bj1', bj1, 6, { general: 10, ingress: 3, middleware: 2 });
  tradeCluster(peak, 'peak-nx1', nx1, 7, { general: 10, ingress: 3, middleware: 2 });

  addApps(estate, { trade, charging, daily, peak, hz1, sz1, double11 });
  addTeams(estate, { daily, peak });
  return estate;
}

/**
 * The product teams as tenants: each owns its namespaces and has two identity-provider groups. The payments team
 * was promised a fixed share of every daily cluster (its quota's requests), larger while the festival peaks; the
 * others' quotas follow their apps at the autoscalers' maximum plus headroom.
 */
function addTeams(estate: Estate, c: { daily: ClusterGroup; peak: ClusterGroup }): void {
  new Team(estate, 'trade', { namespaces: ['trade', 'promotion'], deployersGroup: 'trade-deployers', readersGroup: 'trade-readers' });
  new Team(estate, 'payments', {
    namespaces: ['payment'],
    deployersGroup: 'payments-deployers',
    readersGroup: 'payments-readers',
    headroomPercent: 25,
    budgets: [
      // The worker's injected mesh proxy (100m, 128 MiB a pod) counts in the budget like any container.
      { group: c.daily, cpuMillis: 20_000, memoryMiB: 36_864 },
      { group: c.daily, phase: PromotionPhase.PEAK, cpuMillis: 38_000, memoryMiB: 69_632 },
      { group: c.daily, phase: PromotionPhase.PREPARING, cpuMillis: 38_000, memoryMiB: 69_632 },
    ],
  });
  new Team(estate, 'charging', { namespaces: ['charging'], deployersGroup: 'charging-deployers', readersGroup: 'charging-readers', headroomPercent: 10 });
}

/** The shoppers' public host, served by the trade clusters' `public` gateway. */
export const SHOP_HOST = 'shop.estate.example';
/** The charging operators' console host, served by charging-sh1's own gateway. */
export const CHARGING_CONSOLE_HOST = 'charging-console.estate.example';
/** The communities that pilot the gray release. */
export const PILOT_COMMUNITIES = ['hz-xixi-0012', 'hz-binjiang-0407', 'sz-nanshan-0031'] as const;
const PUBLIC_GATEWAY = Caller.ingressGateway({ namespace: 'ingress-gateway', podLabels: { 'app.kubernetes.io/name': 'public' }, ports: ['http'] });
const SHOPPER_TOKENS = { issuer: 'https://login.estate.example', jwksUri: 'https://login.estate.example/.well-known/jwks.json', audiences: ['shop'] };

const LOGS = { brokers: ['kafka-logs-0.logging.svc.cluster.local:9092', 'kafka-logs-1.logging.svc.cluster.local:9092', 'kafka-logs-2.logging.svc.cluster.local:9092'] };

/** The order service's image, as its team's app.yaml describes it. */
export const ORDER_API_APP_YAML = `# trade/order-api/app.yaml
version: 1.42.0
stack: registry.estate.internal/stacks/ubuntu:22.04-20241001
runtime: registry.estate.internal/runtimes/openjdk:17.0.12
entrypoint: [/opt/runtime/bin/java, -XX:MaxRAMPercentage=70, -jar, /app/order-api.jar]
`;

/**
 * The applications: the order API on the daily trade clusters (a canary in progress, three times the replicas at the
 * Double 11 peak); the charging-pile gateway on its dedicated cluster's gateway pool, blue/green, with a five-minute
 * drain for its devices' connections; the payment worker in the self-built IDCs only; and the promotion engine, which
 * runs in the peak group alone and so exists only around the promotion.
 */
function addApps(
  estate: Estate,
  c: { trade: Cluster[]; charging: Cluster; daily: ClusterGroup; peak: ClusterGroup; hz1: Idc; sz1: Idc; double11: Promotion },
): void {
  const orderApi = new AppTemplate(estate, 'order-api', {
    namespace: 'trade',
    image: AppImage.fromAppYaml(ORDER_API_APP_YAML, { source: 'trade/order-api/app.yaml' }),
    resources: { cpuMillis: { request: 1000, limit: 2000 }, memoryMiB: { request: 2048, limit: 3072 } },
    ports: [{ name: 'http', port: 8080 }, { name: 'grpc', port: 9090 }],
    env: { SPRING_PROFILES_ACTIVE: 'production' },
    probes: { maxStartupSeconds: 120 },
    // In the trade clusters' mesh: its proxy is injected, mTLS is STRICT, a failing pod is ejected.
    sidecars: [Sidecar.logShipper({ ...LOGS, topic: 'order-api-logs' }), Sidecar.opsAgent()],
    // Shoppers reach it through the public gateway with a login token; it copies the lane header to its calls.
    mesh: {
      circuitBreaker: {
        maxConnections: 2048,
        maxPendingRequests: 1024,
        consecutive5xxErrors: 5,
        intervalMs: 10_000,
        baseEjectionMs: 30_000,
        maxEjectionPercent: 20,
      },
      timeoutMs: 3000,
      retries: { attempts: 2, perTryTimeoutMs: 1000 },
      gateways: [{ gateway: 'public', hosts: [SHOP_HOST] }],
      propagates: ['x-lane'],
      requireJwt: SHOPPER_TOKENS,
    },
    priority: AppPriority.HIGH,
    // The gray release serves three pilot communities (and any request already in the gray lane), and 5% of the rest.
    release: Release.canary({
      grayPercent: 10,
      grayImage: AppImage.pinned('registry.estate.internal/apps/order-api:1.43.0-rc.2'),
      route: CanaryRoute.communities([...PILOT_COMMUNITIES]),
      weightSteps: [5, 20, 50, 100],
      currentStep: 0,
    }),
    placement: { clusters: c.trade, totalReplicas: 36, idcWeights: { hz1: 2, sz1: 1, bj1: 1 } },
    peak: { promotion: c.double11, factor: 3 },
    partOf: 'trade',
    // Shoppers arrive through the public gateway, on HTTP; gRPC is for other services, none of which call it yet.
    access: { allowFrom: [PUBLIC_GATEWAY] },
  });

  new AppTemplate(estate, 'charging-gateway', {
    namespace: 'charging',
    image: AppImage.pinned('registry.estate.internal/charging/gateway:3.8.1'),
    resources: { cpuMillis: { request: 2000, limit: 4000 }, memoryMiB: { request: 4096, limit: 4096 } },
    ports: [{ name: 'http', port: 8080 }, { name: 'tls-mqtt', port: 8883 }],
    probes: { liveness: { check: { tcp: { port: 8883 } }, periodSeconds: 10, failureThreshold: 6 } },
    // Devices hold connections for hours: offline stops new ones, then five minutes for devices to reconnect elsewhere.
    lifecycle: { drainSeconds: 300, stepsSeconds: 30, shutdownSeconds: 30 },
    sidecars: [Sidecar.logShipper({ ...LOGS, topic: 'charging-gateway-logs' }), Sidecar.opsAgent()],
    nodePool: 'gateway',
    priority: AppPriority.CRITICAL,
    release: Release.blueGreen({ active: ReleaseChannel.BLUE, greenImage: AppImage.pinned('registry.estate.internal/charging/gateway:3.9.0'), idleReplicas: 2 }),
    autoscaling: { maxFactor: 2, cpuUtilizationPercent: 60 },
    placement: { clusters: [c.charging], replicasPerCluster: 8 },
    component: 'gateway',
    partOf: 'charging',
    // In its cluster's mesh behind its own ingress gateway; the devices are not in the mesh, so their MQTT port
    // also takes plain (non-mutual) TLS.
    mesh: { gateways: [{ gateway: 'charging-console', hosts: [CHARGING_CONSOLE_HOST] }], permissivePorts: [8883] },
    // Devices connect over MQTT/TLS through the IDC's load balancer (it preserves their addresses: the device
    // network); the operators' console reaches the HTTP API through the cluster's ingress gateway.
    access: {
      allowFrom: [
        Caller.loadBalancer({ sourceRanges: ['100.64.0.0/10'], ports: ['tls-mqtt'] }),
        Caller.ingressGateway({ namespace: 'ingress-gateway', podLabels: { 'app.kubernetes.io/name': 'charging-console' }, ports: ['http'] }),
      ],
    },
  });

  const paymentWorker = new AppTemplate(estate, 'payment-worker', {
    namespace: 'payment',
    image: AppImage.pinned('registry.estate.internal/payment/worker@sha256:6f1c2b0a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a'),
    resources: { cpuMillis: { request: 500, limit: 1000 }, memoryMiB: { request: 1024, limit: 1536 } },
    ports: [{ name: 'http-admin', port: 8081 }],
    sidecars: [Sidecar.logShipper({ ...LOGS, topic: 'payment-worker-logs' }), Sidecar.opsAgent()],
    // The settlement VMs of the old platform serve beside the pods in trade-sz1 until the migration ends.
    mesh: {
      circuitBreaker: { maxConnections: 512, consecutive5xxErrors: 3, baseEjectionMs: 60_000, maxEjectionPercent: 25 },
      timeoutMs: 10_000,
      propagates: ['x-lane'],
      vmGroups: [{
        name: 'legacy-settlement',
        cluster: 'trade-sz1',
        locality: 'cn-south/sz1-a',
        vms: [{ name: 'settle-vm-01', address: '10.60.8.21' }, { name: 'settle-vm-02', address: '10.60.8.22', locality: 'cn-south/sz1-b' }],
      }],
    },
    // Its next version follows order-api's gray release in the checkout lane.
    release: Release.canary({ grayPercent: 25, grayImage: AppImage.pinned('registry.estate.internal/payment/worker:2.8.0-rc.1') }),
    priority: AppPriority.CRITICAL,
    autoscaling: { maxFactor: 4, cpuUtilizationPercent: 60, memoryUtilizationPercent: 75 },
    // Payment data stays in the company's own data centers.
    placement: { groups: [c.daily], idcs: [c.hz1, c.sz1], replicasPerCluster: 4 },
    peak: { promotion: c.double11, factor: 2 },
    version: '2.7.3',
    component: 'worker',
    partOf: 'payment',
    // The order API hands payments over; the worker settles them with the card network, outside the estate.
    access: {
      allowFrom: [Caller.app('order-api', { methods: ['POST'], paths: ['/payments', '/payments/*'] })],
      egressTo: [Destination.external('card-network', { cidrs: ['203.0.113.0/24'], ports: [443] })],
    },
  });

  // The checkout lane: a request from a pilot community (mapped at the public gateway) or already in the gray lane
  // meets the gray order-api and then the gray payment-worker; every other request is split by weight at each hop.
  new LaneGroup(estate, 'trade-checkout', { members: [orderApi, paymentWorker], lanes: [ReleaseChannel.GRAY], mode: LaneMode.PERMISSIVE, entryGateway: 'public' });

  new AppTemplate(estate, 'promotion-engine', {
    namespace: 'promotion',
    image: AppImage.pinned('registry.estate.internal/promotion/engine:5.2.0'),
    resources: { cpuMillis: { request: 1500, limit: 3000 }, memoryMiB: { request: 3072, limit: 4096 } },
    probes: { maxStartupSeconds: 90 },
    sidecars: [Sidecar.meshProxy(), Sidecar.logShipper({ ...LOGS, topic: 'promotion-engine-logs' })],
    priority: AppPriority.HIGH,
    placement: { groups: [c.peak], replicasPerCluster: 12 },
    partOf: 'trade',
    access: { allowFrom: [Caller.ingressGateway()] },
  });
}

const { general: GENERAL, ingress: INGRESS, middleware: MIDDLEWARE, gateway: GATEWAY } = INSTANCE_TYPES;

/** Address plan: cluster k gets pods 10.(16+4k).0.0/14, services 10.200.(16k).0/20, etcd 10.250.k.0/27. */
function network(k: number): { pods: string; services: string; etcd: string } {
  return { pods: `10.${16 + 4 * k}.0.0/14`, services: `10.200.${16 * k}.0/20`, etcd: `10.250.${k}.0/27` };
}

function middlewarePool(perZone: number): NodePoolProps {
  return {
    role: 'middleware',
    instance: MIDDLEWARE,
    replicasPerZone: perZone,
    taints: [{ key: 'cluster-estate.io/dedicated', value: 'middleware', effect: TaintEffect.NO_SCHEDULE }],
  };
}

/** A large trade cluster: 5 etcd members, 5 API servers, ingress / general / middleware pools. */
function tradeCluster(
  group: ClusterGroup,
  name: string,
  idc: Idc,
  k: number,
  perZone: { general: number; ingress: number; middleware: number },
): Cluster {
  const cluster = new Cluster(group, name, {
    idc,
    kubernetesVersion: 'v1.31.4',
    podCidr: network(k).pods,
    serviceCidr: network(k).services,
    purpose: 'trade: order, payment and promotion services',
    controlPlane: { replicas: 5 },
    etcd: { members: 5, memberSubnet: network(k).etcd },
    // The trade services talk over the mesh: mutual TLS only, proxies injected by the 1-30 revision. Shoppers enter
    // through the public gateway on the ingress pool, which also puts the pilot communities in the gray lane.
    mesh: {
      provider: MeshProvider.ISTIO,
      revision: '1-30',
      mtls: MtlsMode.STRICT,
      ingressGateways: [{
        name: 'public',
        nodePool: 'ingress',
        // A cloud load balancer in the public cloud; the IDC's own balancers (on the node ports) in a self-built IDC.
        serviceType: idc.kind === IdcKind.CLOUD ? GatewayServiceType.LOAD_BALANCER : GatewayServiceType.NODE_PORT,
        // The IDC's internet balancers reach the gateway from their own SNAT range.
        sourceRanges: ['100.100.0.0/16'],
        listeners: [{ port: 443, protocol: GatewayProtocol.HTTPS, hosts: [SHOP_HOST], tlsCredentialName: 'shop-tls' }],
        communityLanes: { lanes: { gray: [...PILOT_COMMUNITIES] } },
      }],
    },
  });
  cluster.addNodePool('ingress', {
    role: 'ingress',
    instance: INGRESS,
    replicasPerZone: perZone.ingress,
    taints: [{ key: 'cluster-estate.io/dedicated', value: 'ingress', effect: TaintEffect.NO_SCHEDULE }],
  });
  cluster.addNodePool('general', { role: 'general', instance: GENERAL, autoscaling: { minPerZone: perZone.general, maxPerZone: perZone.general * 3 } });
  cluster.addNodePool('middleware', middlewarePool(perZone.middleware));
  return cluster;
}
