import * as path from 'path';
import { ManifestInputError, parseManifests, readManifestFile } from '../../../policies/api';

const FIXTURES = path.resolve(__dirname, '../../fixtures/yaml');

function failure(fn: () => unknown): ManifestInputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ManifestInputError) return e;
    throw e;
  }
  throw new Error('expected a ManifestInputError');
}

describe('reading Kubernetes YAML', () => {
  test('each object of a multi-document file carries the line it starts at', () => {
    const objects = readManifestFile(path.join(FIXTURES, 'compliant-app.yaml'), 'compliant-app.yaml');
    expect(objects.map((o) => [o.object.kind, o.source.line])).toEqual([['Deployment', 2], ['HorizontalPodAutoscaler', 80], ['PodDisruptionBudget', 93], ['Service', 104],
      ['NetworkPolicy', 118], ['NetworkPolicy', 127], ['ResourceQuota', 149], ['Role', 162], ['RoleBinding', 175],
    ]);
    expect(objects[0].source.file).toBe('compliant-app.yaml');
  });

  test('empty documents are skipped and List items unpacked', () => {
    const text = '---\n---\napiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: a}\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: b}\n';
    expect(parseManifests(text, 'list.yaml').map((o) => [o.object.metadata.name, o.source.line])).toEqual([['a', 3], ['b', 3]]);
  });

  test('malformed YAML names the file and the line', () => {
    const e = failure(() => readManifestFile(path.join(FIXTURES, 'malformed.yaml'), 'malformed.yaml'));
    expect(e.file).toBe('malformed.yaml');
    expect(e.line).toBe(14);
    expect(e.message).toMatch(/^malformed.yaml:14: malformed YAML: /);
  });

  test('a document that is not a Kubernetes object names the file and the line it starts at', () => {
    const e = failure(() => readManifestFile(path.join(FIXTURES, 'not-kubernetes.yaml'), 'not-kubernetes.yaml'));
    expect(e.message).toBe('not-kubernetes.yaml:7: not a Kubernetes object: apiVersion and kind missing');
  });

  test.each([
    ['- a\n- b\n', 'x.yaml:1: expected a Kubernetes object (a mapping with apiVersion, kind and metadata), got a list'],
    ['apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n', 'x.yaml:1: ConfigMap has no metadata.name'],
  ])('%p is refused', (text, message) => {
    expect(failure(() => parseManifests(text, 'x.yaml')).message).toBe(message);
  });

  test('generateName stands in for the name; a missing file is refused', () => {
    expect(parseManifests('apiVersion: batch/v1\nkind: Job\nmetadata: {generateName: migrate-}\n', 'x.yaml')[0].object.metadata.name).toBe('migrate-');
    expect(failure(() => readManifestFile(path.join(FIXTURES, 'missing.yaml'), 'missing.yaml')).message).toBe('missing.yaml: no such file');
  });
});
