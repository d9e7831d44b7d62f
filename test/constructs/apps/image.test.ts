import { AppImage, checkPinnedImage, composedImageTag, parseImageReference, ProblemCollector } from '../../../constructs/internal';
import { theObject } from '../../helpers/objects';
import { Json, podSpecOf, shopObjects } from './app-fixtures';

const APP_YAML = `version: 1.42.0
stack: registry.example.internal/stacks/ubuntu:22.04-20241001
runtime: registry.example.internal/runtimes/openjdk:17.0.12
entrypoint: [/opt/runtime/bin/java, -jar, /app/shop.jar]
`;

describe('pinned images', () => {
  test.each([
    ['registry.example.internal/shop/web:2.3.1', undefined],
    ['registry.example.internal:5000/shop/web:2.3.1', undefined],
    [`web@sha256:${'a'.repeat(64)}`, undefined],
    ['registry.example.internal:5000/shop/web', /no tag/],
    ['web:latest', /latest/],
    ['web@sha256:abc', /digest/],
    ['Web:1', /repository/],
    ['', /empty/],
  ])('%s', (reference, problem) => {
    const found = checkPinnedImage(reference);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toMatch(problem);
  });

  test('a registry port is not a tag', () => {
    expect(parseImageReference('registry:5000/web')).toEqual({ repository: 'registry:5000/web', digest: undefined });
    expect(parseImageReference('registry:5000/web:1.2')).toEqual({ repository: 'registry:5000/web', tag: '1.2', digest: undefined });
  });
});

describe('images composed from layers (app.yaml)', () => {
  test('the tag is the version plus a hash of every layer and the entrypoint; the entrypoint is the command', () => {
    const image = AppImage.fromAppYaml(APP_YAML, { registry: 'registry.example.internal/apps' }).resolve('shop');
    expect(image.image).toMatch(/^registry\.example\.internal\/apps\/shop:1\.42\.0-[0-9a-f]{12}$/);
    expect(image.command).toEqual(['/opt/runtime/bin/java', '-jar', '/app/shop.jar']);
    expect(image.version).toBe('1.42.0');
    expect(image.annotations).toEqual({ 'cluster-estate.io/image-stack': 'registry.example.internal/stacks/ubuntu:22.04-20241001', 'cluster-estate.io/image-runtime': 'registry.example.internal/runtimes/openjdk:17.0.12' });
  });

  test('the same layers always give the same tag; any change gives another', () => {
    const base = { stack: 's:1', runtime: 'r:1', entrypoint: ['x'], version: '1.0.0' };
    expect(composedImageTag(base)).toBe(composedImageTag({ ...base }));
    for (const change of [{ stack: 's:2' }, { runtime: 'r:2' }, { entrypoint: ['y'] }, { version: '1.0.1' }]) {
      expect(composedImageTag({ ...base, ...change })).not.toBe(composedImageTag(base));
    }
    expect(AppImage.fromLayers({ ...base }).resolve('a').image).toBe(AppImage.fromAppYaml('stack: s:1\nruntime: r:1\nentrypoint: [x]\nversion: 1.0.0\n').resolve('a').image);
  });

  test('the composed image in the Deployment: command and layer annotations on the pods', () => {
    const d = theObject(shopObjects(() => ({ image: AppImage.fromAppYaml(APP_YAML) })), 'Deployment', 'shop') as Json;
    expect(podSpecOf(d).containers[0]).toMatchObject({ image: expect.stringMatching(/^registry\.estate\.internal\/apps\/shop:1\.42\.0-/), command: ['/opt/runtime/bin/java', '-jar', '/app/shop.jar'] });
    expect(d.spec.template.metadata.annotations['cluster-estate.io/image-runtime']).toBe('registry.example.internal/runtimes/openjdk:17.0.12');
  });

  test('problems in app.yaml and in the layers are collected, not thrown', () => {
    const collect = (image: AppImage) => {
      const p = new ProblemCollector();
      image.collectProblems('e/app', 'the image', p);
      return p.problems.map((x) => x.message);
    };
    expect(collect(AppImage.fromAppYaml('stack: [unclosed'))).toEqual([expect.stringMatching(/^app.yaml is not YAML/)]);
    expect(collect(AppImage.fromAppYaml('- a list'))).toEqual(['app.yaml must be a mapping of stack, runtime, entrypoint, version']);
    expect(collect(AppImage.fromAppYaml('stack: s:1\nruntime: r:1\nversion: 1\nentrypoint: x\nbase: y\n', { source: 'shop/app.yaml' }))).toEqual([
      'shop/app.yaml has an unknown key "base"', 'shop/app.yaml needs "entrypoint" as a list of strings', 'shop/app.yaml needs "version" as a string',
    ]);
    expect(collect(AppImage.fromLayers({ stack: 's', runtime: 'r:latest', entrypoint: [], version: 'latest' })).sort()).toEqual([
      'the image: the entrypoint must be a non-empty list of non-empty strings',
      'the image: the runtime layer uses the "latest" tag, which moves',
      'the image: the stack layer has no tag: it would pull whatever "latest" is at the time',
      'the image: version must be a release such as 1.42.0 (letters, digits, ".", "_", "-"; not "latest")',
    ]);
  });
});
