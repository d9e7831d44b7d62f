/**
 * Teams as tenants, on the reference estate and on small changes to it: what each team namespace gets (RBAC for two
 * groups, a quota sized from its apps, a limit range, default deny with the declared allows), and the errors a
 * platform or product team sees when the tenancy is wrong.
 */
import {
  AppImage, AppTemplate, AppTemplateProps, Caller, Destination, Estate, EstateValidationError, KubeObject, Problem,
  PromotionPhase, synthesize, Team,
} from '../../../constructs';
import { cpuQuantity } from '../../../constructs/internal';
import { referenceEstate } from '../../../stacks/estates';

const NORMAL_DAY = new Date('2026-06-01T00:00:00+08:00');
const PEAK = new Date('2026-11-11T00:00:00+08:00');

function objects(estate: Estate, cluster: string, asOf = NORMAL_DAY): KubeObject[] {
  return synthesize(estate, { asOf, targets: [cluster] }).targets[0].objects;
}

function inNamespace(list: KubeObject[], namespace: string, kind?: string): KubeObject[] {
  return list.filter((o) => (o.metadata.namespace === namespace || (o.kind === 'Namespace' && o.metadata.name === namespace)) && (kind === undefined || o.kind === kind));
}

function errorsOf(estate: Estate): Problem[] {
  try {
    synthesize(estate, { asOf: NORMAL_DAY });
  } catch (e) {
    expect(e).toBeInstanceOf(EstateValidationError);
    return [...(e as EstateValidationError).errors];
  }
  throw new Error('the estate synthesized, but it should have been refused');
}

const any = (x: unknown) => x as any; // eslint-disable-line @typescript-eslint/no-explicit-any

function shop(estate: Estate, change: Partial<AppTemplateProps> = {}): AppTemplate {
  return new AppTemplate(estate, 'checkout', {
    namespace: 'shop',
    image: AppImage.pinned('registry.estate.internal/shop/checkout:2.4.1'),
    resources: { cpuMillis: { request: 500, limit: 1000 }, memoryMiB: { request: 1024, limit: 1536 } },
    placement: { clusters: estate.clusters.filter((c) => c.name === 'trade-hz1'), replicasPerCluster: 3 },
    ...change,
  });
}

