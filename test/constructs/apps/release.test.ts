import {
  AppImage, LABEL_APP, LABEL_CHANNEL, LABEL_SERVING, quarantineCommand, Release, ReleaseChannel, splitByPercent,
} from '../../../constructs/internal';
import { ofKind, theObject } from '../../helpers/objects';
import { Json, podSpecOf, shopObjects } from './app-fixtures';

describe('release channels', () => {
  test('canary: stable and gray Deployments behind one Service, with an explicit replica split', () => {
    const objects = shopObjects((f) => ({
      release: Release.canary({ grayPercent: 10, grayImage: AppImage.pinned('registry.example.internal/shop/web:2.4.0-rc.1') }),
      placement: { clusters: [f.newK8s], replicasPerCluster: 10 },
    }));
    const stable = theObject(objects, 'Deployment', 'shop') as Json;
    const gray = theObject(objects, 'Deployment', 'shop-gray') as Json;
    expect(stable.spec.selector.matchLabels[LABEL_CHANNEL]).toBe('stable');
    expect(gray.spec.selector.matchLabels[LABEL_CHANNEL]).toBe('gray');
    expect(podSpecOf(gray).containers[0].image).toBe('registry.example.internal/shop/web:2.4.0-rc.1');
    expect(gray.metadata.labels['app.kubernetes.io/version']).toBe('2.4.0-rc.1');
    expect(stable.metadata.labels['app.kubernetes.io/version']).toBe('2.3.1');
    // 10 replicas (max 30): gray 1 (3), stable 9 (27)
    expect((theObject(objects, 'HorizontalPodAutoscaler', 'shop') as Json).spec).toMatchObject({ minReplicas: 9, maxReplicas: 27 });
    expect((theObject(objects, 'HorizontalPodAutoscaler', 'shop-gray') as Json).spec).toMatchObject({ minReplicas: 1, maxReplicas: 3 });
    expect(ofKind(objects, 'Service')).toHaveLength(1);
    expect((theObject(objects, 'Service', 'shop') as Json).spec.selector).toEqual({ [LABEL_APP]: 'shop', [LABEL_SERVING]: 'true' });
    for (const d of [stable, gray]) expect(d.spec.replicas).toBeUndefined();
  });

  test('blue/green: both colours run, the Service selects the active one; switching changes only the selector', () => {
    const release = (active: ReleaseChannel.BLUE | ReleaseChannel.GREEN) => Release.blueGreen({ active, greenImage: AppImage.pinned('registry.example.internal/shop/web:2.4.0') });
    const blue = shopObjects(() => ({ release: release(ReleaseChannel.BLUE) }));
    const green = shopObjects(() => ({ release: release(ReleaseChannel.GREEN) }));
    expect(ofKind(blue, 'Deployment').map((d) => d.metadata.name)).toEqual(['shop-blue', 'shop-green']);
    expect((theObject(blue, 'Service', 'shop') as Json).spec.selector).toEqual({ [LABEL_APP]: 'shop', [LABEL_CHANNEL]: 'blue', [LABEL_SERVING]: 'true' });
    expect((theObject(green, 'Service', 'shop') as Json).spec.selector).toEqual({ [LABEL_APP]: 'shop', [LABEL_CHANNEL]: 'green', [LABEL_SERVING]: 'true' });
    const differing = blue.filter((o, i) => JSON.stringify(o) !== JSON.stringify(green[i]));
    expect(differing.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Service/shop']);
    expect(podSpecOf(theObject(blue, 'Deployment', 'shop-green')).containers[0].image).toBe('registry.example.internal/shop/web:2.4.0');
  });

  test('blue/green with a small idle colour: fixed replicas, no autoscaler for it', () => {
    const objects = shopObjects(() => ({ release: Release.blueGreen({ active: ReleaseChannel.BLUE, idleReplicas: 1 }) }));
    expect((theObject(objects, 'Deployment', 'shop-green') as Json).spec.replicas).toBe(1);
    expect(ofKind(objects, 'HorizontalPodAutoscaler').map((h) => h.metadata.name)).toEqual(['shop-blue']);
  });

  test('the split gives every channel at least one replica and stable the rest', () => {
    expect(splitByPercent(10, [90, 10])).toEqual([9, 1]);
    expect(splitByPercent(2, [95, 5])).toEqual([1, 1]);
    expect(splitByPercent(30, [80, 20])).toEqual([24, 6]);
  });
});

describe('quarantine', () => {
  test('the serving label is on every pod and in every selector, so relabelling one pod detaches it', () => {
    const objects = shopObjects(() => ({ release: Release.canary({ grayPercent: 20 }) }));
    const selectors: Record<string, string>[] = [];
    for (const d of ofKind(objects, 'Deployment') as Json[]) {
      expect(d.spec.template.metadata.labels[LABEL_SERVING]).toBe('true');
      selectors.push(d.spec.selector.matchLabels, podSpecOf(d).topologySpreadConstraints[0].labelSelector.matchLabels);
    }
    selectors.push((theObject(objects, 'Service', 'shop') as Json).spec.selector, (theObject(objects, 'PodDisruptionBudget', 'shop') as Json).spec.selector.matchLabels);
    for (const s of selectors) expect(s[LABEL_SERVING]).toBe('true');
  });

  test('the command README shows', () => {
    expect(quarantineCommand('trade', 'order-api-7d9c6b5f4-x2x9k')).toBe('kubectl -n trade label pod order-api-7d9c6b5f4-x2x9k cluster-estate.io/serving=false --overwrite');
  });
});
