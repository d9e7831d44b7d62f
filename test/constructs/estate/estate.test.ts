import {
  ClusterGroup, ClusterGroupKind, Estate, EstateDefinitionError, IdcKind,
  ProblemSeverity, Promotion, synthesize, TaintEffect, validateEstate,
} from '../../../constructs';
import { ClusterApiSchemas, describeWithSharedCrds } from '../../helpers/crd-schemas';
import {
  METAL3, POOL, AS_OF, smallEstate, addCluster, DOUBLE_11_PROPS, PATHS, errorRules, expectMeaningful, expectProblem, synthesisError,
  objectsOf,
} from './small-estate';

/**
 * Validation of the estate as a whole: names, zones, every problem at once, and the objects the Cluster API CRDs accept. Each test breaks the small valid estate in one place and asserts the rule id, the
 * construct path and the severity, that the message and fix say something useful, and which other rules the same
 * break trips as well.
 */

describe('the small valid estate', () => {
  test('has no problem and synthesizes with no warning', () => {
    const { estate } = smallEstate();
    expect(validateEstate(estate)).toEqual([]);
    const synthesis = synthesize(estate, { asOf: AS_OF });
    expect(synthesis.warnings).toEqual([]);
    expect(objectsOf(synthesis, 'Machine').map((m) => m.metadata.name)).toEqual(['c1-etcd-0', 'c1-etcd-1', 'c1-etcd-2']);
    expect(objectsOf(synthesis, 'MachineDeployment').map((m) => m.metadata.name)).toEqual(['c1-general-a', 'c1-general-b', 'c1-general-c']);
  });
});

