import * as yaml from 'js-yaml';
import { bootstrapData, etcdConfigOf } from '../../../policies/engine/capi';
import { etcdConfigOfCloudConfig } from '../../../policies/engine/cloud-config';
import { TargetView } from '../../../policies/engine/target';
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
    expect(etcdConfigOf(new TargetView('yaml', [secret]), secret)?.config).toEqual(config);
  });

});
