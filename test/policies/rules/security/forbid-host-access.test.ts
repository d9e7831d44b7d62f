import { forbidHostAccess } from '../../../../policies/rules';
import { judge, messages } from '../../fixtures/judge';
import { broken, compliantDeployment, podSpecOf } from '../../fixtures/workloads';

describe('forbid-host-access', () => {
  test('the compliant Deployment is compliant', () => {
    expect(judge(forbidHostAccess, compliantDeployment())).toEqual({ kind: 'compliant' });
  });

  test.each([
    ['hostNetwork', 'network'], ['hostPID', 'process'], ['hostIPC', 'IPC'],
  ])('%s is a violation', (key, what) => {
    expect(messages(judge(forbidHostAccess, broken(compliantDeployment(), (x) => (podSpecOf(x)[key] = true))))).toEqual([`${key} is true: the pod shares the node's ${what} namespace`]);
  });

  test('a hostPath volume is a violation', () => {
    const d = broken(compliantDeployment(), (x) => (podSpecOf(x).volumes = [{ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }, { name: 'tmp', emptyDir: {} }]));
    expect(messages(judge(forbidHostAccess, d))).toEqual(['volume "docker" mounts host path /var/run/docker.sock']);
  });

  test('objects without a pod template are not applicable', () => {
    expect(judge(forbidHostAccess, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: {} }).kind).toBe('not-applicable');
  });
});
