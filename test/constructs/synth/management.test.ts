import * as yaml from 'js-yaml';
import { ETCD_PATHS, KubeObject, MANAGEMENT_TARGET, nodeLabelRoute, NodeLabelRoute, quorum } from '../../../constructs/internal';
import { argMap, cloudInitFiles, field, ofKind, theObject } from '../../helpers/objects';
import { referenceSynthesis } from '../../helpers/reference';

const synthesis = referenceSynthesis();
const management = synthesis.targets.find((t) => t.name === MANAGEMENT_TARGET)!;
const objects = management.objects;
const clusters = synthesis.plan.clusters;

describe('management target of the reference estate at the peak of its promotion', () => {
  test('holds every cluster of the estate, the peak group included', () => {
    expect(ofKind(objects, 'Cluster').map((c) => c.metadata.name).sort()).toEqual(
      ['charging-sh1', 'ops-nx1', 'peak-bj1', 'peak-nx1', 'trade-bj1', 'trade-hz1', 'trade-hz2', 'trade-sz1'],
    );
  });

  test('every cluster lives in its own namespace', () => {
    for (const cluster of clusters) {
      expect(theObject(objects, 'Namespace', cluster.name).metadata.labels).toMatchObject({ 'cluster-estate.io/cluster': cluster.name });
      const own = objects.filter((o) => o.metadata.labels?.['cluster.x-k8s.io/cluster-name'] === cluster.name);
      expect(own.every((o) => o.metadata.namespace === cluster.name)).toBe(true);
    }
  });

  test.each(clusters.map((c) => [c.name]))('%s: every reference points at an object that exists', (name) => {
    const own = objects.filter((o) => o.metadata.namespace === name);
    const exists = (kind: string, objectName: string) => own.some((o) => o.kind === kind && o.metadata.name === objectName);
    const refs: { from: string; kind: string; name: string }[] = [];
    const collect = (from: KubeObject, ref: { kind: string; name: string } | undefined) => ref && refs.push({ from: `${from.kind}/${from.metadata.name}`, kind: ref.kind, name: ref.name });
    for (const o of own) {
      collect(o, field(o, 'spec.controlPlaneRef'));
      collect(o, field(o, 'spec.infrastructureRef'));
      collect(o, field(o, 'spec.machineTemplate.spec.infrastructureRef'));
      collect(o, field(o, 'spec.template.spec.infrastructureRef'));
      collect(o, field(o, 'spec.template.spec.bootstrap.configRef'));
      const dataSecret = field<string>(o, 'spec.bootstrap.dataSecretName');
      if (dataSecret) refs.push({ from: `${o.kind}/${o.metadata.name}`, kind: 'Secret', name: dataSecret });
    }
    expect(refs.length).toBeGreaterThan(5);
    for (const ref of refs) expect({ ...ref, exists: exists(ref.kind, ref.name) }).toEqual({ ...ref, exists: true });
  });
});

