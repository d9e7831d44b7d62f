import * as yaml from 'js-yaml';
import { etcdConfigOfCloudConfig, parseSimpleYaml } from '../../../policies/engine/cloud-config';

describe('the YAML subset of etcd configuration files', () => {
  test('reads key: scalar lines and one level of maps and lists as js-yaml does', () => {
    const text = [
      'name: m0', "data-dir: '/var/lib/etcd'", 'initial-cluster: "m0=https://10.0.0.1:2380,m1=https://10.0.0.2:2380"', 'heartbeat-interval: 100',
      'strict-reconfig-check: true', 'enable-v2: false', 'auto-compaction-retention: null', 'log-outputs:', '  - stderr', '  - /var/log/etcd.log',
      'client-transport-security:', '  cert-file: /etc/etcd/pki/server.crt', '  client-cert-auth: true', '# a comment', '',
    ].join('\n');
    const parsed = parseSimpleYaml(text);
    expect(parsed).toEqual(yaml.load(text));
    expect(parsed).toMatchObject({ 'heartbeat-interval': 100, 'strict-reconfig-check': true, 'auto-compaction-retention': null, 'log-outputs': ['stderr', '/var/log/etcd.log'] });
  });

  test('leaves everything outside the subset to js-yaml (undefined), never guessing', () => {
    for (const text of ['a:\n  b:\n    c: 1', 'a: [1, 2]', 'a: {b: 1}', 'a: 1.5', 'a: 0x10', 'a: "x\\ty"', 'a: b # c', 'a: &x 1', '- a', 'a:\n  - 1\n  b: 2', 'a b: 1', 'a:b']) {
      expect({ text, parsed: parseSimpleYaml(text) }).toEqual({ text, parsed: undefined });
    }
  });

  test('what synthesis writes is inside the subset', () => {
    const config = { name: 'm0', 'listen-peer-urls': 'https://10.0.0.1:2380', 'heartbeat-interval': 100, 'log-outputs': ['stderr'], 'client-transport-security': { 'client-cert-auth': true } };
    expect(parseSimpleYaml(yaml.dump(config, { lineWidth: -1, noRefs: true }))).toEqual(config);
  });
});

describe('the etcd configuration of a cloud-config text', () => {
  test('other layouts (flow style, the path after the content) take the full parse', () => {
    const config = { name: 'm0', 'initial-cluster': 'm0=https://10.0.0.1:2380', 'heartbeat-interval': 100 };
    const flow = `#cloud-config\n${yaml.dump({ write_files: [{ content: yaml.dump(config), path: '/etc/etcd/etcd.conf.yml' }] }, { flowLevel: 0 })}`;
    expect(etcdConfigOfCloudConfig(flow)).toEqual({ path: '/etc/etcd/etcd.conf.yml', config });
    const after = `#cloud-config\nwrite_files:\n  - content: |\n${yaml.dump(config).split('\n').map((l) => (l ? `      ${l}` : l)).join('\n')}    path: /etc/etcd/etcd.conf.yml\n`;
    expect(etcdConfigOfCloudConfig(after)).toEqual({ path: '/etc/etcd/etcd.conf.yml', config });
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