describe('unique-names', () => {
  test('two clusters with the same name in two groups', () => {
    const { estate, idc } = smallEstate();
    const other = new ClusterGroup(estate, 'other', { kind: ClusterGroupKind.DAILY });
    addCluster(other, idc, 'c1');
    const problems = validateEstate(estate);
    const p = expectProblem(problems, 'unique-names', 'e/other/c1');
    expect(p.message).toBe('cluster name "c1" is also used at e/daily/c1');
    expect(p.fix).toMatch(/its own name/);
    expect(errorRules(problems)).toEqual(['unique-names']);
  });

  test('duplicate zone names across IDCs', () => {
    const { estate, region, daily } = smallEstate();
    const idc2 = region.addIdc('idc2', { kind: IdcKind.SELF_BUILT, zones: ['d', 'b', 'e'], infrastructure: METAL3 });
    addCluster(daily, idc2, 'c2');
    const problems = validateEstate(estate);
    const p = expectProblem(problems, 'unique-names', 'e/r1/idc2/b');
    expect(p.message).toBe('zone name "b" is also used at e/r1/idc1/b');
    expect(errorRules(problems)).toEqual(['unique-names']);
  });

  test('duplicate IDC names across regions', () => {
    const { estate } = smallEstate();
    estate.addRegion('r2').addIdc('idc1', { kind: IdcKind.CLOUD, zones: ['x', 'y', 'z'], infrastructure: METAL3 });
    const p = expectProblem(validateEstate(estate), 'unique-names', 'e/r2/idc1');
    expect(p.message).toMatch(/IDC name "idc1" is also used at e\/r1\/idc1/);
  });

  test('two pools that would create the same MachineDeployment', () => {
    const clash = smallEstate({ zones: ['a', 'b', 'x-a'] });
    clash.cluster.addNodePool('general-x', { ...POOL, zones: ['a'] }); // c1-general-x-a, also pool general in zone x-a
    const p = expectProblem(validateEstate(clash.estate), 'unique-names', 'e/daily/c1/general-x');
    expect(p.message).toMatch(/node pool general-x and node pool general would both create objects named "c1-general-x-a"/);
  });

  test('a duplicate construct id in one scope throws EstateDefinitionError (rule unique-names) at once', () => {
    const { estate, region, idc, daily, cluster } = smallEstate();
    const cases: [() => unknown, string][] = [
      [() => new ClusterGroup(estate, 'daily', { kind: ClusterGroupKind.DAILY }), 'e/daily'],
      [() => estate.addRegion('r1'), 'e/r1'],
      [() => region.addIdc('idc1', { kind: IdcKind.SELF_BUILT, zones: ['q'], infrastructure: METAL3 }), 'e/r1/idc1'],
      [() => idc.addZone('a'), 'e/r1/idc1/a'],
      [() => addCluster(daily, idc, 'c1'), 'e/daily/c1'],
      [() => cluster.addNodePool('general', POOL), 'e/daily/c1/general'],
      [() => new Promotion(estate, 'daily', DOUBLE_11_PROPS), 'e/daily'],
    ];
    for (const [make, path] of cases) {
      let thrown: unknown;
      try {
        make();
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(EstateDefinitionError);
      const error = thrown as EstateDefinitionError;
      expect({ rule: error.rule, path: error.path }).toEqual({ rule: 'unique-names', path });
      expect(error.message).toMatch(/already exists here/);
      expect(error.fix).toMatch(/another name/);
    }
  });

  test('a zone listed twice in IdcProps.zones throws EstateDefinitionError', () => {
    const estate = new Estate('e');
    expect(() => estate.addRegion('r1').addIdc('idc1', { kind: IdcKind.SELF_BUILT, zones: ['a', 'a'], infrastructure: METAL3 })).toThrow(EstateDefinitionError);
  });
});

describe('zone-reference', () => {
  test('a pool zone not in the IDC', () => {
    const problems = validateEstate(smallEstate({ pool: { zones: ['a', 'x'] } }).estate);
    const p = expectProblem(problems, 'zone-reference', PATHS.pool);
    expect(p.message).toBe('zone "x" is not a zone of IDC idc1');
    expect(p.fix).toBe('use one of: a, b, c');
    expect(errorRules(problems)).toEqual(['zone-reference']);
  });

  test('a control-plane zone not in the IDC', () => {
    const problems = validateEstate(smallEstate({ controlPlane: { zones: ['a', 'b', 'x'] } }).estate);
    const p = expectProblem(problems, 'zone-reference', PATHS.controlPlane);
    expect(p.message).toBe('zone "x" is not a zone of IDC idc1');
    expect(errorRules(problems)).toEqual(['zone-reference']);
  });

  test('an etcd member zone not in the IDC', () => {
    const problems = validateEstate(smallEstate({ etcd: { memberZones: ['a', 'b', 'x'] } }).estate);
    expectProblem(problems, 'zone-reference', PATHS.etcd);
    expect(errorRules(problems)).toEqual(['zone-reference']);
  });

  test('a zone of another IDC of the same estate', () => {
    const { region, estate, cluster } = smallEstate();
    region.addIdc('idc2', { kind: IdcKind.SELF_BUILT, zones: ['d', 'e', 'f'], infrastructure: METAL3 });
    cluster.addNodePool('remote', { ...POOL, zones: ['d'] });
    expectProblem(validateEstate(estate), 'zone-reference', 'e/daily/c1/remote');
  });

  test('a pool with an empty zone list, and a zone listed twice', () => {
    const empty = expectProblem(validateEstate(smallEstate({ pool: { zones: [] } }).estate), 'zone-reference', PATHS.pool);
    expect(empty.message).toMatch(/no zone/);
    const twice = expectProblem(validateEstate(smallEstate({ pool: { zones: ['a', 'a'] } }).estate), 'zone-reference', PATHS.pool);
    expect(twice.message).toMatch(/listed twice/);
  });

  test('zoneRtts naming a zone not in the IDC', () => {
    const estate = new Estate('e');
    estate.addRegion('r1').addIdc('idc1', { kind: IdcKind.SELF_BUILT, zones: ['a', 'b', 'c'], infrastructure: METAL3, zoneRtts: [{ zones: ['a', 'q'], rttMs: 2 }] });
    expectProblem(validateEstate(estate), 'zone-reference', PATHS.idc);
  });
});

describe('every problem at once', () => {
  test('an estate with several different errors reports all of them in one EstateValidationError, ordered by path', () => {
    const { estate, idc, daily } = smallEstate({
      etcd: { members: 4 },
      controlPlane: { replicas: 4 },
      pool: { labels: { 'kubernetes.io/foo': 'v'.repeat(64) }, kubernetesVersion: 'v1.32.0' },
    });
    addCluster(daily, idc, 'c2', { podCidr: '10.0.0.0/8' });
    const promotion = new Promotion(estate, 'double-11', { ...DOUBLE_11_PROPS, timeZone: 'Nowhere/Land' });
    const peak = new ClusterGroup(estate, 'peak', { kind: ClusterGroupKind.PEAK, promotion });
    addCluster(peak, idc, 'c1', { podCidr: '10.20.0.0/16', serviceCidr: '10.21.0.0/20', etcd: { members: 3, memberSubnet: '10.22.0.0/27', memberZones: ['a', 'a', 'q'] } });
    const error = synthesisError(estate);
    expect(errorRules(error.problems)).toEqual([
      'cidr-overlap',
      'control-plane-replicas',
      'etcd-odd-member-count',
      'etcd-zone-survivability',
      'label-syntax',
      'node-label-reach',
      'promotion-dates',
      'unique-names',
      'version-skew',
      'zone-reference',
    ]);
    expect(new Set(error.problems.map((p) => p.path))).toEqual(
      new Set(['e/daily/c1', 'e/daily/c1/ControlPlane', 'e/daily/c1/Etcd', 'e/daily/c1/general', 'e/daily/c2', 'e/double-11', 'e/peak/c1', 'e/peak/c1/Etcd']),
    );
    const paths = error.problems.map((p) => p.path);
    expect(paths).toEqual([...paths].sort());
    expect(error.problems).toEqual(validateEstate(estate));
    error.problems.forEach(expectMeaningful);
    // The error message lists every error, one per line.
    expect(error.message.split('\n')).toHaveLength(1 + error.errors.length);
    expect(error.message).toMatch(/^the estate is invalid: \d+ error\(s\)/);
  });

  test('warnings ride along in the error but do not cause it', () => {
    const { estate } = smallEstate({ zones: ['a', 'b'], controlPlane: { replicas: 4 } });
    const error = synthesisError(estate);
    expect(error.errors.map((p) => p.rule)).toEqual(['control-plane-replicas']);
    expect(error.problems.map((p) => [p.rule, p.severity])).toEqual([
      ['control-plane-replicas', ProblemSeverity.ERROR],
      ['etcd-zone-survivability', ProblemSeverity.WARNING],
    ]);
  });
});

describeWithSharedCrds('the small estates synthesize to objects the Cluster API CRDs accept', () => {
  let schemas: ClusterApiSchemas;
  beforeAll(() => {
    schemas = ClusterApiSchemas.load();
  });

  const variants: [string, () => Estate][] = [
    ['the valid small estate', () => smallEstate().estate],
    ['a 2-zone IDC (with a survivability warning)', () => smallEstate({ zones: ['a', 'b'] }).estate],
    ['an autoscaled pool with labels and taints', () =>
      smallEstate({
        pool: {
          replicasPerZone: undefined,
          autoscaling: { minPerZone: 1, maxPerZone: 4 },
          labels: { 'example.com/tier': 'gold', 'node-role.kubernetes.io/edge': '' },
          taints: [{ key: 'example.com/dedicated', value: 'edge', effect: TaintEffect.NO_SCHEDULE }],
        },
      }).estate],
  ];

  test.each(variants)('%s', (_name, make) => {
    const objects = synthesize(make(), { asOf: AS_OF }).targets.flatMap((t) => t.objects);
    const checked = objects.filter((o) => schemas.has(o.apiVersion, o.kind));
    expect(checked.map((o) => o.kind)).toEqual(expect.arrayContaining(['Cluster', 'KubeadmControlPlane', 'Machine', 'MachineDeployment', 'MachineHealthCheck', 'KubeadmConfigTemplate']));
    expect(checked.flatMap((o) => schemas.validate(o))).toEqual([]);
  });
});
