import { requireDistinctProbes } from '../../../../policies/rules';
import { judge, messages } from '../../fixtures/judge';
import { broken, compliantBarePod, compliantDeployment, compliantService, copyJson, mainContainerOf, podContainerOf, podSpecOf } from '../../fixtures/workloads';

describe('require-distinct-probes', () => {
  test('the compliant Deployment is compliant', () => {
    expect(judge(requireDistinctProbes, compliantDeployment())).toEqual({ kind: 'compliant' });
  });

  test.each([
    ['readinessProbe', 'container "checkout" has no readiness probe'],
    ['livenessProbe', 'container "checkout" has no liveness probe'],
  ])('a main container without %s is a violation', (probe, message) => {
    expect(messages(judge(requireDistinctProbes, broken(compliantDeployment(), (x) => delete mainContainerOf(x)[probe])))).toEqual([message]);
  });

  test('a container without any probe is one violation naming both', () => {
    const d = broken(compliantDeployment(), (x) => {
      delete mainContainerOf(x).readinessProbe;
      delete mainContainerOf(x).livenessProbe;
    });
    expect(messages(judge(requireDistinctProbes, d))).toEqual(['container "checkout" has no readiness and no liveness probe']);
  });

  test('identical readiness and liveness probes are a violation, on sidecars too', () => {
    const d = broken(compliantDeployment(), (x) => {
      mainContainerOf(x).livenessProbe = copyJson(mainContainerOf(x).readinessProbe);
      podSpecOf(x).initContainers[0].livenessProbe = copyJson(podSpecOf(x).initContainers[0].readinessProbe);
    });
    expect(messages(judge(requireDistinctProbes, d))).toEqual([
      'sidecar "log-shipper" uses the same check for readiness and liveness: a slow dependency would restart it instead of taking it out of rotation',
      'container "checkout" uses the same check for readiness and liveness: a slow dependency would restart it instead of taking it out of rotation',
    ]);
  });

  test('sidecars need probes only when configured so', () => {
    const d = broken(compliantDeployment(), (x) => delete podSpecOf(x).initContainers[0].livenessProbe);
    expect(judge(requireDistinctProbes, d)).toEqual({ kind: 'compliant' });
    expect(messages(judge(requireDistinctProbes, d, { config: { requireOnSidecars: true } }))).toEqual(['sidecar "log-shipper" has no liveness probe']);
  });

  test('a debug-mode pod (probes dropped by design) is not applicable', () => {
    const d = broken(compliantDeployment(), (x) => {
      delete mainContainerOf(x).readinessProbe;
      x.spec.template.metadata.annotations['cluster-estate.io/debug'] = 'INC-4711 heap dump';
    });
    expect(judge(requireDistinctProbes, d).kind).toBe('not-applicable');
  });

  describe('a bare Pod written by hand', () => {
    const noProbes = () => broken(compliantBarePod(), (p) => {
      delete podContainerOf(p).readinessProbe;
      delete podContainerOf(p).livenessProbe;
    });

    test('that serves (a port, as behind a Service), with both probes, is compliant', () => {
      expect(judge(requireDistinctProbes, compliantBarePod(), { target: [compliantService()] })).toEqual({ kind: 'compliant' });
    });

    test('that serves, without probes, is a violation', () => {
      expect(messages(judge(requireDistinctProbes, noProbes(), { target: [compliantService()] }))).toEqual(['container "checkout" has no readiness and no liveness probe']);
    });

    test('that serves nothing (a one-off task), or that a controller owns, is not applicable', () => {
      const task = broken(noProbes(), (p) => delete podContainerOf(p).ports);
      expect(judge(requireDistinctProbes, task)).toEqual({ kind: 'not-applicable', reason: 'a bare Pod that serves nothing (no container port, no readiness probe)' });
      const owned = broken(noProbes(), (p) => (p.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'checkout-5d8f', uid: 'u-1', controller: true }]));
      expect(judge(requireDistinctProbes, owned, { target: [compliantService()] })).toEqual({ kind: 'not-applicable', reason: 'a controller owns the Pod: its template is judged on the controller' });
    });
  });
});
