import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import { MANAGEMENT_TARGET, nameTemplatesByContent, RenderedObject, renderClusterManagementObjects } from '../../../constructs/internal';
import { referenceSynthesis } from '../../helpers/reference';

describe('RenderedObject', () => {
  const plan = referenceSynthesis().plan;
  const plain = plan.clusters.flatMap((c) => renderClusterManagementObjects(c, plan.estate));

  test('gives the same JSON, in the same key order, as cdk8s ApiObject for every reference object', () => {
    const chart = new Chart(new App(), 'c', { disableResourceNameHashes: true });
    expect(plain.length).toBeGreaterThan(300);
    plain.forEach((object, i) => {
      const ours = new RenderedObject(chart, `ours-${i}`, object).toJson();
      const cdk8s = new ApiObject(chart, `cdk8s-${i}`, object).toJson();
      expect(JSON.stringify(ours)).toBe(JSON.stringify(cdk8s));
    });
  });

  test('drops undefined and null fields and empty metadata maps the way cdk8s does', () => {
    const chart = new Chart(new App(), 'c', { disableResourceNameHashes: true });
    const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'n', labels: {}, annotations: undefined }, data: { b: '1', a: null, c: undefined }, list: [] } as never;
    expect(JSON.stringify(new RenderedObject(chart, 'a', object).toJson())).toBe(JSON.stringify(new ApiObject(chart, 'b', object).toJson()));
  });

  test('metadata changed through cdk8s and JSON patches still apply', () => {
    const chart = new Chart(new App(), 'c', { disableResourceNameHashes: true });
    const object = new RenderedObject(chart, 'o', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: '1' } } as never);
    object.metadata.addLabel('team', 'payments');
    expect(object.toJson().metadata.labels).toEqual({ team: 'payments' });
    object.addJsonPatch(JsonPatch.add('/data/b', '2'));
    expect(object.toJson()).toMatchObject({ metadata: { labels: { team: 'payments' } }, data: { a: '1', b: '2' } });
  });

  test('synthesis output is unchanged by the direct path', () => {
    const objects = referenceSynthesis().targets.find((t) => t.name === MANAGEMENT_TARGET)!.objects;
    const chart = new Chart(new App(), 'c', { disableResourceNameHashes: true });
    // Synthesis names templates after their content once the chart is resolved (and patched).
    expect(JSON.stringify(objects)).toBe(JSON.stringify(nameTemplatesByContent(plain.map((o, i) => new ApiObject(chart, `x${i}`, o).toJson()))));
  });
});
