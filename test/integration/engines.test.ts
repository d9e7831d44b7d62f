/** The engine detection the integration suites rely on: found binaries, and a clear message for missing ones. */
import { checkEngines, engineEnvVar, findEngine, isCi } from '../helpers/engines';

describe('engine detection (test/helpers/engines)', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it('an explicit <ENGINE>_BIN that is not executable counts as missing, and the message says why and how to install', () => {
    process.env[engineEnvVar('etcdctl')] = '/nonexistent/etcdctl';
    expect(findEngine('etcdctl')).toBeUndefined();
    const check = checkEngines(['etcdctl']);
    expect(check.missing).toEqual(['etcdctl']);
    expect(check.message).toContain('ETCDCTL_BIN=/nonexistent/etcdctl is not an executable file');
    expect(check.message).toContain('apt-get install -y etcd-client');
  });

  it('a binary not on PATH nor in the sbin directories is missing; one that is found has an absolute path', () => {
    process.env.PATH = '/nonexistent';
    const check = checkEngines(['etcd', 'haproxy']);
    for (const engine of check.missing) expect(check.message).toContain(`${engine} (not on PATH`);
    for (const found of Object.values(check.paths)) expect(found).toMatch(/^\//);
    expect([...check.missing, ...Object.keys(check.paths)].sort()).toEqual(['etcd', 'haproxy']);
  });

  it('CI=true (or 1) makes a missing engine a failure, anything else a skip', () => {
    process.env.CI = 'true';
    expect(isCi()).toBe(true);
    process.env.CI = '1';
    expect(isCi()).toBe(true);
    process.env.CI = 'false';
    expect(isCi()).toBe(false);
    delete process.env.CI;
    expect(isCi()).toBe(false);
  });
});
