import { forbidPrivilegedContainers } from '../../../../policies/rules';
import { judge, messages } from '../../fixtures/judge';
import { broken, compliantDeployment, mainContainerOf, podSpecOf } from '../../fixtures/workloads';

describe('forbid-privileged-containers', () => {
  test('the compliant Deployment is compliant', () => {
    expect(judge(forbidPrivilegedContainers, compliantDeployment())).toEqual({ kind: 'compliant' });
  });

  test('a privileged main container is a violation', () => {
    expect(messages(judge(forbidPrivilegedContainers, broken(compliantDeployment(), (x) => (mainContainerOf(x).securityContext.privileged = true))))).toEqual(['container "checkout" runs privileged: it is root on the node']);
  });

  test('a privileged sidecar is a violation', () => {
    expect(messages(judge(forbidPrivilegedContainers, broken(compliantDeployment(), (x) => (podSpecOf(x).initContainers[0].securityContext.privileged = true))))).toEqual(['sidecar "log-shipper" runs privileged: it is root on the node']);
  });

  test('SYS_ADMIN and an unmasked /proc are violations', () => {
    const d = broken(compliantDeployment(), (x) => {
      mainContainerOf(x).securityContext.capabilities.add = ['SYS_ADMIN'];
      mainContainerOf(x).securityContext.procMount = 'Unmasked';
    });
    expect(messages(judge(forbidPrivilegedContainers, d))).toEqual(['container "checkout" adds SYS_ADMIN: nearly privileged', 'container "checkout" uses an unmasked /proc']);
  });

  test('a bare Pod and a CronJob are judged as well', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug', namespace: 'x' }, spec: { containers: [{ name: 'sh', image: 'busybox:1.36', securityContext: { privileged: true } }] } };
    expect(messages(judge(forbidPrivilegedContainers, pod))).toHaveLength(1);
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c', namespace: 'x' }, spec: { jobTemplate: { spec: { template: { spec: pod.spec } } } } };
    expect(messages(judge(forbidPrivilegedContainers, cron))).toHaveLength(1);
  });
});
