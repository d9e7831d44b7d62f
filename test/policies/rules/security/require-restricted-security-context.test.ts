import { requireRestrictedSecurityContext } from '../../../../policies/rules';
import { judge, messages } from '../../fixtures/judge';
import { broken, compliantDeployment, mainContainerOf, podSpecOf } from '../../fixtures/workloads';

const main = (change: (sc: any) => void) => broken(compliantDeployment(), (x) => change(mainContainerOf(x).securityContext)); // eslint-disable-line @typescript-eslint/no-explicit-any

describe('require-restricted-security-context', () => {
  test('the compliant Deployment is compliant', () => {
    expect(judge(requireRestrictedSecurityContext, compliantDeployment())).toEqual({ kind: 'compliant' });
  });

  test.each([
    ['runAsNonRoot off', (sc: any) => (sc.runAsNonRoot = false), 'runAsNonRoot is not true'], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['UID 0', (sc: any) => (sc.runAsUser = 0), 'runs as UID 0'], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['privilege escalation', (sc: any) => delete sc.allowPrivilegeEscalation, 'allowPrivilegeEscalation is not false'], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['capabilities kept', (sc: any) => (sc.capabilities.drop = ['NET_RAW']), 'capabilities are not dropped (drop: [ALL])'], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['NET_ADMIN added back', (sc: any) => (sc.capabilities.add = ['NET_ADMIN']), 'adds capabilities NET_ADMIN'], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['an Unconfined seccomp profile', (sc: any) => (sc.seccompProfile = { type: 'Unconfined' }), 'seccomp profile is Unconfined (RuntimeDefault or Localhost)'], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['a writable root filesystem', (sc: any) => (sc.readOnlyRootFilesystem = false), 'root filesystem is writable'], // eslint-disable-line @typescript-eslint/no-explicit-any
  ])('%s is a violation', (_what, change, problem) => {
    expect(messages(judge(requireRestrictedSecurityContext, main(change)))).toEqual([`container "checkout": ${problem}`]);
  });

  test('pod-level runAsNonRoot and seccomp cover containers that do not state them', () => {
    const d = main((sc) => {
      delete sc.runAsNonRoot;
      delete sc.seccompProfile;
    });
    expect(judge(requireRestrictedSecurityContext, d)).toEqual({ kind: 'compliant' });
    expect(messages(judge(requireRestrictedSecurityContext, broken(d, (x) => delete podSpecOf(x).securityContext)))).toEqual([
      'container "checkout": runAsNonRoot is not true; seccomp profile is not set (RuntimeDefault or Localhost)',
    ]);
  });

  test('sidecars are judged too', () => {
    const d = broken(compliantDeployment(), (x) => delete podSpecOf(x).initContainers[0].securityContext);
    expect(messages(judge(requireRestrictedSecurityContext, d))[0]).toMatch(/^sidecar "log-shipper": allowPrivilegeEscalation is not false; capabilities are not dropped/);
  });

  test('NET_BIND_SERVICE may be added back; the read-only root is configurable', () => {
    expect(judge(requireRestrictedSecurityContext, main((sc) => (sc.capabilities.add = ['NET_BIND_SERVICE'])))).toEqual({ kind: 'compliant' });
    expect(judge(requireRestrictedSecurityContext, main((sc) => delete sc.readOnlyRootFilesystem), { config: { requireReadOnlyRootFilesystem: false } })).toEqual({ kind: 'compliant' });
  });
});
