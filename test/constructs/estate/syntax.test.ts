import * as fc from 'fast-check';
import {
  checkDnsLabel, checkDnsSubdomain, checkLabelKey, checkLabelValue, minorsBehind, nodeLabelRoute, NodeLabelRoute,
  parseKubernetesVersion,
} from '../../../constructs/internal';

/** The patterns the upstream Cluster API CRDs use for label keys and values (KubeadmControlPlane, Machine...). */
const CRD_LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/;
const CRD_LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

describe('checkDnsLabel', () => {
  test.each(['a', 'a1', '1a', '123', 'trade-hz1', 'a'.repeat(63)])('%j is a DNS-1123 label', (name) => {
    expect(checkDnsLabel(name)).toBeUndefined();
  });

  test.each([
    ['', /must not be empty/],
    ['a'.repeat(64), /at most 63 characters \(has 64\)/],
    ['Trade', /lowercase letters/],
    ['-a', /lowercase letters/],
    ['a-', /lowercase letters/],
    ['a.b', /lowercase letters/],
    ['a_b', /lowercase letters/],
  ])('%j is refused', (name, why) => {
    expect(checkDnsLabel(name)).toMatch(why);
  });

  test('a custom maximum length', () => {
    expect(checkDnsLabel('a'.repeat(40), 40)).toBeUndefined();
    expect(checkDnsLabel('a'.repeat(41), 40)).toMatch(/at most 40 characters \(has 41\)/);
  });
});

describe('checkDnsSubdomain', () => {
  test.each(['example.com', 'a', 'node-role.kubernetes.io', `${'a'.repeat(63)}.${'b'.repeat(63)}`])('%j is a subdomain', (name) => {
    expect(checkDnsSubdomain(name)).toBeUndefined();
  });

  test.each([['', /empty/], ['Example.com', /lowercase/], ['a..b', /lowercase/], ['.a', /lowercase/], ['a.', /lowercase/], ['a'.repeat(254), /253/]])(
    '%j is refused',
    (name, why) => {
      expect(checkDnsSubdomain(name)).toMatch(why);
    },
  );
});

describe('checkLabelKey', () => {
  test.each(['tier', 'example.com/tier', 'node-role.kubernetes.io/ingress', 'a/B_c.d-e', `x/${'a'.repeat(63)}`, 'A'])('%j is a key', (key) => {
    expect(checkLabelKey(key)).toBeUndefined();
  });

  test.each([
    ['', /name part must not be empty/],
    ['example.com/', /name part must not be empty/],
    ['/tier', /prefix "" must not be empty/],
    ['Example.com/tier', /prefix "Example.com"/],
    ['bad key', /alphanumeric/],
    ['_tier', /alphanumeric/],
    ['tier-', /alphanumeric/],
    ['a/b/c', /alphanumeric/],
    [`x/${'a'.repeat(64)}`, /at most 63 characters \(has 64\)/],
    [`${'a'.repeat(254)}/x`, /253/],
  ])('%j is refused', (key, why) => {
    expect(checkLabelKey(key)).toMatch(why);
  });
});

describe('checkLabelValue', () => {
  test.each(['', 'a', 'gold', 'long-lived', 'A.b_c-9', 'v'.repeat(63)])('%j is a value', (value) => {
    expect(checkLabelValue(value)).toBeUndefined();
  });

  test.each([
    ['v'.repeat(64), /at most 63 characters \(has 64\)/],
    ['a b', /alphanumeric/],
    ['-a', /alphanumeric/],
    ['a.', /alphanumeric/],
    ['a=b', /alphanumeric/],
    ['a,b', /alphanumeric/],
    ['a/b', /alphanumeric/],
  ])('%j is refused', (value, why) => {
    expect(checkLabelValue(value)).toMatch(why);
  });
});

describe('label syntax agrees with the Cluster API CRD patterns', () => {
  const chars = fc.constantFrom(...'aZ09-_./ .'.split(''), 'b', 'k');
  const text = fc.string({ unit: chars, maxLength: 70 });

  test('a key this library accepts is accepted by the CRDs (and a name-only key up to 63 both ways)', () => {
    fc.assert(
      fc.property(text, (key) => {
        if (checkLabelKey(key) === undefined) expect(key).toMatch(CRD_LABEL_KEY);
        if (!key.includes('/') && key.length <= 63) expect(checkLabelKey(key) === undefined).toBe(CRD_LABEL_KEY.test(key));
      }),
      { numRuns: 500 },
    );
  });

  test('a value this library accepts is accepted by the CRDs, and the other way round up to 63 characters', () => {
    fc.assert(
      fc.property(text, (value) => {
        const ok = checkLabelValue(value) === undefined;
        if (ok) expect(value).toMatch(CRD_LABEL_VALUE);
        if (value.length <= 63) expect(ok).toBe(CRD_LABEL_VALUE.test(value));
        else expect(ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

describe('nodeLabelRoute', () => {
  test.each([
    ['node-role.kubernetes.io/ingress', NodeLabelRoute.MACHINE],
    ['node-restriction.kubernetes.io/dedicated', NodeLabelRoute.MACHINE],
    ['team.node-restriction.kubernetes.io/x', NodeLabelRoute.MACHINE],
    ['node.cluster.x-k8s.io/pool', NodeLabelRoute.MACHINE],
    ['example.com/tier', NodeLabelRoute.KUBELET],
    ['tier', NodeLabelRoute.KUBELET],
    ['cluster-estate.io/connection-tier', NodeLabelRoute.KUBELET],
    ['topology.kubernetes.io/zone', NodeLabelRoute.KUBELET],
    ['node.kubernetes.io/instance-type', NodeLabelRoute.KUBELET],
    ['node.kubernetes.io/anything', NodeLabelRoute.KUBELET],
    ['kubelet.kubernetes.io/anything', NodeLabelRoute.KUBELET],
    ['kubernetes.io/hostname', NodeLabelRoute.KUBELET],
    ['kubernetes.io/foo', NodeLabelRoute.UNREACHABLE],
    ['k8s.io/foo', NodeLabelRoute.UNREACHABLE],
    ['sub.k8s.io/foo', NodeLabelRoute.UNREACHABLE],
    ['topology.kubernetes.io/rack', NodeLabelRoute.UNREACHABLE],
  ])('%j -> %s', (key, route) => {
    expect(nodeLabelRoute(key)).toBe(route);
  });
});

describe('Kubernetes versions', () => {
  test('parses v1.MINOR.PATCH', () => {
    expect(parseKubernetesVersion('v1.31.4')).toEqual({ text: 'v1.31.4', major: 1, minor: 31, patch: 4 });
  });

  test.each(['1.31.4', 'v1.31', 'v1.31.4-rc.0', 'v1.31.x', 'latest', '', ' v1.31.4'])('%j is not a version', (text) => {
    expect(parseKubernetesVersion(text)).toBeUndefined();
  });

  test('minorsBehind: positive when older, negative when newer, majors weigh 1000 minors', () => {
    const v = (t: string) => parseKubernetesVersion(t)!;
    expect(minorsBehind(v('v1.31.4'), v('v1.28.0'))).toBe(3);
    expect(minorsBehind(v('v1.31.4'), v('v1.32.0'))).toBe(-1);
    expect(minorsBehind(v('v1.31.4'), v('v1.31.9'))).toBe(0);
    expect(minorsBehind(v('v2.0.0'), v('v1.31.0'))).toBe(1000);
  });
});
