import { fitRequestedCapacity } from '../../../../policies/rules';
import { clusterManagementObjects, contextWithTarget, pick, REFERENCE_TIMES, referenceContext } from '../../fixtures/estate';
import { judge, messages } from '../../fixtures/judge';
import { broken, compliantApp, compliantAutoscaler, compliantDeployment, podSpecOf } from '../../fixtures/workloads';

const clusterObject = (name: string, asOf: Date = REFERENCE_TIMES.peak) => pick(clusterManagementObjects(name, asOf), 'Cluster', name);

describe('fit-requested-capacity', () => {
  test('the reference estate\'s workloads fit every cluster at every phase', () => {
    for (const asOf of Object.values(REFERENCE_TIMES)) {
      const context = referenceContext(asOf);
      for (const plan of context.plan.clusters) {
        expect(judge(fitRequestedCapacity, clusterObject(plan.name, asOf), { context, targetName: 'management' }).kind).not.toBe('violations');
      }
    }
  });

  test('the compliant app fits trade-hz1', () => {
    expect(judge(fitRequestedCapacity, clusterObject('trade-hz1'), { context: contextWithTarget('trade-hz1', compliantApp()) })).toEqual({ kind: 'compliant' });
  });

  test('an HPA floor beyond the general pool\'s autoscaler maximum is a violation', () => {
    // general on trade-hz1: 3 zones x 18 machines of 31.55 allocatable vCPU (32 minus the kube and DaemonSet reserve)
    // = 1,704 vCPU; 3,000 pods x 0.6 vCPU = 1,800.
    const objects = [compliantDeployment(), compliantAutoscaler('checkout', 3000, 4000)];
    expect(messages(judge(fitRequestedCapacity, clusterObject('trade-hz1'), { context: contextWithTarget('trade-hz1', objects) }))).toEqual([
      '1 workload(s) on pool(s) general request 1,800 vCPU and 1,875 GiB at their replica floor, but 54 machine(s) offer pods 1,704 vCPU and 6,363 GiB (100% of allocatable): CPU over',
    ]);
  });

  test('a peak cluster is judged at its size in the phase: what fits at the peak may not fit once the drain starts', () => {
    // general on peak-bj1: autoscaled up to 30 machines per zone at peak (2,840 vCPU allocatable), 23 in the first
    // drain batch (2,177 vCPU); 550 pods x 4.1 vCPU = 2,255 vCPU.
    const objects = [broken(compliantDeployment(), (d) => {
      d.spec.template.metadata.labels['cluster-estate.io/cluster'] = 'peak-bj1';
      podSpecOf(d).containers[0].resources = { requests: { cpu: '4', memory: '8Gi' }, limits: { cpu: '4', memory: '8Gi' } };
    }), compliantAutoscaler('checkout', 550, 600)];
    const at = (asOf: Date) => judge(fitRequestedCapacity, clusterObject('peak-bj1', asOf), { context: contextWithTarget('peak-bj1', objects, asOf) });
    expect(at(REFERENCE_TIMES.peak)).toEqual({ kind: 'compliant' });
    expect(messages(at(REFERENCE_TIMES.drainingFirstBatch))).toEqual([
      '1 workload(s) on pool(s) general request 2,255 vCPU and 4,469 GiB at their replica floor, but 69 machine(s) in phase draining offer pods 2,177 vCPU and 8,130 GiB (100% of allocatable): CPU over',
    ]);
  });

  test('the estate\'s CapacityPolicy decides how much of the allocatable capacity may be requested', () => {
    const objects = [compliantDeployment(), compliantAutoscaler('checkout', 2500, 4000)];
    const context = contextWithTarget('trade-hz1', objects);
    expect(judge(fitRequestedCapacity, clusterObject('trade-hz1'), { context }).kind).toBe('compliant');
    const strict = { ...context, capacity: { ...context.capacity, maxCommitPercent: 50 } };
    expect(messages(judge(fitRequestedCapacity, clusterObject('trade-hz1'), { context: strict }))[0]).toMatch(/\(50% of allocatable\): CPU over$/);
  });

  test('without the estate, or for a cluster without workloads, it is not applicable', () => {
    expect(judge(fitRequestedCapacity, clusterObject('trade-hz1')).kind).toBe('not-applicable');
    expect(judge(fitRequestedCapacity, clusterObject('ops-nx1'), { context: referenceContext() }).kind).toBe('not-applicable');
  });
});
