import { startSidecarsFirst } from '../../../../policies/rules';
import { contextWithTarget, referenceContext } from '../../fixtures/estate';
import { judge, messages } from '../../fixtures/judge';
import { APP_CLUSTER, broken, compliantDeployment, podSpecOf } from '../../fixtures/workloads';

/** The sidecar moved into spec.containers, before or after the main container: the fallback for old clusters. */
const fallback = (position: 'before' | 'after') => broken(compliantDeployment(), (x) => {
  const spec = podSpecOf(x);
  const sidecar = spec.initContainers.pop();
  delete sidecar.restartPolicy;
  delete spec.initContainers;
  spec.containers = position === 'before' ? [sidecar, ...spec.containers] : [...spec.containers, sidecar];
});

/** The reference context with trade-hz1 on an older control plane. */
function contextAt(version: string) {
  const base = contextWithTarget(APP_CLUSTER, [compliantDeployment()]);
  const facts = base.clusters.get(APP_CLUSTER)!;
  return { ...base, clusters: new Map([...base.clusters, [APP_CLUSTER, { ...facts, plan: { ...facts.plan, kubernetesVersion: version } }]]) };
}

describe('start-sidecars-first', () => {
  test('a native sidecar is compliant, on its own and on a 1.31 cluster', () => {
    expect(judge(startSidecarsFirst, compliantDeployment())).toEqual({ kind: 'compliant' });
    expect(judge(startSidecarsFirst, compliantDeployment(), { targetName: APP_CLUSTER, context: referenceContext() })).toEqual({ kind: 'compliant' });
  });

  test('the fallback (sidecar listed before the main container) is compliant', () => {
    expect(judge(startSidecarsFirst, fallback('before'))).toEqual({ kind: 'compliant' });
  });

  test('a sidecar listed after the main container is a violation', () => {
    expect(messages(judge(startSidecarsFirst, fallback('after')))).toEqual(['sidecar "log-shipper" is listed after the main container "checkout": the kubelet starts it later']);
  });

  test('a sidecar as a run-to-completion init container is a violation', () => {
    const d = broken(compliantDeployment(), (x) => delete podSpecOf(x).initContainers[0].restartPolicy);
    expect(messages(judge(startSidecarsFirst, d))).toEqual(['sidecar "log-shipper" is a run-to-completion init container: it never exits and the main container never starts (set restartPolicy: Always)']);
  });

  test('with the estate, a native sidecar on a 1.28 control plane is a violation, and the fallback is fine there', () => {
    const context = contextAt('v1.28.9');
    expect(messages(judge(startSidecarsFirst, compliantDeployment(), { targetName: APP_CLUSTER, context }))).toEqual([
      'native sidecar(s) "log-shipper" where Kubernetes v1.28.9 runs: restartPolicy Always is not honoured before 1.29 and the pod never starts',
    ]);
    expect(judge(startSidecarsFirst, fallback('before'), { targetName: APP_CLUSTER, context })).toEqual({ kind: 'compliant' });
  });

  test('preferNative reports the fallback where native sidecars work; requireStartupProbe asks native sidecars for one', () => {
    expect(messages(judge(startSidecarsFirst, fallback('before'), { config: { preferNative: true } }))).toEqual(['sidecar "log-shipper" is an ordinary container where native sidecars are supported']);
    expect(messages(judge(startSidecarsFirst, compliantDeployment(), { config: { requireStartupProbe: true } }))).toEqual(['native sidecar "log-shipper" has no startupProbe: the main container starts as soon as its process does']);
  });
});
