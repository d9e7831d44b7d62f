import { EstateStackOutputs, estateStack } from '../../../stacks/pulumi';
import { REFERENCE_TIMES } from '../../helpers/reference';
import { clusterSettings, managementSettings, managementStackFixture, MANAGEMENT_STACK, stackWarnings, testOptions } from './helpers/fixtures';
import { MockRun, objectOf, RecordedResource, runMocked } from './helpers/mock-runtime';

/**
 * The peak group's clusters appear and disappear as as-of moves through the Double 11 calendar (prepare from
 * 2026-10-20, peak 11-10 18:00 to 11-12 02:00, drain until 11-19, four drain batches, Asia/Shanghai). Their guarded
 * objects are protected like the daily group's until the final drain batch, released there (visibly), and deleted by
 * the first update at or after drain-until (visibly).
 */

const DAILY = ['charging-sh1', 'ops-nx1', 'trade-bj1', 'trade-hz1', 'trade-hz2', 'trade-sz1'];
const PEAK = ['peak-bj1', 'peak-nx1'];
/** Inside the final drain batch: from 2026-11-17T06:30+08:00 (peakTo + 3/4 of the drain) to drain-until. */
const DRAINING_FINAL_BATCH = new Date('2026-11-18T00:00:00+08:00');

interface Moment {
  readonly run: MockRun<EstateStackOutputs>;
  readonly log: string[];
}

async function management(asOf: Date): Promise<Moment> {
  const options = testOptions();
  const run = await runMocked(() => estateStack(managementSettings(asOf), options));
  if (run.error) throw run.error;
  return { run, log: options.log.lines };
}

const clusters = (m: Moment) => m.run.resources.filter((r) => r.type === 'kubernetes:cluster.x-k8s.io/v1beta2:Cluster').map((r) => objectOf(r).name).sort();
/** Resources of a peak cluster (in its namespace, or its Namespace). */
const ofPeak = (r: RecordedResource) => r.type.startsWith('kubernetes:') && PEAK.includes(objectOf(r).namespace ?? (objectOf(r).kind === 'Namespace' ? objectOf(r).name : ''));
const peakGuarded = (m: Moment) => m.run.resources.filter((r) => ofPeak(r) && ['Namespace', 'Cluster', 'KubeadmControlPlane'].includes(objectOf(r).kind));

describe('the management stack through the Double 11 calendar', () => {
  const moments: Record<string, Moment> = {};
  beforeAll(async () => {
    for (const [name, asOf] of Object.entries({
      ...REFERENCE_TIMES,
      drainingFinalBatch: DRAINING_FINAL_BATCH,
    })) moments[name] = await management(asOf);
  });

  test('before preparation the peak clusters do not exist, and the stack says when they will', () => {
    const m = moments.dormantBefore;
    expect(clusters(m)).toEqual(DAILY);
    expect(m.run.resources.some(ofPeak)).toBe(false);
    expect(m.run.stackOutputs!.absentClusters).toEqual(PEAK.map((name) => expect.objectContaining({ name, reason: 'not-yet-created', at: '2026-10-20T00:00' })));
    expect(m.log.join('\n')).toMatch(/not created yet: peak-bj1 \(double-11 prepares from 2026-10-20T00:00 Asia\/Shanghai\)/);
  });

  test.each(['preparingFirstBatch', 'preparingLastBatch', 'peak', 'drainingFirstBatch'])('%s: the peak clusters exist and their guarded objects are protected like the daily group\'s', (moment) => {
    const m = moments[moment];
    expect(clusters(m)).toEqual([...DAILY, ...PEAK].sort());
    const guarded = peakGuarded(m);
    expect(guarded).toHaveLength(2 * 3);
    for (const r of guarded) expect([r.name, r.protect, r.retainOnDelete]).toEqual([r.name, true, true]);
    expect(stackWarnings(m.log)).toEqual([]);
  });

  test('the phase and size of the peak clusters follow the calendar in the outputs', () => {
    const phase = (moment: string) => {
      const c = (moments[moment].run.stackOutputs!.clusters as Record<string, Record<string, unknown>>)['peak-nx1'];
      return [c.promotionPhase, c.scale];
    };
    expect(phase('preparingFirstBatch')).toEqual(['preparing', 0.25]);
    expect(phase('preparingLastBatch')).toEqual(['preparing', 1]);
    expect(phase('peak')).toEqual(['peak', 1]);
    expect(phase('drainingFirstBatch')).toEqual(['draining', 0.75]);
    expect(phase('drainingFinalBatch')).toEqual(['draining', 0]);
  });

  test('final drain batch: the peak clusters still exist, their protection is released, and the stack warns about it', () => {
    const m = moments.drainingFinalBatch;
    expect(clusters(m)).toEqual([...DAILY, ...PEAK].sort());
    for (const r of peakGuarded(m)) expect([r.name, r.protect, r.retainOnDelete]).toEqual([r.name, false, false]);
    // The daily group keeps its guard.
    expect(m.run.resources.find((r) => r.name === 'Cluster/trade-hz1/trade-hz1')!.protect).toBe(true);
    const clustersOut = m.run.stackOutputs!.clusters as Record<string, Record<string, unknown>>;
    expect(clustersOut['peak-bj1']).toMatchObject({ protection: 'released', releaseReason: expect.stringMatching(/final drain batch of double-11/) });
    expect(clustersOut['trade-hz1']).toMatchObject({ protection: 'protected' });
    const warnings = stackWarnings(m.log);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^warn: peak-bj1 \(double-11-peak\): protection released — final drain batch of double-11: deleted by the first update at or after drain-until 2026-11-19T00:00 Asia\/Shanghai/);
  });

  test('after drain-until the peak clusters are gone, and the deletion is announced with what to do if it is refused', () => {
    const m = moments.dormantAfter;
    expect(clusters(m)).toEqual(DAILY);
    expect(m.run.resources.some(ofPeak)).toBe(false);
    expect(m.run.stackOutputs!.absentClusters).toEqual(PEAK.map((name) => expect.objectContaining({ name, reason: 'retired', at: '2026-11-19T00:00' })));
    const warnings = stackWarnings(m.log);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/peak-bj1, peak-nx1 \(double-11-peak\): drain-until 2026-11-19T00:00 Asia\/Shanghai of double-11 has passed .* this update deletes every object of these clusters/);
    // The way out, should the last update have run before the final batch: an as-of inside it (2026-11-17T06:31+08:00).
    expect(warnings[0]).toContain('pulumi config set cluster-estate:asOf 2026-11-16T22:31:00.000Z');
    expect((m.run.stackOutputs!.notices as string[]).join('\n')).toContain('drain-until 2026-11-19T00:00');
  });

  test('the daily group is untouched at every moment', () => {
    for (const m of Object.values(moments)) {
      for (const c of DAILY) {
        const r = m.run.resources.find((x) => x.name === `Cluster/${c}/${c}` && x.type === 'kubernetes:cluster.x-k8s.io/v1beta2:Cluster')!;
        expect([c, r.protect, r.retainOnDelete]).toEqual([c, true, true]);
      }
    }
  });
});

