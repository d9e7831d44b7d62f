import * as fc from 'fast-check';
import {
  EstateValidationError, KubeObject, LABEL_ROLE, Problem, ProblemSeverity, synthesize, Synthesis, validateEstate,
} from '../../../constructs';
import {
  arbitraryEstateSpec, buildEstate, clustersOf, ClusterSpec, EstateSpec, estateSpecArbitrary, GroupSpec, idcsOf,
} from '../../helpers/arbitrary-estate';

/**
 * Property-based tests over random estates (see test/helpers/arbitrary-estate.ts). Runs per property:
 * ESTATE_FUZZ_RUNS (default 200); ESTATE_FUZZ_SEED replays a reported failure.
 */
const RUNS = Number(process.env.ESTATE_FUZZ_RUNS ?? 200);
const SEED = process.env.ESTATE_FUZZ_SEED === undefined ? undefined : Number(process.env.ESTATE_FUZZ_SEED);
const PARAMS: fc.Parameters<unknown> = { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) };

/** As-of times from before any promotion prepares to after every one has drained (promotions are Oct-Dec 2026). */
const asOfArb = fc.date({ min: new Date('2026-09-15T00:00:00Z'), max: new Date('2027-01-15T00:00:00Z'), noInvalidDate: true });
/** Mostly clean specs, for properties of successful syntheses. */
const mostlyClean = estateSpecArbitrary({ badPercents: [0, 0, 0, 2] });

type Outcome = { readonly ok: true; readonly synthesis: Synthesis } | { readonly ok: false; readonly error: EstateValidationError };

/** Synthesizes a freshly built estate: a Synthesis or an EstateValidationError; anything else fails the property. */
function attempt(spec: EstateSpec, asOf: Date): Outcome {
  try {
    return { ok: true, synthesis: synthesize(buildEstate(spec), { asOf }) };
  } catch (e) {
    if (e instanceof EstateValidationError) return { ok: false, error: e };
    throw new Error(`synthesize threw ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e)}, not an EstateValidationError`);
  }
}

const SEVERITIES: string[] = [ProblemSeverity.ERROR, ProblemSeverity.WARNING];

function expectWellFormed(p: Problem, estate: string): void {
  expect(typeof p.path).toBe('string');
  expect(p.path === estate || p.path.startsWith(`${estate}/`)).toBe(true);
  expect(p.rule).toMatch(/^[a-z]+(-[a-z0-9]+)*$/);
  expect(SEVERITIES).toContain(p.severity);
  expect(typeof p.message).toBe('string');
  expect(p.message.trim()).not.toBe('');
  expect(typeof p.fix).toBe('string');
  expect(p.fix.trim()).not.toBe('');
}

function objects(synthesis: Synthesis): KubeObject[] {
  return synthesis.targets.flatMap((t) => t.objects);
}

function inNamespace(synthesis: Synthesis, kind: string, namespace: string): KubeObject[] {
  return objects(synthesis).filter((o) => o.kind === kind && o.metadata.namespace === namespace);
}

/** An IPv4 block as [first, last]: this file's own parser, strict dotted quad, so it checks the model independently. */
function ipv4Range(cidr: string): [number, number] {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) throw new Error(`test parser: ${cidr} is not an IPv4 CIDR`);
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) throw new Error(`test parser: ${cidr} is out of range`);
  const first = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  return [first, first + size - 1];
}

function overlap(a: [number, number], b: [number, number]): boolean {
  return a[0] <= b[1] && b[0] <= a[1];
}

/** Placement as the spec states it: memberZones, or round-robin over the IDC's zones (computed here, not by the model). */
function specPlacement(spec: EstateSpec, cluster: ClusterSpec): string[] {
  const zones = idcsOf(spec)[cluster.idc].zones;
  return cluster.etcd.memberZones ?? Array.from({ length: cluster.etcd.members }, (_, i) => zones[i % zones.length]);
}

function losesQuorumOnSomeZone(placement: string[]): boolean {
  const n = placement.length;
  const need = Math.floor(n / 2) + 1;
  return [...new Set(placement)].some((zone) => n - placement.filter((z) => z === zone).length < need);
}

function clusterPath(spec: EstateSpec, group: GroupSpec, cluster: ClusterSpec): string {
  return `${spec.name}/${group.name}/${cluster.name}`;
}

