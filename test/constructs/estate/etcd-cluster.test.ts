import {
  ClusterGroup, ClusterGroupKind, Estate, IdcKind, ProblemSeverity, synthesize, validateEstate,
} from '../../../constructs';
import {
  METAL3, AS_OF, smallEstate, addCluster, PATHS, errorRules, expectProblem, synthesisError, objectsOf,
} from './small-estate';

/**
 * Validation of a cluster's dedicated etcd: member count, placement over zones, timeouts. Each test breaks the small valid estate in one place and asserts the rule id, the
 * construct path and the severity, that the message and fix say something useful, and which other rules the same
 * break trips as well.
 */

describe('etcd-odd-member-count', () => {
  test.each<[number, string[]]>([
    // An even or single-member etcd also cannot survive a zone loss, so survivability is reported too.
    [2, ['etcd-odd-member-count', 'etcd-zone-survivability']],
    [4, ['etcd-odd-member-count', 'etcd-zone-survivability']],
    [1, ['etcd-odd-member-count', 'etcd-zone-survivability']],
    [9, ['etcd-odd-member-count']],
    [6, ['etcd-odd-member-count']],
  ])('%i members', (members, rules) => {
    const problems = validateEstate(smallEstate({ etcd: { members } }).estate);
    const p = expectProblem(problems, 'etcd-odd-member-count', PATHS.etcd);
    expect(p.message).toMatch(/3, 5 or 7/);
    expect(p.fix).toMatch(/etcd\.members/);
    expect(p.value).toBe(String(members));
    expect(errorRules(problems)).toEqual(rules);
  });

  test.each([3, 5, 7])('%i members is fine', (members) => {
    expect(validateEstate(smallEstate({ etcd: { members } }).estate)).toEqual([]);
  });
});

describe('etcd-zone-survivability', () => {
  test('explicit memberZones putting 2 of 3 members in one zone of a 3-zone IDC is an error', () => {
    const { estate } = smallEstate({ etcd: { memberZones: ['a', 'a', 'b'] } });
    const problems = validateEstate(estate);
    const p = expectProblem(problems, 'etcd-zone-survivability', PATHS.etcd, ProblemSeverity.ERROR);
    expect(p.message).toMatch(/losing zone a\b/);
    expect(p.message).toMatch(/quorum/);
    expect(p.fix).toMatch(/memberZones/);
    expect(errorRules(problems)).toEqual(['etcd-zone-survivability']);
    expect(synthesisError(estate).errors.map((e) => e.rule)).toEqual(['etcd-zone-survivability']);
  });

  test('5 members with 3 in one zone is an error; 2/2/1 is fine', () => {
    expectProblem(validateEstate(smallEstate({ etcd: { members: 5, memberZones: ['a', 'a', 'a', 'b', 'c'] } }).estate), 'etcd-zone-survivability', PATHS.etcd);
    expect(validateEstate(smallEstate({ etcd: { members: 5, memberZones: ['a', 'a', 'b', 'b', 'c'] } }).estate)).toEqual([]);
  });

  test('a 2-zone IDC with 3 members is a warning, and synthesis succeeds with it', () => {
    const { estate } = smallEstate({ zones: ['a', 'b'] });
    const problems = validateEstate(estate);
    const p = expectProblem(problems, 'etcd-zone-survivability', PATHS.etcd, ProblemSeverity.WARNING);
    expect(p.message).toMatch(/2 zone/);
    expect(p.fix).toMatch(/three or more zones/);
    expect(errorRules(problems)).toEqual([]);
    const synthesis = synthesize(estate, { asOf: AS_OF });
    expect(synthesis.warnings).toEqual([p]);
    expect(objectsOf(synthesis, 'Machine')).toHaveLength(3);
  });

  test('a 1-zone IDC: warnings for etcd and the control plane, still synthesizes', () => {
    const { estate } = smallEstate({ zones: ['a'] });
    const synthesis = synthesize(estate, { asOf: AS_OF });
    expect(synthesis.warnings.map((w) => [w.path, w.rule, w.severity])).toEqual([
      [PATHS.controlPlane, 'control-plane-spread', ProblemSeverity.WARNING],
      [PATHS.etcd, 'etcd-zone-survivability', ProblemSeverity.WARNING],
    ]);
  });
});

