import { forbidHostAccess } from '../../../../policies/rules';
import { judge, messages } from '../../fixtures/judge';
import { broken, compliantBarePod, compliantDeployment, mainContainerOf, podContainerOf, podSpecOf } from '../../fixtures/workloads';

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

  test('a hostPort, on a main container or a sidecar, is a violation; hostPort 0 binds nothing', () => {
    const d = broken(compliantDeployment(), (x) => {
      mainContainerOf(x).ports = [{ name: 'http', containerPort: 8080, hostPort: 8080 }, { name: 'admin', containerPort: 9090, hostPort: 0 }];
      podSpecOf(x).initContainers[0].ports = [{ containerPort: 2020, hostPort: 2020 }];
    });
    expect(messages(judge(forbidHostAccess, d))).toEqual([
      'sidecar "log-shipper" binds host port 2020: the pod listens on the node\'s own address',
      'container "checkout" binds host port 8080: the pod listens on the node\'s own address',
    ]);
  });

  test('a bare Pod with a hostPort is a violation', () => {
    const pod = broken(compliantBarePod(), (p) => (podContainerOf(p).ports[0].hostPort = 80));
    expect(messages(judge(forbidHostAccess, pod))).toEqual(['container "checkout" binds host port 80: the pod listens on the node\'s own address']);
  });

  test('objects without a pod template are not applicable', () => {
    expect(judge(forbidHostAccess, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: {} }).kind).toBe('not-applicable');
  });
});
