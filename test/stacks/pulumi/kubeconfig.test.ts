import { checkClusterPin, kubeconfigIdentity, StackConfigError } from '../../../stacks/pulumi';
import { kubeconfig, TOKEN } from './helpers/fixtures';

/** Which cluster a kubeconfig points at, and the pin that keeps a stack on its cluster. */

const SERVER = 'https://trade-hz1-api.k8s.estate.internal:6443';

describe('kubeconfigIdentity', () => {
  test('is the current context\'s server and a fingerprint of server and CA, not of the credentials', () => {
    const a = kubeconfigIdentity(kubeconfig(SERVER), 'test');
    expect(a.server).toBe(SERVER);
    expect(a.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    // New credentials, same cluster: same fingerprint.
    expect(kubeconfigIdentity(kubeconfig(SERVER).replace(TOKEN, 'another-token'), 'test').fingerprint).toBe(a.fingerprint);
    // A trailing slash or upper-case host is the same server.
    expect(kubeconfigIdentity(kubeconfig(`${SERVER.toUpperCase().replace('HTTPS', 'https')}/`), 'test').fingerprint).toBe(a.fingerprint);
    // Another server, or another CA: another cluster.
    expect(kubeconfigIdentity(kubeconfig('https://10.0.0.1:6443'), 'test').fingerprint).not.toBe(a.fingerprint);
    expect(kubeconfigIdentity(kubeconfig(SERVER, { ca: Buffer.from('other-ca').toString('base64') }), 'test').fingerprint).not.toBe(a.fingerprint);
  });

  test('a kubeconfig without a usable current context, or not YAML at all, is refused without being quoted', () => {
    const messages: string[] = [];
    for (const text of ['clusters: []', `users:\n- name: x\n  user: {token: ${TOKEN}}`, `token: ${TOKEN}\n  - : [`, '42']) {
      try {
        kubeconfigIdentity(text, 'cluster-estate:kubeconfig');
        throw new Error('expected an error');
      } catch (e) {
        expect(e).toBeInstanceOf(StackConfigError);
        messages.push((e as Error).message);
      }
    }
    expect(messages.join('\n')).not.toContain(TOKEN);
    expect(messages[0]).toMatch(/names no API server for its current context/);
  });
});

describe('checkClusterPin', () => {
  const identity = kubeconfigIdentity(kubeconfig(SERVER), 'test');

  test('passes when the kubeconfig points at the pinned cluster', () => {
    expect(() => checkClusterPin({ target: 'trade-hz1', identity, pinned: identity.fingerprint, source: 'x', expectedEndpoint: SERVER })).not.toThrow();
  });

  test('unpinned: prints the value to pin, and whether the server is the estate\'s endpoint', () => {
    expect(() => checkClusterPin({ target: 'trade-hz1', identity, source: 'x', expectedEndpoint: SERVER }))
      .toThrow(`the kubeconfig from x points at ${SERVER} (the estate's endpoint for trade-hz1). Fix: if that is the trade-hz1 cluster, pin it: pulumi config set cluster-estate:clusterFingerprint ${identity.fingerprint}`);
    expect(() => checkClusterPin({ target: 'trade-hz1', identity, source: 'x', expectedEndpoint: 'https://elsewhere:6443' }))
      .toThrow(`points at ${SERVER}, while the estate says trade-hz1's API endpoint is https://elsewhere:6443`);
  });

  test('changed: stops, and says how to accept a moved endpoint or how to move on deliberately', () => {
    let message = '';
    try {
      checkClusterPin({ target: 'trade-hz1', identity, pinned: `sha256:${'0'.repeat(64)}`, source: 'x' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(`now points at another cluster: ${SERVER}, fingerprint ${identity.fingerprint}, but the stack is pinned to sha256:${'0'.repeat(64)}`);
    expect(message).toContain('Nothing was changed');
    expect(message).toContain(`pulumi config set cluster-estate:clusterFingerprint ${identity.fingerprint}`);
    expect(message).toContain('create a new stack for it (pulumi stack init)');
  });
});