describe('etcd-placement', () => {
  test('memberZones of the wrong length', () => {
    const problems = validateEstate(smallEstate({ etcd: { members: 3, memberZones: ['a', 'b', 'c', 'a', 'b'] } }).estate);
    const p = expectProblem(problems, 'etcd-placement', PATHS.etcd);
    expect(p.message).toMatch(/5 zone\(s\) for 3 member\(s\)/);
  });
});

describe('etcd-timeouts', () => {
  test('interZoneRttMs 400: heartbeat and election derived from it, valid', () => {
    const { estate, cluster } = smallEstate({ interZoneRttMs: 400 });
    expect(cluster.etcd.maxMemberRttMs).toBe(400);
    expect(cluster.etcd.timeouts).toEqual({ heartbeatIntervalMs: 600, electionTimeoutMs: 6000 });
    expect(validateEstate(estate)).toEqual([]);
  });

  test('interZoneRttMs 4000: the derived election timeout (60000 ms) is above the 50000 ms etcd accepts', () => {
    const { estate, cluster } = smallEstate({ interZoneRttMs: 4000 });
    expect(cluster.etcd.timeouts).toEqual({ heartbeatIntervalMs: 6000, electionTimeoutMs: 60000 });
    const problems = validateEstate(estate);
    const p = expectProblem(problems, 'etcd-timeouts', PATHS.etcd);
    expect(p.message).toBe('etcd refuses an election timeout above 50000 ms');
    expect(p.value).toBe('60000');
    expect(errorRules(problems)).toEqual(['etcd-timeouts']);
  });

  test('all members in one zone: the RTT does not matter (a survivability error instead)', () => {
    const { estate, cluster } = smallEstate({ interZoneRttMs: 4000, etcd: { memberZones: ['a', 'a', 'a'] } });
    expect(cluster.etcd.maxMemberRttMs).toBe(0);
    expect(errorRules(validateEstate(estate))).toEqual(['etcd-zone-survivability']);
  });

  test('explicit electionTimeoutMs under five heartbeats', () => {
    const problems = validateEstate(smallEstate({ etcd: { heartbeatIntervalMs: 100, electionTimeoutMs: 400 } }).estate);
    const p = expectProblem(problems, 'etcd-timeouts', PATHS.etcd);
    expect(p.message).toBe('etcd refuses an election timeout under five heartbeats');
    expect(p.value).toBe('{"heartbeatIntervalMs":100,"electionTimeoutMs":400}');
    expect(errorRules(problems)).toEqual(['etcd-timeouts']);
    expect(validateEstate(smallEstate({ etcd: { heartbeatIntervalMs: 100, electionTimeoutMs: 500 } }).estate)).toEqual([]);
  });

  test('explicit timeouts too short for the round trip', () => {
    const problems = validateEstate(smallEstate({ interZoneRttMs: 400, etcd: { heartbeatIntervalMs: 100, electionTimeoutMs: 1000 } }).estate);
    expect(problems.filter((p) => p.rule === 'etcd-timeouts').map((p) => p.message)).toEqual([
      'the election timeout (1000 ms) is under ten round trips (400 ms) between member zones',
      'the heartbeat (100 ms) is under half the 400 ms round trip between member zones',
    ]);
  });

  test('non-integer or zero heartbeat', () => {
    expectProblem(validateEstate(smallEstate({ etcd: { heartbeatIntervalMs: 0 } }).estate), 'etcd-timeouts', PATHS.etcd);
    expectProblem(validateEstate(smallEstate({ etcd: { heartbeatIntervalMs: 100.5, electionTimeoutMs: 1000 } }).estate), 'etcd-timeouts', PATHS.etcd);
  });

  test('a measured zone pair RTT overrides interZoneRttMs', () => {
    const estate = new Estate('e');
    const idc = estate.addRegion('r1').addIdc('idc1', { kind: IdcKind.SELF_BUILT, zones: ['a', 'b', 'c'], infrastructure: METAL3, zoneRtts: [{ zones: ['c', 'a'], rttMs: 250 }] });
    const cluster = addCluster(new ClusterGroup(estate, 'daily', { kind: ClusterGroupKind.DAILY }), idc, 'c1');
    expect(cluster.etcd.maxMemberRttMs).toBe(250);
    expect(cluster.etcd.timeouts).toEqual({ heartbeatIntervalMs: 375, electionTimeoutMs: 3750 });
  });
});