describe('HA control plane', () => {
  test.each(clusters.map((c) => [c.name, c.controlPlane.replicas]))('%s runs %i API servers spread over its IDC zones', (name, replicas) => {
    const kcp = theObject(objects, 'KubeadmControlPlane', `${name}-control-plane`, name);
    expect([3, 5]).toContain(field(kcp, 'spec.replicas'));
    expect(field(kcp, 'spec.replicas')).toBe(replicas);
    expect(kcp.metadata.annotations?.['cluster-estate.io/zones'].split(',')).toHaveLength(3);
  });

  test('large trade clusters run 5 API servers, small ones 3', () => {
    expect(field(theObject(objects, 'KubeadmControlPlane', 'trade-hz1-control-plane'), 'spec.replicas')).toBe(5);
    expect(field(theObject(objects, 'KubeadmControlPlane', 'charging-sh1-control-plane'), 'spec.replicas')).toBe(3);
  });

  test('the API server is hardened: no anonymous auth, audit log, secrets encrypted at rest', () => {
    for (const kcp of ofKind(objects, 'KubeadmControlPlane')) {
      const apiServer = field(kcp, 'spec.kubeadmConfigSpec.clusterConfiguration.apiServer');
      const args = argMap(field(apiServer, 'extraArgs'));
      expect(args['anonymous-auth']).toBe('false');
      expect(args['audit-log-path']).toMatch(/^\/var\/log\/kubernetes\/audit\//);
      expect(args['audit-policy-file']).toBeTruthy();
      expect(args['encryption-provider-config']).toBeTruthy();
      const files = field<{ path: string; content?: string; contentFrom?: { secret: { name: string; key: string } } }[]>(kcp, 'spec.kubeadmConfigSpec.files');
      const policy = files.find((f) => f.path === args['audit-policy-file'])!;
      expect((yaml.load(policy.content!) as { kind: string }).kind).toBe('Policy');
      // The encryption key never appears in the manifests: the file comes from a Secret in the management cluster.
      const encryption = files.find((f) => f.path === args['encryption-provider-config'])!;
      expect(encryption.content).toBeUndefined();
      expect(encryption.contentFrom?.secret.name).toBe(`${kcp.metadata.namespace}-encryption-config`);
      // Files the API server reads are mounted into its static pod.
      const mounts = field<{ mountPath: string }[]>(apiServer, 'extraVolumes').map((v) => v.mountPath);
      expect(mounts.some((m) => args['audit-policy-file'].startsWith(m))).toBe(true);
      expect(mounts.some((m) => args['encryption-provider-config'].startsWith(m))).toBe(true);
    }
  });

  test('controller manager and scheduler state leader election explicitly', () => {
    for (const kcp of ofKind(objects, 'KubeadmControlPlane')) {
      for (const component of ['controllerManager', 'scheduler']) {
        const args = argMap(field(kcp, `spec.kubeadmConfigSpec.clusterConfiguration.${component}.extraArgs`));
        expect(args).toMatchObject({ 'leader-elect': 'true', 'leader-elect-lease-duration': '15s', 'leader-elect-renew-deadline': '10s', 'leader-elect-retry-period': '2s' });
      }
    }
  });

  test('the Cluster carries the load-balanced endpoint and its networks', () => {
    const cluster = theObject(objects, 'Cluster', 'trade-hz1');
    expect(field(cluster, 'spec.controlPlaneEndpoint')).toEqual({ host: 'trade-hz1-api.k8s.estate.internal', port: 6443 });
    expect(field(cluster, 'spec.clusterNetwork.pods.cidrBlocks')).toEqual(['10.16.0.0/14']);
    expect(field(cluster, 'spec.controlPlaneRef')).toEqual({ apiGroup: 'controlplane.cluster.x-k8s.io', kind: 'KubeadmControlPlane', name: 'trade-hz1-control-plane' });
  });
});

describe('dedicated etcd', () => {
  const etcdMachines = (cluster: string) => ofKind(objects, 'Machine', cluster).filter((m) => m.metadata.labels?.['cluster-estate.io/machine-role'] === 'etcd');

  test('trade-hz1 has 5 members spread 2/2/1 over 3 zones, so any one zone can be lost', () => {
    const machines = etcdMachines('trade-hz1');
    expect(machines).toHaveLength(5);
    const perZone: Record<string, number> = {};
    for (const m of machines) perZone[field<string>(m, 'spec.failureDomain')] = (perZone[field<string>(m, 'spec.failureDomain')] ?? 0) + 1;
    expect(Object.values(perZone).sort()).toEqual([1, 2, 2]);
    for (const count of Object.values(perZone)) expect(5 - count).toBeGreaterThanOrEqual(quorum(5));
  });

  test('small clusters run 3 members, one per zone', () => {
    const zones = etcdMachines('charging-sh1').map((m) => field<string>(m, 'spec.failureDomain')).sort();
    expect(zones).toEqual(['sh1-a', 'sh1-b', 'sh1-c']);
  });

  test.each(clusters.map((c) => [c.name]))('%s: etcd.external lists exactly its members, with the client secrets wired', (name) => {
    const kcp = theObject(objects, 'KubeadmControlPlane', `${name}-control-plane`, name);
    const external = field<{ endpoints: string[]; caFile: string; certFile: string; keyFile: string }>(kcp, 'spec.kubeadmConfigSpec.clusterConfiguration.etcd.external');
    const members = etcdMachines(name);
    const memberClientUrls = members.map((m) => {
      const secret = theObject(objects, 'Secret', field<string>(m, 'spec.bootstrap.dataSecretName'), name);
      const config = yaml.load(cloudInitFiles(field<string>(secret, 'stringData.value'))[ETCD_PATHS.configFile].content) as Record<string, string>;
      return config['advertise-client-urls'];
    });
    expect([...external.endpoints].sort()).toEqual(memberClientUrls.sort());
    expect(external.endpoints.every((e) => e.startsWith('https://'))).toBe(true);
    expect(external.caFile).toBe('/etc/kubernetes/pki/etcd/ca.crt');
    expect(external.certFile).toBe('/etc/kubernetes/pki/apiserver-etcd-client.crt');
    expect(external.keyFile).toBe('/etc/kubernetes/pki/apiserver-etcd-client.key');
    expect(kcp.metadata.annotations?.['cluster-estate.io/etcd-client-secrets']).toBe(`${name}-etcd,${name}-apiserver-etcd-client`);
  });

  test('members never share a machine with the control plane or workers', () => {
    for (const m of ofKind(objects, 'Machine')) {
      expect(m.metadata.labels?.['cluster.x-k8s.io/control-plane']).toBeUndefined();
      expect(m.metadata.labels?.['cluster.x-k8s.io/deployment-name']).toBeUndefined();
    }
    // Health checks select control-plane machines or pool machines, never etcd members.
    for (const mhc of ofKind(objects, 'MachineHealthCheck')) {
      const selector = field<Record<string, string>>(mhc, 'spec.selector.matchLabels');
      expect('cluster.x-k8s.io/control-plane' in selector || 'node.cluster.x-k8s.io/pool' in selector).toBe(true);
    }
  });

  test('each member config: mutual TLS on both ports, the whole cluster in initial-cluster, timeouts from RTT', () => {
    const machines = etcdMachines('trade-bj1');
    const configs = machines.map((m) => {
      const secret = theObject(objects, 'Secret', field<string>(m, 'spec.bootstrap.dataSecretName'), 'trade-bj1');
      expect(secret.type).toBe('cluster.x-k8s.io/secret');
      const files = cloudInitFiles(field<string>(secret, 'stringData.value'));
      expect(files[ETCD_PATHS.configFile].permissions).toBe('0600');
      return yaml.load(files[ETCD_PATHS.configFile].content) as Record<string, unknown>;
    });
    for (const config of configs) {
      expect(config['client-transport-security']).toMatchObject({ 'client-cert-auth': true, 'trusted-ca-file': ETCD_PATHS.caFile });
      expect(config['peer-transport-security']).toMatchObject({ 'client-cert-auth': true, 'trusted-ca-file': ETCD_PATHS.caFile });
      expect(String(config['initial-cluster']).split(',')).toHaveLength(5);
      expect(config['listen-client-urls']).toMatch(/^https:\/\//);
      expect(config['listen-peer-urls']).toMatch(/^https:\/\//);
      expect(typeof config['heartbeat-interval']).toBe('number');
      expect(config['election-timeout']).toBeGreaterThanOrEqual(10 * (config['heartbeat-interval'] as number));
      expect(config['quota-backend-bytes']).toBe(8 * 1024 ** 3);
      expect(config['snapshot-count']).toBe(10000);
    }
    // Same cluster-wide settings on every member, as etcd requires.
    const shared = (c: Record<string, unknown>) => [c['initial-cluster'], c['heartbeat-interval'], c['election-timeout'], c['initial-cluster-token']];
    expect(new Set(configs.map((c) => JSON.stringify(shared(c)))).size).toBe(1);
    // Member names are the Machine names.
    expect(configs.map((c) => c.name).sort()).toEqual(machines.map((m) => m.metadata.name).sort());
  });

  test('a member machine is an instance of the provider, not a Kubernetes node', () => {
    const member = theObject(objects, 'Machine', 'trade-bj1-etcd-0');
    expect(field(member, 'spec.infrastructureRef')).toEqual({ apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'AWSMachine', name: 'trade-bj1-etcd-0' });
    expect(field(member, 'spec.version')).toBeUndefined();
    expect(field(theObject(objects, 'AWSMachine', 'trade-bj1-etcd-0'), 'spec.instanceType')).toBe('etcd-standard');
  });
});

describe('labelled node pools', () => {
  test('one MachineDeployment per pool and zone', () => {
    const names = ofKind(objects, 'MachineDeployment', 'trade-hz1').map((d) => d.metadata.name).sort();
    expect(names).toEqual(['general', 'ingress', 'middleware'].flatMap((p) => ['hz1-a', 'hz1-b', 'hz1-c'].map((z) => `trade-hz1-${p}-${z}`)).sort());
  });

  test('pool labels reach the Node: role and pool through Cluster API, the rest through the kubelet', () => {
    for (const md of ofKind(objects, 'MachineDeployment')) {
      const machineLabels = field<Record<string, string>>(md, 'spec.template.metadata.labels');
      const pool = md.metadata.labels!['node.cluster.x-k8s.io/pool'];
      const roles = Object.keys(machineLabels).filter((k) => k.startsWith('node-role.kubernetes.io/'));
      expect(roles).toHaveLength(1);
      expect(machineLabels['node.cluster.x-k8s.io/pool']).toBe(pool);
      const template = theObject(objects, 'KubeadmConfigTemplate', field<string>(md, 'spec.template.spec.bootstrap.configRef.name'), md.metadata.namespace);
      const kubeletArgs = argMap(field(template, 'spec.template.spec.joinConfiguration.nodeRegistration.kubeletExtraArgs'));
      const nodeLabels = Object.fromEntries(kubeletArgs['node-labels'].split(',').map((kv) => kv.split('=')));
      expect(nodeLabels['topology.kubernetes.io/zone']).toBe(field(md, 'spec.template.spec.failureDomain'));
      expect(Object.keys(nodeLabels)).toEqual(expect.arrayContaining(['topology.kubernetes.io/region', 'node.kubernetes.io/instance-type', 'cluster-estate.io/idc', 'cluster-estate.io/machine-model', 'cluster-estate.io/pool-role']));
      // The kubelet may only set labels NodeRestriction allows; node-role labels cannot be set this way.
      for (const key of Object.keys(nodeLabels)) expect({ key, route: nodeLabelRoute(key) }).toEqual({ key, route: NodeLabelRoute.KUBELET });
    }
  });

  test('the charging gateway pool is tainted and labelled for long-lived connections', () => {
    const md = theObject(objects, 'MachineDeployment', 'charging-sh1-gateway-sh1-a');
    const template = theObject(objects, 'KubeadmConfigTemplate', field<string>(md, 'spec.template.spec.bootstrap.configRef.name'));
    expect(field(template, 'spec.template.spec.joinConfiguration.nodeRegistration.taints')).toEqual([{ key: 'cluster-estate.io/dedicated', value: 'gateway', effect: 'NoSchedule' }]);
    const labels = argMap(field(template, 'spec.template.spec.joinConfiguration.nodeRegistration.kubeletExtraArgs'))['node-labels'];
    expect(labels).toContain('cluster-estate.io/connection-tier=long-lived');
  });

  test('autoscaled pools carry bounds and no replicas; fixed pools carry replicas and no bounds', () => {
    const general = theObject(objects, 'MachineDeployment', 'trade-hz1-general-hz1-a');
    expect(field(general, 'spec.replicas')).toBeUndefined();
    expect(general.metadata.annotations).toMatchObject({
      'cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size': '6',
      'cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size': '18',
    });
    const middleware = theObject(objects, 'MachineDeployment', 'trade-hz1-middleware-hz1-a');
    expect(field(middleware, 'spec.replicas')).toBe(3);
    expect(middleware.metadata.annotations).toBeUndefined();
  });

  test('every pool has a health check with timeouts and a cap on concurrent remediation', () => {
    for (const cluster of clusters) {
      for (const pool of cluster.pools) {
        const mhc = theObject(objects, 'MachineHealthCheck', `${cluster.name}-${pool.name}`, cluster.name);
        expect(field(mhc, 'spec.checks.nodeStartupTimeoutSeconds')).toBe(600);
        expect(field(mhc, 'spec.checks.unhealthyNodeConditions')).toEqual([
          { type: 'Ready', status: 'Unknown', timeoutSeconds: 300 },
          { type: 'Ready', status: 'False', timeoutSeconds: 300 },
        ]);
        expect(field(mhc, 'spec.remediation.triggerIf.unhealthyLessThanOrEqualTo')).toBe('40%');
        expect(field(mhc, 'spec.selector.matchLabels')).toEqual({ 'cluster.x-k8s.io/cluster-name': cluster.name, 'node.cluster.x-k8s.io/pool': pool.name });
      }
    }
  });
});
