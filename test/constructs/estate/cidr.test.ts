import * as fc from 'fast-check';
import { addressAt, blockSize, cidrContains, cidrsOverlap, parseCidr } from '../../../constructs/internal';

describe('parseCidr', () => {
  test('IPv4: first and last address, family, prefix', () => {
    const block = parseCidr('10.64.0.0/14');
    expect(block).toEqual({ text: '10.64.0.0/14', family: 'ipv4', first: 0x0a400000n, last: 0x0a43ffffn, prefixLength: 14 });
    expect(blockSize(block)).toBe(262144n);
  });

  test('IPv4 edge prefixes /0 and /32', () => {
    expect(parseCidr('0.0.0.0/0')).toMatchObject({ first: 0n, last: 0xffffffffn, prefixLength: 0 });
    expect(blockSize(parseCidr('1.2.3.4/32'))).toBe(1n);
  });

  test('IPv6', () => {
    const block = parseCidr('2001:db8::/32');
    expect(block.family).toBe('ipv6');
    expect(block.first).toBe(0x20010db8n << 96n);
    expect(block.last).toBe((0x20010db8n << 96n) | ((1n << 96n) - 1n));
    expect(blockSize(parseCidr('fd00::/120'))).toBe(256n);
  });

  test('host bits set: a clear message naming the network address', () => {
    expect(() => parseCidr('10.0.0.1/16')).toThrow('"10.0.0.1/16" has host bits set; the network address is 10.0.0.0/16');
    expect(() => parseCidr('192.168.1.0/23')).toThrow(/network address is 192\.168\.0\.0\/23/);
    expect(() => parseCidr('2001:db8::1/64')).toThrow(/host bits set; the network address is 2001:db8::\/64/);
  });

  test.each(['', 'not-a-cidr', '10.0.0.0', '10.0.0.0/33', '10.0.0.0/-1', '256.0.0.0/8', '10.0.0.0/8 ', ' 10.0.0.0/8', '::/129', '10.0.0.0/'])(
    '%j is not a CIDR block',
    (text) => {
      expect(() => parseCidr(text)).toThrow(`"${text}" is not a CIDR block such as 10.0.0.0/16`);
    },
  );

  test('any canonical dotted-quad network round-trips: first is the address, size is 2^(32-prefix)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 }), (raw, prefix) => {
        const mask = prefix === 0 ? 0 : Number((0xffffffffn << BigInt(32 - prefix)) & 0xffffffffn);
        const network = (raw & mask) >>> 0;
        const text = `${[24, 16, 8, 0].map((s) => (network >>> s) & 255).join('.')}/${prefix}`;
        const block = parseCidr(text);
        expect(block.first).toBe(BigInt(network));
        expect(blockSize(block)).toBe(1n << BigInt(32 - prefix));
      }),
    );
  });
});

/**
 * MODEL BUG: parseCidr accepts IPv4 forms that are not dotted-quad CIDR notation, because ipaddr.js is lenient.
 * The text goes verbatim into Cluster.spec.clusterNetwork and into etcd's member subnet, where Kubernetes (Go
 * net.ParseCIDR) refuses it; worse, "010.0.0.0/8" is read as octal (8.0.0.0/8), so the overlap check runs on other
 * addresses than Kubernetes would see. Expected: `cidr-syntax` (parseCidr throws) for each of these.
 */
describe('parseCidr refuses non-canonical notation (MODEL BUG: currently accepted)', () => {
  test.each(['010.0.0.0/8', '0x0a.0.0.0/8', '10.0.0.0/08', '167772160/8', '10.0.0/24', 'fe80::%eth0/64'])('%j is refused', (text) => {
    expect(() => parseCidr(text)).toThrow();
  });
});

describe('cidrsOverlap and cidrContains', () => {
  const b = parseCidr;

  test('adjacent blocks do not overlap; a block overlaps itself and what it contains', () => {
    expect(cidrsOverlap(b('10.0.0.0/24'), b('10.0.1.0/24'))).toBe(false);
    expect(cidrsOverlap(b('10.0.0.0/24'), b('10.0.0.0/24'))).toBe(true);
    expect(cidrsOverlap(b('10.0.0.0/16'), b('10.0.255.0/24'))).toBe(true);
    expect(cidrsOverlap(b('10.0.255.0/24'), b('10.0.0.0/16'))).toBe(true);
    expect(cidrsOverlap(b('10.0.0.0/16'), b('10.1.0.0/16'))).toBe(false);
  });

  test('IPv4 and IPv6 never overlap, even 0.0.0.0/0 and ::/0', () => {
    expect(cidrsOverlap(b('0.0.0.0/0'), b('::/0'))).toBe(false);
    expect(cidrsOverlap(b('::/96'), b('0.0.0.0/0'))).toBe(false);
  });

  test('containment', () => {
    expect(cidrContains(b('10.0.0.0/8'), b('10.20.0.0/16'))).toBe(true);
    expect(cidrContains(b('10.20.0.0/16'), b('10.0.0.0/8'))).toBe(false);
    expect(cidrContains(b('10.0.0.0/8'), b('10.0.0.0/8'))).toBe(true);
    expect(cidrContains(b('10.0.0.0/8'), b('11.0.0.0/24'))).toBe(false);
    expect(cidrContains(b('::/0'), b('10.0.0.0/8'))).toBe(false);
  });

  test('overlap is symmetric and agrees with a per-address check on small blocks', () => {
    const block = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 24, max: 32 })).map(([host, prefix]) => {
      const size = 2 ** (32 - prefix);
      return `10.0.0.${Math.floor(host / size) * size}/${prefix}`;
    });
    fc.assert(
      fc.property(block, block, (x, y) => {
        const [bx, by] = [b(x), b(y)];
        let shared = false;
        for (let a = bx.first; a <= bx.last; a++) if (a >= by.first && a <= by.last) shared = true;
        expect(cidrsOverlap(bx, by)).toBe(shared);
        expect(cidrsOverlap(by, bx)).toBe(shared);
        if (cidrContains(bx, by)) expect(cidrsOverlap(bx, by)).toBe(true);
      }),
    );
  });
});

describe('addressAt', () => {
  test('member addresses from offset 10 in a /27', () => {
    const subnet = parseCidr('10.250.3.0/27');
    expect(addressAt(subnet, 10)).toBe('10.250.3.10');
    expect(addressAt(subnet, 31)).toBe('10.250.3.31');
    expect(() => addressAt(subnet, 32)).toThrow('offset 32 is outside 10.250.3.0/27');
  });

  test('carries across octets and works for IPv6', () => {
    expect(addressAt(parseCidr('10.0.0.0/16'), 256 + 7)).toBe('10.0.1.7');
    expect(addressAt(parseCidr('fd00:10::/64'), 10)).toBe('fd00:10::a');
  });
});