describe('a team namespace on a cluster where the team\'s apps run', () => {
  const hz1 = objects(referenceEstate(), 'trade-hz1');

  test('renders, in order, two Roles with their bindings, a quota, a limit range, default deny, DNS and the app allows', () => {
    expect(inNamespace(hz1, 'payment').filter((o) => !['Deployment', 'Service', 'ServiceAccount', 'HorizontalPodAutoscaler', 'PodDisruptionBudget'].includes(o.kind)).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/payment',
      'Role/payments-deployer', 'RoleBinding/payments-deployer', 'Role/payments-reader', 'RoleBinding/payments-reader',
      'ResourceQuota/tenant-quota', 'LimitRange/tenant-limits',
      'NetworkPolicy/default-deny', 'NetworkPolicy/allow-dns', 'NetworkPolicy/payment-worker-allow-ingress', 'NetworkPolicy/payment-worker-allow-egress',
      // payment-worker is in trade-hz1's mesh: its subsets and routes live in its namespace.
      'DestinationRule/payment-worker', 'VirtualService/payment-worker', 'AuthorizationPolicy/payment-worker',
    ]);
    expect(inNamespace(hz1, 'payment', 'Namespace')[0].metadata.labels).toMatchObject({ 'cluster-estate.io/team': 'payments', 'pod-security.kubernetes.io/enforce': 'restricted' });
  });

  test('each group is bound to its own namespaced Role: deployers operate workloads, readers view and read logs', () => {
    const bindings = inNamespace(hz1, 'trade', 'RoleBinding').map((b) => [any(b).subjects, any(b).roleRef.kind]);
    expect(bindings).toEqual([
      [[{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'trade-deployers' }], 'Role'],
      [[{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'trade-readers' }], 'Role'],
    ]);
    const [deployer, reader] = inNamespace(hz1, 'trade', 'Role').map((r) => any(r).rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[]);
    const can = (
      rules: typeof deployer,
      verb: string,
      resource: string,
    ) => rules.some((r) => r.resources.includes(resource) && r.verbs.includes(verb));
    expect(can(deployer, 'delete', 'deployments')).toBe(true);
    expect(can(deployer, 'patch', 'pods')).toBe(true); // quarantine one pod
    expect(can(reader, 'get', 'pods/log')).toBe(true);
    expect(['create', 'update', 'patch', 'delete'].some((v) => reader.some((r) => r.verbs.includes(v)))).toBe(false);
    for (const rules of [deployer, reader]) {
      for (const r of rules) {
        expect(r.verbs).not.toContain('*');
        expect(r.resources).not.toContain('*');
        expect(r.resources).not.toContain('secrets');
        expect(r.resources).not.toContain('pods/exec');
      }
      // The team cannot widen its own isolation or capacity.
      for (const resource of ['networkpolicies', 'resourcequotas', 'limitranges', 'roles', 'rolebindings']) {
        expect(['create', 'update', 'patch', 'delete'].some((v) => can(rules, v, resource))).toBe(false);
      }
    }
  });

  test('the quota holds the apps at their autoscalers\' maximum, the 25% rolling-update surge and the headroom', () => {
    const hpaMax = inNamespace(hz1, 'trade', 'HorizontalPodAutoscaler').reduce((n, h) => n + any(h).spec.maxReplicas, 0);
    const pods = hpaMax + Math.ceil(hpaMax / 4);
    expect(any(inNamespace(hz1, 'trade', 'ResourceQuota')[0]).spec.hard.pods).toBe(String(Math.ceil(pods * 1.2)));
    // order-api requests 1,250m and 2,368 MiB per pod (main container and three sidecars), headroom 20%, rounded up.
    // Quantities in the API server's canonical form (whole cores as plain numbers).
    expect(any(inNamespace(hz1, 'trade', 'ResourceQuota')[0]).spec.hard['requests.cpu']).toBe(cpuQuantity(Math.ceil((pods * 1250 * 1.2) / 100) * 100));
    // The payments team's budget sets its requests, larger at the peak.
    expect(any(inNamespace(hz1, 'payment', 'ResourceQuota')[0]).spec.hard).toMatchObject({ 'requests.cpu': '20', 'requests.memory': '36Gi' });
    expect(any(inNamespace(objects(referenceEstate(), 'trade-hz1', PEAK), 'payment', 'ResourceQuota')[0]).spec.hard).toMatchObject({ 'requests.cpu': '38', 'requests.memory': '68Gi' });
  });

  test('the limit range caps a container at the largest the team\'s apps use and gives small defaults', () => {
    expect(any(inNamespace(hz1, 'payment', 'LimitRange')[0]).spec.limits).toEqual([{
      type: 'Container', default: { cpu: '500m', memory: '512Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' }, max: { cpu: '1', memory: '1536Mi' },
    }]);
  });

  test('the caller\'s egress comes from the callee\'s declaration: order-api may reach payment-worker\'s port, nothing else of it', () => {
    const egress = any(inNamespace(hz1, 'trade').find((o) => o.metadata.name === 'order-api-allow-egress')).spec.egress;
    expect(egress[0]).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'payment' } }, podSelector: { matchLabels: { 'cluster-estate.io/app': 'payment-worker' } } }],
      ports: [{ port: 8081, protocol: 'TCP' }],
    });
  });

  test('a namespace no team owns still denies by default and has a quota, but binds no group', () => {
    const estate = referenceEstate();
    shop(estate);
    const kinds = inNamespace(objects(estate, 'trade-hz1'), 'shop').map((o) => o.kind);
    expect(kinds).toEqual(expect.arrayContaining(['ResourceQuota', 'LimitRange', 'NetworkPolicy']));
    expect(kinds).not.toContain('RoleBinding');
  });
});

