import { requireMachineHealthCheck } from '../../../../policies/rules';
import { clusterManagementObjects, pick } from '../../fixtures/estate';
import { judge, messages } from '../../fixtures/judge';

/* eslint-disable @typescript-eslint/no-explicit-any */
const setup = () => {
  const objects = clusterManagementObjects('trade-hz2');
  return { objects, md: pick(objects, 'MachineDeployment', 'trade-hz2-ingress-hz1-b'), kcp: pick(objects, 'KubeadmControlPlane', 'trade-hz2-control-plane'), mhc: pick(objects, 'MachineHealthCheck', 'trade-hz2-ingress') as any };
};

describe('require-machine-health-check', () => {
  test('every pool and the control plane are watched', () => {
    const { objects } = setup();
    for (const o of objects.filter((x) => x.kind === 'MachineDeployment' || x.kind === 'KubeadmControlPlane')) {
      expect(judge(requireMachineHealthCheck, o, { target: objects })).toEqual({ kind: 'compliant' });
    }
  });

  test('a pool no health check selects is a violation', () => {
    const { objects, md, mhc } = setup();
    mhc.spec.selector.matchLabels['node.cluster.x-k8s.io/pool'] = 'ingres';
    expect(messages(judge(requireMachineHealthCheck, md, { target: objects }))).toEqual(['no MachineHealthCheck of cluster trade-hz2 selects the machines of this pool: broken machines are never replaced']);
  });

  test('a health check of another cluster does not count', () => {
    const { objects, md, mhc } = setup();
    mhc.spec.clusterName = 'trade-hz1';
    expect(messages(judge(requireMachineHealthCheck, md, { target: objects }))[0]).toMatch(/^no MachineHealthCheck/);
  });

  test('the control plane without its health check is a violation', () => {
    const { objects, kcp } = setup();
    const without = objects.filter((o) => !(o.kind === 'MachineHealthCheck' && o.metadata.name === 'trade-hz2-control-plane'));
    expect(messages(judge(requireMachineHealthCheck, kcp, { target: without }))).toEqual(['no MachineHealthCheck of cluster trade-hz2 selects the control-plane machines: broken machines are never replaced']);
  });

  test('a health check with no conditions or no remediation limit is a violation', () => {
    const { objects, md, mhc } = setup();
    mhc.spec.checks.unhealthyNodeConditions = [];
    delete mhc.spec.remediation;
    expect(messages(judge(requireMachineHealthCheck, md, { target: objects }))).toEqual([
      'MachineHealthCheck trade-hz2-ingress names no unhealthy node conditions',
      'MachineHealthCheck trade-hz2-ingress sets no remediation limit: a partition could have every machine replaced at once',
    ]);
    expect(messages(judge(requireMachineHealthCheck, md, { target: objects, config: { requireRemediationLimit: false } }))).toHaveLength(1);
  });

  test('a v1beta1 health check (unhealthyConditions, maxUnhealthy) counts', () => {
    const { objects, md, mhc } = setup();
    mhc.spec.unhealthyConditions = mhc.spec.checks.unhealthyNodeConditions;
    delete mhc.spec.checks;
    mhc.spec.maxUnhealthy = '40%';
    delete mhc.spec.remediation;
    expect(judge(requireMachineHealthCheck, md, { target: objects })).toEqual({ kind: 'compliant' });
  });
});
