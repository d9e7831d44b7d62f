import { diffObjects, FieldOp, formatPath, listKey, toFieldChange } from '../../../stacks/diff';

const paths = (kind: string, a: Record<string, unknown>, b: Record<string, unknown>) => diffObjects(kind, a, b).map((c) => toFieldChange(c));

describe('structural diff', () => {
  test('containers, env and ports are matched by name, not position', () => {
    const before = { spec: { containers: [{ name: 'main', image: 'app:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }, { name: 'proxy', image: 'envoy:1' }] } };
    // A sidecar inserted first and an env var inserted in the middle: position-based matching would report everything.
    const after = { spec: { containers: [{ name: 'agent', image: 'agent:1' }, { name: 'main', image: 'app:2', env: [{ name: 'A', value: '1' }, { name: 'Z', value: '9' }, { name: 'B', value: '2' }] }, { name: 'proxy', image: 'envoy:1' }] } };
    const changes = paths('Pod', before, after);
    expect(changes.map((c) => [c.path, c.op])).toEqual([
      ['spec.containers[name=main].env[name=Z]', FieldOp.ADD],
      ['spec.containers[name=main].image', FieldOp.CHANGE],
      ['spec.containers[name=agent]', FieldOp.ADD],
    ]);
    expect(changes.find((c) => c.path === 'spec.containers[name=main].image')).toMatchObject({ before: 'app:1', after: 'app:2' });
  });

  test('a reordering alone of a keyed list is reported once, as an order change', () => {
    const a = { spec: { initContainers: [{ name: 'a' }, { name: 'b' }] } };
    const b = { spec: { initContainers: [{ name: 'b' }, { name: 'a' }] } };
    expect(paths('Pod', a, b)).toEqual([{ path: 'spec.initContainers (order)', op: FieldOp.CHANGE, before: ['a', 'b'], after: ['b', 'a'] }]);
  });

  test('kubeadm extraArgs, files by path, taints and conditions have readable keys', () => {
    const a = {
      spec: {
        extraArgs: [{ name: 'audit-log-maxage', value: '30' }],
        files: [{ path: '/etc/kubernetes/audit/policy.yaml', content: 'a' }],
        taints: [{ key: 'dedicated', value: 'gateway', effect: 'NoSchedule' }],
        unhealthyNodeConditions: [{ type: 'Ready', status: 'Unknown', timeoutSeconds: 300 }, { type: 'Ready', status: 'False', timeoutSeconds: 300 }],
      },
    };
    const b = {
      spec: {
        extraArgs: [{ name: 'audit-log-maxage', value: '7' }],
        files: [{ path: '/etc/kubernetes/audit/policy.yaml', content: 'b' }],
        taints: [{ key: 'dedicated', value: 'ingress', effect: 'NoSchedule' }],
        unhealthyNodeConditions: [{ type: 'Ready', status: 'Unknown', timeoutSeconds: 300 }, { type: 'Ready', status: 'False', timeoutSeconds: 600 }],
      },
    };
    expect(paths('KubeadmControlPlane', a, b).map((c) => c.path)).toEqual([
      'spec.extraArgs[name=audit-log-maxage].value',
      'spec.files[path=/etc/kubernetes/audit/policy.yaml].content',
      'spec.taints[key=dedicated,effect=NoSchedule].value',
      'spec.unhealthyNodeConditions[type=Ready,status=False].timeoutSeconds',
    ]);
  });

  test('label keys with dots and slashes are quoted', () => {
    const changes = paths('Namespace', { metadata: { labels: { 'cluster-estate.io/group': 'daily' } } }, { metadata: { labels: { 'cluster-estate.io/group': 'peak' } } });
    expect(changes[0].path).toBe('metadata.labels["cluster-estate.io/group"]');
  });

  test('lists of scalars change as a whole; lists without keys fall back to positions', () => {
    expect(paths('Cluster', { spec: { cidrBlocks: ['10.0.0.0/16'] } }, { spec: { cidrBlocks: ['10.1.0.0/16'] } })).toEqual([
      { path: 'spec.cidrBlocks', op: FieldOp.CHANGE, before: ['10.0.0.0/16'], after: ['10.1.0.0/16'] },
    ]);
    expect(paths('X', { spec: { rules: [{ a: 1 }, { a: 2 }] } }, { spec: { rules: [{ a: 1 }, { a: 3 }] } })[0].path).toBe('spec.rules[1].a');
  });

  test('a list key must be unique and present on every item of both sides', () => {
    expect(listKey([{ name: 'a' }, { name: 'a' }], [])).not.toEqual(['name']);
    expect(listKey([{ name: 'a' }], [{ other: 1 }])).toBeUndefined();
    expect(listKey([{ type: 'Ready', status: 'False' }, { type: 'Ready', status: 'Unknown' }], [])).toEqual(['type', 'status']);
  });

  test('paths render list items by key, quoting values that need it', () => {
    expect(formatPath(['spec', 'containers', { keys: [['name', 'main']] }, 'image'])).toBe('spec.containers[name=main].image');
    expect(formatPath(['data', { keys: [['path', 'a b']] }])).toBe('data[path="a b"]');
    expect(formatPath(['spec', { index: 2 }])).toBe('spec[2]');
  });

  describe('never copies a secret value', () => {
    test("a Secret's data and stringData: one change per key, no values", () => {
      const a = { type: 'Opaque', stringData: { value: '#cloud-config\nsecret-a' }, data: { token: 'c2VjcmV0LWE=' } };
      const b = { type: 'Opaque', stringData: { value: '#cloud-config\nsecret-b', extra: 'x' }, data: {} };
      const changes = paths('Secret', a, b);
      expect(changes).toEqual([
        { path: 'data.token', op: FieldOp.REMOVE, sensitive: true },
        { path: 'stringData.extra', op: FieldOp.ADD, sensitive: true },
        { path: 'stringData.value', op: FieldOp.CHANGE, sensitive: true },
      ]);
      expect(JSON.stringify(changes)).not.toMatch(/secret-|c2Vj|"x"/);
    });

    test('fields named like credentials and values holding keys or kubeconfigs, anywhere', () => {
      const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEabc\n-----END RSA PRIVATE KEY-----';
      const kubeconfig = 'apiVersion: v1\nkind: Config\nclusters: []\nusers:\n- name: admin\n  user:\n    client-key-data: QUJD\n';
      const a = { spec: { userData: 'IyEvYmluL2Jhc2g=', password: 'hunter2', files: [{ path: '/k', content: 'plain' }], note: 'ok' } };
      const b = { spec: { userData: 'IyEvYmluL2Jhc2gK', password: 'hunter3', files: [{ path: '/k', content: pem }], note: kubeconfig } };
      const changes = paths('AWSMachine', a, b);
      expect(changes.every((c) => c.sensitive === true)).toBe(true);
      expect(changes.map((c) => c.path)).toEqual(['spec.files[path=/k].content', 'spec.note', 'spec.password', 'spec.userData']);
      expect(JSON.stringify(changes)).not.toMatch(/hunter|IyEv|BEGIN|QUJD|plain/);
    });

    test('credential-like environment variables are hidden, added or changed; secret references stay readable', () => {
      const a = { env: [{ name: 'DB_PASSWORD', value: 'hunter2' }, { name: 'TIER', value: 'trade' }], files: [{ path: '/e', contentFrom: { secret: { name: 'enc-a', key: 'config' } } }] };
      const b = { env: [{ name: 'DB_PASSWORD', value: 'hunter3' }, { name: 'TIER', value: 'gold' }, { name: 'API_TOKEN', value: 'abc123' }], files: [{ path: '/e', contentFrom: { secret: { name: 'enc-b', key: 'config' } } }] };
      const changes = paths('Deployment', a, b);
      expect(changes).toEqual([
        { path: 'env[name=DB_PASSWORD].value', op: FieldOp.CHANGE, sensitive: true },
        { path: 'env[name=TIER].value', op: FieldOp.CHANGE, before: 'trade', after: 'gold' },
        { path: 'env[name=API_TOKEN]', op: FieldOp.ADD, sensitive: true },
        { path: 'files[path=/e].contentFrom.secret.name', op: FieldOp.CHANGE, before: 'enc-a', after: 'enc-b' },
      ]);
      expect(JSON.stringify(changes)).not.toMatch(/hunter|abc123/);
    });
  });
});
