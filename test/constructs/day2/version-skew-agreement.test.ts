/**
 * Estate validation (`version-skew`) and the policy `limit-version-skew` judge a pool's version against its control
 * plane the same way, for every pair of versions around the skew limits: what one accepts, the other accepts.
 */
import { ProblemSeverity, validateEstate } from '../../../constructs/internal';
import { limitVersionSkew } from '../../../policies/rules';
import { referenceEstate } from '../../../stacks/estates';
import { clusterManagementObjects, pick } from '../../policies/fixtures/estate';
import { judge } from '../../policies/fixtures/judge';

const CONTROL_PLANE = 'v1.31.4';
const POOLS = ['v1.27.9', 'v1.28.0', 'v1.28.15', 'v1.30.8', 'v1.31.3', 'v1.31.4', 'v1.31.5', 'v1.32.0'];

function validationAccepts(poolVersion: string): boolean {
  const estate = referenceEstate();
  const cluster = estate.clusters.find((c) => c.name === 'ops-nx1')!;
  const pool = cluster.nodePools[0] as unknown as { props: Record<string, unknown> };
  pool.props = { ...pool.props, kubernetesVersion: poolVersion };
  return !validateEstate(estate).some((p) => p.severity === ProblemSeverity.ERROR && p.rule === 'version-skew');
}

function policyAccepts(poolVersion: string): boolean {
  const objects = clusterManagementObjects('ops-nx1');
  const md = pick(objects, 'MachineDeployment', 'ops-nx1-general-cn-northwest-1b') as unknown as { spec: { template: { spec: { version: string } } } };
  md.spec.template.spec.version = poolVersion;
  const kcp = objects.find((o) => o.kind === 'KubeadmControlPlane') as unknown as { spec: { version: string } };
  expect(kcp.spec.version).toBe(CONTROL_PLANE);
  return judge(limitVersionSkew, md as never, { target: objects }).kind === 'compliant';
}

describe('version skew: estate validation and limit-version-skew agree', () => {
  test.each(POOLS)(`a pool at %s under a ${CONTROL_PLANE} control plane`, (version) => {
    expect(policyAccepts(version)).toBe(validationAccepts(version));
  });

  test('the grid covers both verdicts', () => {
    const verdicts = POOLS.map(validationAccepts);
    expect(verdicts).toContain(true);
    expect(verdicts).toContain(false);
  });
});
