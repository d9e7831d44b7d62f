import { requirePinnedImageTags } from '../../../../policies/rules';
import { judge, messages } from '../../fixtures/judge';
import { broken, compliantDeployment, mainContainerOf, podSpecOf } from '../../fixtures/workloads';

const image = (value: string) => broken(compliantDeployment(), (x) => (mainContainerOf(x).image = value));

describe('require-pinned-image-tags', () => {
  test.each([
    'registry.estate.internal/shop/checkout:4.2.0',
    'registry.estate.internal:5000/shop/checkout:4.2.0',
    'registry.estate.internal/shop/checkout@sha256:6f1c2b0a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a',
    'registry.estate.internal/shop/checkout:latest@sha256:6f1c2b0a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a',
  ])('%s is pinned', (value) => {
    expect(judge(requirePinnedImageTags, image(value))).toEqual({ kind: 'compliant' });
  });

  test.each([
    ['registry.estate.internal/shop/checkout:latest', 'uses the moving tag "latest"'],
    ['registry.estate.internal/shop/checkout', 'has no tag (it means latest)'],
    ['registry.estate.internal:5000/shop/checkout', 'has no tag (it means latest)'],
    ['nginx:stable', 'uses the moving tag "stable"'],
  ])('%s is a violation', (value, problem) => {
    expect(messages(judge(requirePinnedImageTags, image(value)))).toEqual([`container "checkout" image ${value} ${problem}`]);
  });

  test('a sidecar image is judged too, and a container without an image is a violation', () => {
    const d = broken(compliantDeployment(), (x) => {
      podSpecOf(x).initContainers[0].image = 'cr.fluentbit.io/fluent/fluent-bit';
      delete mainContainerOf(x).image;
    });
    expect(messages(judge(requirePinnedImageTags, d))).toEqual(['sidecar "log-shipper" image cr.fluentbit.io/fluent/fluent-bit has no tag (it means latest)', 'container "checkout" has no image']);
  });

  test('digests can be required', () => {
    expect(messages(judge(requirePinnedImageTags, compliantDeployment(), { config: { requireDigest: true } }))).toHaveLength(2);
  });
});