describe('tenancy errors', () => {
  test('a budget the team\'s own apps would exceed: the team, the namespace, the cluster, the phase and the numbers', () => {
    const estate = referenceEstate();
    const daily = estate.node.findChild('daily') as never;
    new Team(estate, 'shop', { namespaces: ['shop'], budgets: [{ group: daily, phase: PromotionPhase.DORMANT, cpuMillis: 2000, memoryMiB: 4096 }] });
    shop(estate);
    const errors = errorsOf(estate);
    expect(errors.map((e) => [e.path, e.rule])).toEqual([['reference/shop', 'team-quota-exceeded']]);
    expect(errors[0].message).toBe('namespace shop on cluster trade-hz1 at a normal day (no promotion): the team\'s own apps would exceed its quota: 6 vCPU and 12 GiB requested by 12 pods (apps at autoscaler max + rolling-update surge) against a budget of 2 vCPU and 4 GiB');
    expect(errors[0].fix).toMatch(/raise the budget for group daily \(dormant\)/);
  });

  test('a namespace owned by two teams', () => {
    const estate = referenceEstate();
    new Team(estate, 'checkout', { namespaces: ['trade'] });
    expect(errorsOf(estate).map((e) => [e.path, e.rule, e.value])).toEqual([['reference/checkout', 'team-namespace-owner', '"trade"']]);
  });

  test('a caller that is not an app of the estate, and a port the app does not expose', () => {
    const estate = referenceEstate();
    shop(estate, { access: { allowFrom: [Caller.app('order-ap'), Caller.ingressGateway({ ports: ['https'] })] } });
    const errors = errorsOf(estate);
    expect(errors.map((e) => [e.path, e.rule])).toEqual([['reference/checkout', 'access-ports'], ['reference/checkout', 'access-unknown-caller']]);
    expect(errors.find((e) => e.rule === 'access-unknown-caller')!.fix).toMatch(/name one of: charging-gateway, checkout, order-api, payment-worker, promotion-engine/);
  });

  test('calls to another app are declared once, on the callee, not as an egress destination', () => {
    const estate = referenceEstate();
    shop(estate, { access: { egressTo: [Destination.namespace('payment', { ports: [8081] })] } });
    const errors = errorsOf(estate);
    expect(errors.map((e) => e.rule)).toEqual(['access-destination']);
    expect(errors[0].fix).toBe('add Caller.app("checkout") to the callee\'s access.allowFrom instead');
  });

  test('open ranges are refused: a /0 load-balancer source or external destination is no isolation', () => {
    const estate = referenceEstate();
    shop(estate, { access: { allowFrom: [Caller.loadBalancer({ sourceRanges: ['0.0.0.0/0'] })], egressTo: [Destination.external('anything', { cidrs: ['0.0.0.0/0'], ports: [443] })] } });
    expect(errorsOf(estate).map((e) => e.rule)).toEqual(['access-caller', 'access-destination']);
  });

  test('a caller that never shares a cluster with the app is a warning: network policies are per cluster', () => {
    const estate = referenceEstate();
    shop(estate, { access: { allowFrom: [Caller.app('charging-gateway')] } });
    const warnings = synthesize(estate, { asOf: NORMAL_DAY }).warnings;
    expect(warnings.map((w) => [w.path, w.rule])).toEqual([['reference/checkout', 'access-caller-elsewhere']]);
  });
});

describe('team names', () => {
  test('a team name prefixes its Roles: it must be a short DNS label', () => {
    const estate = referenceEstate();
    new Team(estate, 'Shop_Team', { namespaces: ['shop'] });
    shop(estate);
    expect(errorsOf(estate).map((e) => [e.path, e.rule])).toEqual([['reference/Shop_Team', 'name-syntax']]);
  });
});
