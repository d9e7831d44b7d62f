import { checkPinnedImage, ProblemCollector, sameProbe, Sidecar, SidecarKind } from '../../../constructs/internal';

describe('sidecar factories', () => {
  const factories = [
    Sidecar.logShipper({ brokers: ['kafka-0.logs.svc:9092'], topic: 'app-logs' }),
    Sidecar.opsAgent(),
    Sidecar.meshProxy(),
  ];

  test.each(factories.map((s) => [s.spec.kind, s]))('%s: pinned image, requests and limits, distinct readiness and liveness, valid as given', (_, sidecar) => {
    const s = (sidecar as Sidecar).spec;
    expect(checkPinnedImage(s.image)).toBeUndefined();
    expect(s.resources.cpuMillis.request).toBeLessThanOrEqual(s.resources.cpuMillis.limit);
    expect(s.resources.memoryMiB.request).toBeLessThanOrEqual(s.resources.memoryMiB.limit);
    expect(sameProbe(s.readiness, s.liveness)).toBe(false);
    const problems = new ProblemCollector();
    (sidecar as Sidecar).collectProblems('e/app', problems);
    expect(problems.problems).toEqual([]);
  });

  test('the mesh proxy has a startup probe, so native ordering holds the main container until the proxy is ready', () => {
    const proxy = Sidecar.meshProxy({ discoveryAddress: 'istiod.mesh.svc:15012' }).spec;
    expect(proxy.kind).toBe(SidecarKind.MESH_PROXY);
    expect(proxy.startup).toMatchObject({ check: { http: { path: '/healthz/ready', port: 15021 } } });
    expect(proxy.args).toContain('--discoveryAddress=istiod.mesh.svc:15012');
    expect(proxy.runAsUser).toBe(1337);
  });

  test('a custom sidecar states everything itself', () => {
    const probe = { check: { tcp: { port: 7000 } }, periodSeconds: 5, failureThreshold: 3, successThreshold: 1, timeoutSeconds: 1 };
    const s = Sidecar.custom({ name: 'cache', image: 'registry.example.internal/cache:7.2.5', resources: { cpuMillis: { request: 100, limit: 200 }, memoryMiB: { request: 256, limit: 256 } }, readiness: probe, liveness: { ...probe, periodSeconds: 15 }, ports: [{ name: 'cache', port: 7000 }] });
    const problems = new ProblemCollector();
    s.collectProblems('e/app', problems);
    expect(problems.problems).toEqual([]);
    expect(s.spec).toMatchObject({ kind: SidecarKind.CUSTOM, name: 'cache', env: {}, volumeMounts: [] });
  });
});