describe('a peak cluster\'s own stack through the calendar', () => {
  async function peakStack(asOf: Date) {
    const options = testOptions(['peak-bj1']);
    const run = await runMocked(() => estateStack(clusterSettings('peak-bj1', asOf), options), {
      stackReferences: { [MANAGEMENT_STACK]: managementStackFixture(['peak-bj1']) },
    });
    if (run.error) throw run.error;
    return { run, log: options.log.lines };
  }

  test('before preparation it registers nothing, needs no kubeconfig, and says when the cluster comes', async () => {
    const m = await peakStack(REFERENCE_TIMES.dormantBefore);
    expect(m.run.resources.map((r) => r.type).sort()).toEqual(['cluster-estate:index:EstateTarget', 'pulumi:pulumi:Stack']);
    expect(m.log.join('\n')).toMatch(/peak-bj1 \(double-11-peak\) does not exist yet .* prepares from 2026-10-20T00:00/);
  });

  test('at peak it applies its namespaces (protected) and apps', async () => {
    const m = await peakStack(REFERENCE_TIMES.peak);
    expect(m.run.resources.filter((r) => r.type === 'kubernetes:core/v1:Namespace').map((r) => [r.name, r.protect])).toEqual([['Namespace/payments', true], ['Namespace/trade', true]]);
    expect(m.run.resources.filter((r) => r.type === 'kubernetes:apps/v1:Deployment')).toHaveLength(2);
  });

  test('in the final drain batch its namespaces are released too', async () => {
    const m = await peakStack(DRAINING_FINAL_BATCH);
    expect(m.run.resources.filter((r) => r.type === 'kubernetes:core/v1:Namespace').map((r) => [r.name, r.protect, r.retainOnDelete])).toEqual([['Namespace/payments', false, false], ['Namespace/trade', false, false]]);
    expect(stackWarnings(m.log)).toHaveLength(1);
  });

  test('after drain-until it registers nothing and warns that the update empties the stack', async () => {
    const m = await peakStack(REFERENCE_TIMES.dormantAfter);
    expect(m.run.resources.map((r) => r.type).sort()).toEqual(['cluster-estate:index:EstateTarget', 'pulumi:pulumi:Stack']);
    expect(m.log.join('\n')).toMatch(/warn: peak-bj1 \(double-11-peak\) no longer exists .* run it before the management stack deletes the cluster/);
  });
});
