import * as fc from 'fast-check';
import {
  ETCD_DEFAULT_ELECTION_MS, ETCD_DEFAULT_HEARTBEAT_MS, ETCD_MAX_ELECTION_MS, faultTolerance, membersPerZone, quorum,
  spreadMembers, timeoutsForRtt, zonesWhoseLossBreaksQuorum,
} from '../../../constructs/internal';

describe('quorum and fault tolerance', () => {
  test.each([
    [1, 1, 0],
    [2, 2, 0],
    [3, 2, 1],
    [4, 3, 1],
    [5, 3, 2],
    [6, 4, 2],
    [7, 4, 3],
    [9, 5, 4],
  ])('%i members: quorum %i, tolerates %i lost', (members, q, tolerance) => {
    expect(quorum(members)).toBe(q);
    expect(faultTolerance(members)).toBe(tolerance);
  });

  test('an even count adds a machine and no fault tolerance', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), (k) => {
        expect(faultTolerance(2 * k)).toBe(faultTolerance(2 * k - 1));
        expect(quorum(2 * k)).toBeGreaterThan(k);
      }),
    );
  });
});

describe('spreadMembers', () => {
  test('5 members over 3 zones: 2 / 2 / 1, round-robin in the order given', () => {
    const placement = spreadMembers(5, ['a', 'b', 'c']);
    expect(placement).toEqual(['a', 'b', 'c', 'a', 'b']);
    expect(Object.fromEntries(membersPerZone(placement))).toEqual({ a: 2, b: 2, c: 1 });
  });

  test('3 members over 3 zones: one each; 7 over 3: 3 / 2 / 2', () => {
    expect(Object.fromEntries(membersPerZone(spreadMembers(3, ['a', 'b', 'c'])))).toEqual({ a: 1, b: 1, c: 1 });
    expect(Object.fromEntries(membersPerZone(spreadMembers(7, ['a', 'b', 'c'])))).toEqual({ a: 3, b: 2, c: 2 });
  });

  test('no zones: no placement; more zones than members: the first zones only', () => {
    expect(spreadMembers(3, [])).toEqual([]);
    expect(spreadMembers(3, ['a', 'b', 'c', 'd', 'e'])).toEqual(['a', 'b', 'c']);
  });

  test('the largest zone holds ceil(n/z) members, the smallest floor(n/z)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 15 }), fc.integer({ min: 1, max: 6 }), (n, z) => {
        const zones = Array.from({ length: z }, (_, i) => `z${i}`);
        const placement = spreadMembers(n, zones);
        expect(placement).toHaveLength(n);
        const counts = [...membersPerZone(placement).values()];
        expect(Math.max(...counts)).toBe(Math.ceil(n / z));
        if (n >= z) expect(Math.min(...counts)).toBe(Math.floor(n / z));
      }),
    );
  });
});

describe('zonesWhoseLossBreaksQuorum', () => {
  test.each<[string[], string[]]>([
    [['a', 'b', 'c'], []],
    [['a', 'a', 'b'], ['a']],
    [['b', 'b', 'a'], ['b']],
    [['a', 'b', 'c', 'a', 'b'], []],
    [['a', 'a', 'a', 'b', 'c'], ['a']],
    [['a', 'b', 'c', 'a', 'b', 'c', 'a'], []],
    [['a', 'a', 'a', 'a', 'b', 'c', 'd'], ['a']],
    [['a', 'b'], ['a', 'b']],
    [['a'], ['a']],
    [['c', 'c', 'c'], ['c']],
    [[], []],
  ])('%j -> %j', (placement, breaking) => {
    expect(zonesWhoseLossBreaksQuorum(placement)).toEqual(breaking);
  });

  test('a zone breaks quorum exactly when it holds more members than the fault tolerance', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { minLength: 1, maxLength: 9 }), (placement) => {
        const breaking = zonesWhoseLossBreaksQuorum(placement);
        const tolerance = faultTolerance(placement.length);
        for (const [zone, count] of membersPerZone(placement)) {
          expect(breaking.includes(zone)).toBe(count > tolerance);
          // Removing the zone's members must leave a quorum exactly when the zone is not listed.
          expect(placement.length - count >= quorum(placement.length)).toBe(!breaking.includes(zone));
        }
        expect([...breaking].sort()).toEqual(breaking);
      }),
    );
  });

  test('the default spread survives any one zone loss with 3 or more zones and an odd count of 3 to 7', () => {
    for (const n of [3, 5, 7]) {
      for (const z of [3, 4, 5]) {
        const zones = Array.from({ length: z }, (_, i) => `z${i}`);
        expect(zonesWhoseLossBreaksQuorum(spreadMembers(n, zones))).toEqual([]);
      }
    }
  });
});

describe('timeoutsForRtt', () => {
  test('1 ms: etcd defaults (100 ms heartbeat, 1000 ms election)', () => {
    expect(timeoutsForRtt(1)).toEqual({ heartbeatIntervalMs: ETCD_DEFAULT_HEARTBEAT_MS, electionTimeoutMs: ETCD_DEFAULT_ELECTION_MS });
    expect(timeoutsForRtt(1)).toEqual({ heartbeatIntervalMs: 100, electionTimeoutMs: 1000 });
  });

  test('20 ms: still the defaults (1.5 x 20 = 30 < 100)', () => {
    expect(timeoutsForRtt(20)).toEqual({ heartbeatIntervalMs: 100, electionTimeoutMs: 1000 });
  });

  test('200 ms: 1.5 RTT heartbeat, ten heartbeats election', () => {
    expect(timeoutsForRtt(200)).toEqual({ heartbeatIntervalMs: 300, electionTimeoutMs: 3000 });
  });

  test('fractional RTTs round the heartbeat up to whole milliseconds', () => {
    expect(timeoutsForRtt(66.7)).toEqual({ heartbeatIntervalMs: 101, electionTimeoutMs: 1010 });
    expect(timeoutsForRtt(0)).toEqual({ heartbeatIntervalMs: 100, electionTimeoutMs: 1000 });
  });

  test('400 ms fits etcd; from about 3334 ms the derived election timeout exceeds etcd\'s 50 s limit', () => {
    expect(timeoutsForRtt(400)).toEqual({ heartbeatIntervalMs: 600, electionTimeoutMs: 6000 });
    expect(timeoutsForRtt(3333).electionTimeoutMs).toBeLessThanOrEqual(ETCD_MAX_ELECTION_MS);
    expect(timeoutsForRtt(3334).electionTimeoutMs).toBeGreaterThan(ETCD_MAX_ELECTION_MS);
  });

  test('for any RTT: whole ms, heartbeat >= 1.5 RTT and >= 100, election = max(1000, 10 x heartbeat)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 5000, noNaN: true }), (rtt) => {
        const { heartbeatIntervalMs: hb, electionTimeoutMs: el } = timeoutsForRtt(rtt);
        expect(Number.isInteger(hb) && Number.isInteger(el)).toBe(true);
        expect(hb).toBeGreaterThanOrEqual(Math.max(100, rtt * 1.5));
        expect(hb).toBeLessThan(Math.max(100, rtt * 1.5) + 1);
        expect(el).toBe(Math.max(1000, 10 * hb));
        expect(el).toBeGreaterThanOrEqual(5 * hb);
      }),
    );
  });
});