describe('random estates (property-based)', () => {
  test('synthesize returns a Synthesis or throws an EstateValidationError with well-formed problems, never anything else', () => {
    let succeeded = 0;
    let failed = 0;
    fc.assert(
      fc.property(arbitraryEstateSpec, asOfArb, (spec, asOf) => {
        const outcome = attempt(spec, asOf);
        if (outcome.ok) {
          succeeded++;
          for (const w of outcome.synthesis.warnings) {
            expectWellFormed(w, spec.name);
            expect(w.severity).toBe(ProblemSeverity.WARNING);
          }
          return;
        }
        failed++;
        const { problems } = outcome.error;
        expect(outcome.error.errors.length).toBeGreaterThan(0);
        for (const p of problems) expectWellFormed(p, spec.name);
        const paths = problems.map((p) => p.path);
        expect(paths).toEqual([...paths].sort());
        // What synthesize reports is exactly what the validator finds (no patches are generated).
        expect(problems).toEqual(validateEstate(buildEstate(spec)));
      }),
      PARAMS,
    );
    // Reaching this line means no case crashed: fast-check stops at the first exception that is not a typed error.
    process.stdout.write(`fuzz: ${succeeded + failed} random estates, ${succeeded} synthesized, ${failed} refused with EstateValidationError, 0 crashes\n`);
    // The generator must exercise both outcomes, or the property says little.
    if (RUNS >= 50) {
      expect(succeeded).toBeGreaterThan(RUNS / 10);
      expect(failed).toBeGreaterThan(RUNS / 10);
    }
  });

  test('a clean spec (no bad knob, default etcd spread) always synthesizes; warnings only for IDCs with fewer than 3 zones (or no cluster at all)', () => {
    fc.assert(
      fc.property(estateSpecArbitrary({ badPercents: [0], memberZonesPercent: 0 }), asOfArb, (spec, asOf) => {
        const outcome = attempt(spec, asOf);
        if (!outcome.ok) throw new Error(`a clean spec failed validation:\n${outcome.error.message}`);
        const smallIdcs = new Set(idcsOf(spec).filter((i) => i.zones.length < 3).map((i) => i.name));
        for (const w of outcome.synthesis.warnings) {
          if (w.rule === 'topology') {
            // An estate without any cluster is worth a warning.
            expect(clustersOf(spec)).toEqual([]);
            continue;
          }
          expect(['control-plane-spread', 'etcd-zone-survivability']).toContain(w.rule);
          expect(w.message).toMatch(new RegExp(`IDC (${[...smallIdcs].join('|')}) `));
        }
      }),
      PARAMS,
    );
  });

  test('a successful synthesis is deterministic, has one etcd Machine and one endpoint per member, and no CIDR overlap', () => {
    let clusters = 0;
    fc.assert(
      fc.property(mostlyClean, asOfArb, (spec, asOf) => {
        const first = attempt(spec, asOf);
        fc.pre(first.ok);
        if (!first.ok) return;
        const synthesis = first.synthesis;

        // Determinism: a fresh build of the same spec, and a second synthesis of one estate, give the same output.
        const estate = buildEstate(spec);
        const again = synthesize(estate, { asOf });
        const third = synthesize(estate, { asOf });
        const text = JSON.stringify({ plan: synthesis.plan, targets: synthesis.targets, warnings: synthesis.warnings });
        expect(JSON.stringify({ plan: again.plan, targets: again.targets, warnings: again.warnings })).toBe(text);
        expect(JSON.stringify({ plan: third.plan, targets: third.targets, warnings: third.warnings })).toBe(text);

        // Which clusters exist: every cluster of the spec is either planned or absent (dormant peak group).
        const specNames = clustersOf(spec).map(({ cluster }) => cluster.name).sort();
        expect([...synthesis.plan.clusters.map((c) => c.name), ...synthesis.plan.absentClusters.map((c) => c.name)].sort()).toEqual(specNames);

        const byName = new Map(clustersOf(spec).map(({ cluster }) => [cluster.name, cluster]));
        const blocks: { cluster: string; range: [number, number]; text: string }[] = [];
        for (const plan of synthesis.plan.clusters) {
          clusters++;
          const cluster = byName.get(plan.name)!;
          const members = cluster.etcd.members;
          const machines = inNamespace(synthesis, 'Machine', plan.name).filter((m) => m.metadata.labels?.[LABEL_ROLE] === 'etcd');
          expect(machines).toHaveLength(members);
          expect(inNamespace(synthesis, 'Machine', plan.name)).toHaveLength(members);

          const [kcp] = inNamespace(synthesis, 'KubeadmControlPlane', plan.name);
          const endpoints = (kcp.spec as { kubeadmConfigSpec: { clusterConfiguration: { etcd: { external: { endpoints: string[] } } } } })
            .kubeadmConfigSpec.clusterConfiguration.etcd.external.endpoints;
          expect(endpoints).toHaveLength(members);
          expect(new Set(endpoints).size).toBe(members);
          for (const url of endpoints) expect(url).toMatch(/^https:\/\/\d+\.\d+\.\d+\.\d+:\d+$/);

          const [clusterObject] = inNamespace(synthesis, 'Cluster', plan.name);
          const network = (clusterObject.spec as { clusterNetwork: {
            pods: { cidrBlocks: string[] };
            services: { cidrBlocks: string[] };
          } }).clusterNetwork;
          for (const text of [
            ...network.pods.cidrBlocks,
            ...network.services.cidrBlocks
          ]) blocks.push({ cluster: plan.name, range: ipv4Range(text), text });
        }
        for (let i = 0; i < blocks.length; i++) {
          for (let j = i + 1; j < blocks.length; j++) {
            if (overlap(blocks[i].range, blocks[j].range)) {
              throw new Error(`${blocks[i].cluster} ${blocks[i].text} overlaps ${blocks[j].cluster} ${blocks[j].text}, yet the estate synthesized`);
            }
          }
        }
      }),
      { ...PARAMS, maxSkipsPerRun: 1000 },
    );
    if (RUNS >= 50) expect(clusters).toBeGreaterThan(RUNS / 2);
  });

  test('with no survivability error in a 3+-zone IDC, losing any one zone (by the Machines\' failureDomain) leaves a quorum', () => {
    let checked = 0;
    fc.assert(
      fc.property(estateSpecArbitrary({ badPercents: [0], memberZonesPercent: 70 }), asOfArb, (spec, asOf) => {
        const outcome = attempt(spec, asOf);
        fc.pre(outcome.ok);
        if (!outcome.ok) return;
        const synthesis = outcome.synthesis;
        const byName = new Map(clustersOf(spec).map(({ cluster }) => [cluster.name, cluster]));
        for (const plan of synthesis.plan.clusters) {
          const cluster = byName.get(plan.name)!;
          if (idcsOf(spec)[cluster.idc].zones.length < 3) continue;
          expect(synthesis.warnings.filter((w) => w.rule === 'etcd-zone-survivability' && w.path.startsWith(`${spec.name}/`) && w.path.endsWith(`/${plan.name}/Etcd`))).toEqual([]);
          const domains = inNamespace(synthesis, 'Machine', plan.name).map((m) => (m.spec as { failureDomain: string }).failureDomain);
          const n = domains.length;
          const quorum = Math.floor(n / 2) + 1;
          for (const zone of new Set(domains)) {
            const left = domains.filter((d) => d !== zone).length;
            if (left < quorum) throw new Error(`cluster ${plan.name}: losing ${zone} leaves ${left} of ${n} members (${domains.join(', ')}), quorum is ${quorum}`);
          }
          checked++;
        }
      }),
      { ...PARAMS, maxSkipsPerRun: 1000 },
    );
    if (RUNS >= 50) expect(checked).toBeGreaterThan(RUNS / 4);
  });

  test('etcd-zone-survivability is reported exactly when a zone loss breaks quorum: an error with 3+ zones, a warning below', () => {
    let reported = 0;
    fc.assert(
      fc.property(estateSpecArbitrary({ badPercents: [0, 5], memberZonesPercent: 70 }), (spec) => {
        const problems = validateEstate(buildEstate(spec));
        for (const { group, cluster } of clustersOf(spec)) {
          const idc = idcsOf(spec)[cluster.idc];
          const placement = specPlacement(spec, cluster);
          const path = `${clusterPath(spec, group, cluster)}/Etcd`;
          const found = problems.filter((p) => p.rule === 'etcd-zone-survivability' && p.path === path);
          // The rule stays silent when a member zone is unknown (zone-reference reports that).
          if (placement.length === 0 || placement.some((z) => !idc.zones.includes(z))) {
            expect(found).toEqual([]);
            continue;
          }
          const breaks = losesQuorumOnSomeZone(placement);
          expect(found.map((p) => p.severity)).toEqual(breaks ? [idc.zones.length >= 3 ? ProblemSeverity.ERROR : ProblemSeverity.WARNING] : []);
          if (breaks) reported++;
        }
      }),
      PARAMS,
    );
    if (RUNS >= 50) expect(reported).toBeGreaterThan(0);
  });

  test('building and validating never throw, and validation is deterministic', () => {
    fc.assert(
      fc.property(arbitraryEstateSpec, (spec) => {
        const a = validateEstate(buildEstate(spec));
        const b = validateEstate(buildEstate(spec));
        expect(b).toEqual(a);
      }),
      PARAMS,
    );
  });
});
