import * as yaml from 'js-yaml';
import { bootstrapData, etcdConfigOf, etcdConfigOfCloudConfig } from '../../../policies/engine/capi';
import { managementObjects } from '../fixtures/estate';

describe('etcd configuration in a bootstrap Secret', () => {
  const secrets = managementObjects().filter((o) => o.kind === 'Secret' && o.metadata.name.endsWith('-bootstrap'));

  test('the fast path (a literal block cut out by indentation) reads exactly what a full YAML parse reads', () => {
    expect(secrets.length).toBeGreaterThan(30);
    for (const secret of secrets) {
      const text = bootstrapData(secret)!;
      const fast = etcdConfigOfCloudConfig(text);
      expect(fast).toEqual(etcdConfigOfCloudConfig(text, false));
      expect(fast!.path).toBe('/etc/etcd/etcd.conf.yml');
    }
  });

  test('other layouts (flow style, the path after the content, base64 data) take the full parse', () => {
    const config = { name: 'm0', 'initial-cluster': 'm0=https://10.0.0.1:2380', 'heartbeat-interval': 100 };
    const flow = `#cloud-config\n${yaml.dump({ write_files: [{ content: yaml.dump(config), path: '/etc/etcd/etcd.conf.yml' }] }, { flowLevel: 0 })}`;
    expect(etcdConfigOfCloudConfig(flow)).toEqual({ path: '/etc/etcd/etcd.conf.yml', config });
    const after = `#cloud-config\nwrite_files:\n  - content: |\n${yaml.dump(config).split('\n').map((l) => (l ? `      ${l}` : l)).join('\n')}    path: /etc/etcd/etcd.conf.yml\n`;
    expect(etcdConfigOfCloudConfig(after)).toEqual({ path: '/etc/etcd/etcd.conf.yml', config });
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { value: Buffer.from(flow).toString('base64') } };
    expect(etcdConfigOf(secret)?.config).toEqual(config);
  });

  test('values outside the simple subset (floats, hex, flow lists, escapes, comments) read as js-yaml reads them', () => {
    const content = ['name: "m\\u0030"', 'initial-cluster: m0=https://10.0.0.1:2380 # the only member', 'snapshot-count: 1.5e4', 'quota-backend-bytes: 0x200000000', 'log-outputs: [stderr]', 'election-timeout: 1000', 'client-transport-security:', '  client-cert-auth: yes'];
    const text = `#cloud-config\nwrite_files:\n  - path: /etc/etcd/etcd.conf.yml\n    content: |\n${content.map((l) => `      ${l}`).join('\n')}\n`;
    const full = etcdConfigOfCloudConfig(text, false)!;
    expect(full.config).toMatchObject({ name: 'm0', 'snapshot-count': 15000, 'quota-backend-bytes': 8589934592, 'log-outputs': ['stderr'] });
    for (let i = 0; i < content.length; i++) {
      const one = `#cloud-config\nwrite_files:\n  - path: /etc/etcd/etcd.conf.yml\n    content: |\n      listen-peer-urls: https://10.0.0.1:2380\n      ${content[i]}${i === 6 ? `\n      ${content[7]}` : ''}\n`;
      expect(etcdConfigOfCloudConfig(one)).toEqual(etcdConfigOfCloudConfig(one, false));
    }
  });

  test('the fast path reads plain scalars, odd white space and line ends as js-yaml does (or leaves them to it)', () => {
    // (Known gaps, left as they are: js-yaml also reads True/Null/1e3 as non-strings, and `- x` as a list.)
    const values = ['abc', 'Abc', '/var/lib/etcd', 'true', 'false', 'null', '~', '12', '-3', '+4', '007', '1.5', '.5', '0x1F', '0o17',
      '.inf', '-.Inf', '.nan', '2026-01-01', 'x #y', 'a: b', 'ends:', "'q'", "'it''s'", '"q"', '"a\\tb"', '@x', '`x', '%x', '!x', '&x', '*x', '|', '>', '{a: 1}',
      '[a]', 'a-b_c.d', '', 'https://10.0.0.1:2379,https://10.0.0.2:2379'];
    const layouts = [
      (v: string) => `      listen-peer-urls: https://10.0.0.1:2380\n      name: ${v}\n`,
      (v: string) => `      listen-peer-urls: https://10.0.0.1:2380\n      log-outputs:\n        - ${v}\n`,
      (v: string) => `      listen-peer-urls: https://10.0.0.1:2380\n      peer-transport-security:\n        cert-file: ${v}\n`,
      (v: string) => `      listen-peer-urls: https://10.0.0.1:2380\r\n      name: ${v}\r\n`,
      (v: string) => `      listen-peer-urls: https://10.0.0.1:2380\n\n      \n      name: ${v}\n`,
      (v: string) => `\t listen-peer-urls: https://10.0.0.1:2380\n\t name: ${v}\n`,
      (v: string) => `      listen-peer-urls: https://10.0.0.1:2380\n      name:${v}\n`,
      (v: string) => `      listen-peer-urls: https://10.0.0.1:2380\n      na me: ${v}\n`,
    ];
    for (const layout of layouts) {
      for (const value of values) {
        const text = `#cloud-config\nwrite_files:\n  - path: /etc/etcd/etcd.conf.yml\n    content: |\n${layout(value)}`;
        expect({ value, fast: etcdConfigOfCloudConfig(text) }).toEqual({ value, fast: etcdConfigOfCloudConfig(text, false) });
      }
    }
  });

  test('text that is no cloud-config, or installs no etcd, has no etcd configuration', () => {
    expect(etcdConfigOfCloudConfig('write_files: []')).toBeUndefined();
    expect(etcdConfigOfCloudConfig('#cloud-config\nwrite_files:\n  - path: /etc/motd\n    content: |\n      hello\n')).toBeUndefined();
    expect(etcdConfigOfCloudConfig('#cloud-config\n: : :')).toBeUndefined();
  });
});
