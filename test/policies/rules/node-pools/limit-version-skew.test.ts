import { limitVersionSkew } from '../../../../policies/rules';
import { clusterManagementObjects, pick } from '../../fixtures/estate';
import { judge, messages } from '../../fixtures/judge';

/* eslint-disable @typescript-eslint/no-explicit-any */
const setup = (version: string) => {
  const objects = clusterManagementObjects('ops-nx1');
  const md = pick(objects, 'MachineDeployment', 'ops-nx1-general-cn-northwest-1b') as any;
  md.spec.template.spec.version = version;
  return { objects, md };
};

describe('limit-version-skew', () => {
  test('the synthesized pools (one a minor behind at v1.30.8) are compliant', () => {
    const objects = clusterManagementObjects('ops-nx1');
    for (const md of objects.filter((o) => o.kind === 'MachineDeployment')) expect(judge(limitVersionSkew, md, { target: objects })).toEqual({ kind: 'compliant' });
  });

  test.each([
    ['v1.32.0', 'v1.32.0 is newer than the control plane (v1.31.4)'],
    ['v1.31.5', 'v1.31.5 is newer than the control plane (v1.31.4)'],
    ['v1.27.9', 'v1.27.9 is 4 minor releases behind the control plane (v1.31.4); at most 3 allowed'],
    ['1.31', 'version "1.31" is not a Kubernetes version such as v1.31.4'],
  ])('a pool at %s is a violation', (version, message) => {
    const { objects, md } = setup(version);
    expect(messages(judge(limitVersionSkew, md, { target: objects }))).toEqual([message]);
  });

  test('three minors behind is allowed, unless configured otherwise', () => {
    const { objects, md } = setup('v1.28.15');
    expect(judge(limitVersionSkew, md, { target: objects })).toEqual({ kind: 'compliant' });
    expect(messages(judge(limitVersionSkew, md, { target: objects, config: { maxMinorsBehind: 1 } }))[0]).toMatch(/3 minor releases behind/);
  });

  test('etcd Machines state no version and a pool without its control plane is not judged', () => {
    const objects = clusterManagementObjects('ops-nx1');
    expect(judge(limitVersionSkew, pick(objects, 'Machine', 'ops-nx1-etcd-0'), { target: objects }).kind).toBe('not-applicable');
    expect(judge(limitVersionSkew, pick(objects, 'MachineDeployment', 'ops-nx1-general-cn-northwest-1b')).kind).toBe('not-applicable');
  });
});
