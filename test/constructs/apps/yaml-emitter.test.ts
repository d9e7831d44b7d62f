import * as fc from 'fast-check';
import * as yaml from 'js-yaml';
import { KubeObject, objectToYaml, YamlEmitter } from '../../../constructs/internal';
import { REFERENCE_TIMES, referenceSynthesis } from '../../helpers/reference';

/**
 * The writer's one-pass YAML emitter (constructs/synth/writer.ts) against js-yaml's `dump` with the writer's options,
 * which it replaces on the hot path: byte for byte, on every synthesized object of the reference estate (the
 * management target's cloud-init documents included) and on random documents full of strings YAML could misread.
 */
const OPTIONS: yaml.DumpOptions = { lineWidth: -1, noRefs: true, quotingType: '"' };

describe('the writer\'s YAML emitter writes what js-yaml writes', () => {
  test.each(Object.entries(REFERENCE_TIMES))('every object of every target of the reference estate, %s', (_, asOf) => {
    const objects = referenceSynthesis(asOf).targets.flatMap((t) => t.objects);
    const emitter = new YamlEmitter();
    for (const o of objects) expect(emitter.document(o)).toBe(yaml.dump(o, OPTIONS));
    expect(objects.some((o) => objectToYaml(o).includes('|-\n') || objectToYaml(o).includes('|\n'))).toBe(true);
  });

  const tricky = fc.constantFrom(
    '', ' ', 'true', 'false', 'yes', 'no', 'on', 'off', 'y', 'n', 'null', '~', 'Null', 'NULL', '0', '-1', '1.5', '1e3', '0x1F', '0o17', '0b101',
    '1_000', '.inf', '-.inf', '.nan', '12:30:45', '2026-11-11', '2026-11-11T00:00:00Z', '- item', '? key', ': value', 'a: b', 'a #b', '#comment',
    '@at', '`tick', '|pipe', '>fold', '!tag', '&anchor', '*alias', '%percent', '[flow]', '{flow}', 'a, b', '"quoted"', "'single'", ' leading',
    'trailing ', 'tab\there', 'ünïcödé', '日本語', 'emoji 🚀', '\u0007bell', 'line\nbreak', 'two\n\nbreaks\n', '\n', ' \nindented', 'x'.repeat(1100),
    'registry.example.internal:5000/app@sha256:abc', 'cluster-estate.io/serving', '10%', '*', '<<', '=', '-', '?', ':', ',',
  );
  const text = fc.oneof(tricky, fc.string(), fc.string({ unit: 'grapheme' }));
  const leaf = fc.oneof(text, fc.integer(), fc.double({ noNaN: false }), fc.boolean(), fc.constant(null), fc.constant(-0), fc.constant(1e21));
  const { tree } = fc.letrec((tie) => ({
    tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('list'), tie('map')),
    list: fc.array(tie('tree'), { maxLength: 4 }),
    map: fc.dictionary(text, tie('tree'), { maxKeys: 5 }),
  }));

  test('0 and -0 in one document are written as js-yaml writes each (found by the random test)', () => {
    const doc = { a: 0, b: -0, c: [0, -0] };
    const emitter = new YamlEmitter();
    expect(emitter.document(doc)).toBe(yaml.dump(doc, OPTIONS));
    expect(emitter.document(doc)).toContain('b: -0.0');
  });

  test('random documents', () => {
    fc.assert(fc.property(fc.dictionary(text, tree, { minKeys: 1, maxKeys: 6 }), (doc) => {
      expect(new YamlEmitter().document(doc)).toBe(yaml.dump(doc, OPTIONS));
    }), { numRuns: 3000 });
  });

  test('shared references are written out in full, as with noRefs', () => {
    const shared = { a: 1, b: ['x'] };
    const doc = { one: shared, two: shared, list: [shared, shared] } as unknown as KubeObject;
    expect(objectToYaml(doc)).toBe(yaml.dump(doc, OPTIONS));
  });
});
