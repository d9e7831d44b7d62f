import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { JsonPatch } from 'cdk8s';
import { AppTemplate, EstateValidationError, MANAGEMENT_TARGET, synthesisFiles, synthesize, writeSynthesis } from '../../../constructs';
import { referenceEstate } from '../../../stacks/estates';
import { theObject } from '../../helpers/objects';
import { REFERENCE_TIMES } from '../../helpers/reference';
import { Json, podSpecOf, targetObjects, TIMES, withShop } from './app-fixtures';

describe('cluster targets', () => {
  test('each cluster that runs apps is a target after management; files per namespace, cluster-scoped objects in _cluster.yaml', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'estate-apps-'));
    try {
      const dir = writeSynthesis(synthesize(referenceEstate(), { asOf: REFERENCE_TIMES.peak }), tmp);
      const folders = fs.readdirSync(dir).filter((f) => fs.statSync(path.join(dir, f)).isDirectory()).sort();
      expect(folders).toEqual(['charging-sh1', 'management', 'peak-bj1', 'peak-nx1', 'trade-bj1', 'trade-hz1', 'trade-hz2', 'trade-sz1']);
      expect(fs.readdirSync(path.join(dir, 'trade-hz1')).sort()).toEqual(['_cluster.yaml', 'ingress-gateway.yaml', 'istio-system.yaml', 'payment.yaml', 'trade.yaml']);
      expect(fs.readFileSync(path.join(dir, 'trade-hz1', '_cluster.yaml'), 'utf8')).toMatch(/^apiVersion: scheduling.k8s.io\/v1\nkind: PriorityClass\n/);
      expect(fs.readFileSync(path.join(dir, 'trade-hz1', 'trade.yaml'), 'utf8')).toMatch(/^apiVersion: v1\nkind: Namespace\nmetadata:\n {2}labels:/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('the management target is byte-identical with and without apps', () => {
    const withApps = referenceEstate();
    const without = referenceEstate();
    for (const app of AppTemplate.appsOf(without)) without.node.tryRemoveChild(app.node.id);
    expect(AppTemplate.appsOf(without)).toEqual([]);
    const files = (e: typeof withApps) => synthesisFiles(synthesize(e, { asOf: REFERENCE_TIMES.peak })).filter((f) => f.path.startsWith(`${MANAGEMENT_TARGET}/`));
    expect(files(withApps)).toEqual(files(without));
    expect(synthesize(without, { asOf: REFERENCE_TIMES.peak }).targets.map((t) => t.name)).toEqual([MANAGEMENT_TARGET]);
  });

  test('`targets` builds only the named targets; the whole estate is still validated', () => {
    const s = synthesize(referenceEstate(), { asOf: REFERENCE_TIMES.peak, targets: ['trade-hz1', 'charging-sh1'] });
    expect(s.targets.map((t) => t.name)).toEqual(['charging-sh1', 'trade-hz1']);
    expect(s.plan.apps.length).toBeGreaterThan(2);
  });
});

describe('escape hatch: JSON patches on an app\'s objects', () => {
  test('a patch changes the named object in every cluster the app runs on', () => {
    const f = withShop((x) => ({ placement: { clusters: [x.newK8s, x.oldK8s], replicasPerCluster: 3 } }));
    f.app.addObjectPatch({ kind: 'Deployment', name: 'shop', patches: [JsonPatch.add('/spec/revisionHistoryLimit', 3), JsonPatch.add('/spec/template/spec/enableServiceLinks', false)] });
    const s = synthesize(f.estate, { asOf: TIMES.normal });
    for (const cluster of ['new-k8s', 'old-k8s']) {
      const d = theObject(targetObjects(s, cluster), 'Deployment', 'shop') as Json;
      expect(d.spec.revisionHistoryLimit).toBe(3);
      expect(podSpecOf(d).enableServiceLinks).toBe(false);
    }
  });

  test('a patch that matches nothing is an error naming the app and the cluster', () => {
    const f = withShop();
    f.app.addObjectPatch({ kind: 'Deployment', name: 'shop-typo', patches: [JsonPatch.add('/spec/paused', true)] });
    let error: unknown;
    try {
      synthesize(f.estate, { asOf: TIMES.normal });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EstateValidationError);
    expect((error as EstateValidationError).problems).toEqual([expect.objectContaining({ rule: 'object-patch', path: 'shopfloor/shop', message: 'a patch for Deployment "shop-typo" matches no object of app shop on cluster new-k8s' })]);
  });
});
