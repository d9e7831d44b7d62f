import { requirePrestopHook } from '../../../../policies/rules';
import { judge, messages } from '../../fixtures/judge';
import { broken, compliantBarePod, compliantDeployment, compliantService, mainContainerOf, podContainerOf, podSpecOf } from '../../fixtures/workloads';

describe('require-prestop-hook', () => {
  test('the compliant Deployment (15 s drain in a 40 s grace period) is compliant', () => {
    expect(judge(requirePrestopHook, compliantDeployment())).toEqual({ kind: 'compliant' });
  });

  test('a serving container without a preStop hook is a violation', () => {
    const d = broken(compliantDeployment(), (x) => delete mainContainerOf(x).lifecycle.preStop);
    expect(messages(judge(requirePrestopHook, d))).toEqual(['container "checkout" serves traffic but has no preStop hook: requests fail while it stops']);
  });

  test('a grace period shorter than the hook plus the margin is a violation', () => {
    const d = broken(compliantDeployment(), (x) => (podSpecOf(x).terminationGracePeriodSeconds = 18));
    expect(messages(judge(requirePrestopHook, d))).toEqual(['terminationGracePeriodSeconds 18 does not cover container "checkout"\'s 15 s preStop hook plus 5 s to stop']);
  });

  test('the default grace period (30 s) does not cover a 30 s sleep action', () => {
    const d = broken(compliantDeployment(), (x) => {
      delete podSpecOf(x).terminationGracePeriodSeconds;
      mainContainerOf(x).lifecycle.preStop = { sleep: { seconds: 30 } };
    });
    expect(messages(judge(requirePrestopHook, d))).toEqual(['terminationGracePeriodSeconds 30 (default) does not cover container "checkout"\'s 30 s preStop hook plus 5 s to stop']);
  });

  test('the pod can state the budget of a hook whose duration cannot be read', () => {
    const d = broken(compliantDeployment(), (x) => {
      mainContainerOf(x).lifecycle.preStop = { httpGet: { path: '/offline', port: 8080 } };
      x.spec.template.metadata.annotations['cluster-estate.io/prestop-seconds'] = '60';
    });
    expect(messages(judge(requirePrestopHook, d))[0]).toMatch(/60 s preStop hook/);
  });

  test('a container that serves nothing, and a debug-mode pod, are not applicable', () => {
    const worker = broken(compliantDeployment(), (x) => {
      delete mainContainerOf(x).ports;
      delete mainContainerOf(x).readinessProbe;
      delete mainContainerOf(x).lifecycle;
    });
    expect(judge(requirePrestopHook, worker).kind).toBe('not-applicable');
    const debug = broken(compliantDeployment(), (x) => {
      delete mainContainerOf(x).lifecycle;
      x.spec.template.metadata.annotations['cluster-estate.io/debug'] = 'INC-4711 heap dump';
    });
    expect(judge(requirePrestopHook, debug).kind).toBe('not-applicable');
  });

  test('the margin is configurable', () => {
    expect(messages(judge(requirePrestopHook, compliantDeployment(), { config: { marginSeconds: 30 } }))).toHaveLength(1);
  });

  describe('a bare Pod written by hand', () => {
    const noHook = () => broken(compliantBarePod(), (p) => delete podContainerOf(p).lifecycle);

    test('that serves (a port, as behind a Service), with its hook, is compliant; without it, a violation', () => {
      expect(judge(requirePrestopHook, compliantBarePod(), { target: [compliantService()] })).toEqual({ kind: 'compliant' });
      expect(messages(judge(requirePrestopHook, noHook(), { target: [compliantService()] }))).toEqual(['container "checkout" serves traffic but has no preStop hook: requests fail while it stops']);
    });

    test('a readiness probe alone makes it serve', () => {
      const bare = broken(noHook(), (p) => delete podContainerOf(p).ports);
      expect(messages(judge(requirePrestopHook, bare))).toEqual(['container "checkout" serves traffic but has no preStop hook: requests fail while it stops']);
    });

    test('one that serves nothing is not applicable', () => {
      const task = broken(noHook(), (p) => {
        delete podContainerOf(p).ports;
        delete podContainerOf(p).readinessProbe;
      });
      expect(judge(requirePrestopHook, task)).toEqual({ kind: 'not-applicable', reason: 'a bare Pod that serves nothing (no container port, no readiness probe)' });
    });
  });
});
