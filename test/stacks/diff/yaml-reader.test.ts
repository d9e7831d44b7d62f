import * as fc from 'fast-check';
import * as yaml from 'js-yaml';
import { objectToYaml, synthesisFiles } from '../../../constructs/internal';
import { fileObjects, splitDocuments } from '../../../stacks/diff';
import { WriterYamlReader } from '../../../stacks/diff/yaml-reader';
import { EstateInputError } from '../../../stacks/estates';
import { REFERENCE_TIMES, referenceSynthesis } from '../../helpers/reference';

/**
 * The diff's fast reader of the writer's YAML (stacks/diff/yaml-reader.ts) against js-yaml, which it replaces on the
 * hot path: the same values on every synthesized document of the reference estate and on random documents the writer
 * wrote, and on anything else either the same value or "not mine" (then js-yaml reads it, errors included).
 */
const CORE = { schema: yaml.CORE_SCHEMA };

function jsYaml(doc: string): unknown {
  return yaml.load(doc, CORE);
}

describe('the fast reader reads what js-yaml reads', () => {
  test.each(Object.entries(REFERENCE_TIMES))('every document of every file of the reference estate, %s', (_, asOf) => {
    const reader = new WriterYamlReader();
    let fast = 0;
    let docs = 0;
    for (const file of synthesisFiles(referenceSynthesis(asOf))) {
      if (!file.path.endsWith('.yaml')) continue;
      for (const doc of splitDocuments(file.text)) {
        docs++;
        const value = reader.read(doc);
        if (value === undefined) {
          // Only documents with a block scalar the reader leaves to js-yaml (`|+`, an indentation indicator).
          expect(doc).toMatch(/[:-] [|>]([0-9][-+]?|[-+]?[0-9]|\+)\n/);
          continue;
        }
        fast++;
        expect(value).toStrictEqual(jsYaml(doc));
      }
      expect(fileObjects({ path: file.path, text: file.text })).toStrictEqual(yaml.loadAll(file.text, undefined, CORE));
    }
    expect(docs).toBeGreaterThan(100);
    expect(fast / docs).toBeGreaterThan(0.99);
  });

  const tricky = fc.constantFrom(
    '', ' ', 'true', 'True', 'FALSE', 'yes', 'no', 'on', 'y', 'null', '~', 'Null', 'NULL', '0', '-1', '+1', '1.5', '1e3', '0x1F', '0o17', '0b101',
    '1_000', '.inf', '-.inf', '.nan', '12:30:45', '2026-11-11', '2026-11-11T00:00:00Z', '- item', '? key', ': value', 'a: b', 'a:b', 'a #b', '#comment',
    '@at', '`tick', '|pipe', '>fold', '!tag', '&anchor', '*alias', '%percent', '[flow]', '{flow}', '[]', '{}', 'a, b', '"quoted"', "'single'",
    ' leading', 'trailing ', 'tab\there', 'ünïcödé', '日本語', 'emoji 🚀', '\u0007bell', 'line\nbreak', '\n', 'x'.repeat(1100), '---', '...', '--- a',
    'registry.example.internal:5000/app@sha256:abc', 'cluster-estate.io/serving', '10%', '*', '<<', '=', '-', '?', ':', ',', '__proto__', 'a\\"b',
  );
  const text = fc.oneof(tricky, fc.string(), fc.string({ unit: 'grapheme' }));
  const leaf = fc.oneof(text, fc.integer(), fc.double({ noNaN: false }), fc.boolean(), fc.constant(null), fc.constant(-0), fc.constant(1e21));
  const { tree } = fc.letrec((tie) => ({
    tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('list'), tie('map')),
    list: fc.array(tie('tree'), { maxLength: 4 }),
    map: fc.dictionary(text, tie('tree'), { maxKeys: 5 }),
  }));

  test('random documents the writer wrote', () => {
    const reader = new WriterYamlReader();
    let fast = 0;
    fc.assert(fc.property(fc.dictionary(text, tree, { minKeys: 1, maxKeys: 6 }), (doc) => {
      const written = objectToYaml(doc as never);
      const value = reader.read(written);
      if (value !== undefined) {
        fast++;
        expect(value).toStrictEqual(jsYaml(written));
      }
    }), { numRuns: 3000 });
    // Most random documents have no multi-line string: the fast path must be taken, or this test proves nothing.
    expect(fast).toBeGreaterThan(1000);
  });

  test('random line-based YAML, writer-like or not: the same value, or left to js-yaml', () => {
    const line = fc.tuple(
      fc.oneof({ weight: 9, arbitrary: fc.constantFrom(0, 2, 4) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 6 }) }),
      fc.constantFrom('- ', 'key: ', 'k2: ', '"q k": ', "'s k': ", '- a: ', 'a:', '- b:', '', 'b: |', 'c: |-', '- |'),
      fc.oneof({ weight: 3, arbitrary: fc.constantFrom('', 'v', '1', 'x: y') }, { weight: 1, arbitrary: tricky }),
    );
    const reader = new WriterYamlReader();
    let fast = 0;
    fc.assert(fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), (lines) => {
      const doc = lines.map(([indent, lead, rest]) => (lead.endsWith('|') || lead.endsWith('|-') ? `${' '.repeat(indent)}${lead}` : `${' '.repeat(indent)}${lead}${rest}`)).join('\n');
      const value = reader.read(doc);
      if (value === undefined) return;
      fast++;
      expect(value).toStrictEqual(jsYaml(doc));
    }), { numRuns: 5000 });
    expect(fast).toBeGreaterThan(40);
  });

  test.each([
    ['block scalar keeping its final line breaks', 'a: |+\n  x\n\n'],
    ['block scalar with an indentation indicator', 'a: |2-\n   x\n'],
    ['folded block scalar', 'a: >\n  x\n  y\n'],
    ['block scalar with a line of spaces', 'a: |\n  x\n   \n  y\n'],
    ['flow mapping', 'a: {b: 1}\n'],
    ['anchor and alias', 'a: &x 1\nb: *x\n'],
    ['comment line', 'a: 1\n# note\nb: 2\n'],
    ['sequence not indented under its key', 'a:\n- 1\n- 2\n'],
    ['duplicate key', 'a: 1\na: 2\n'],
    ['multi-line plain scalar', 'a: one\n  two\n'],
    ['a scalar document', 'just text\n'],
    ['carriage returns', 'a: 1\r\nb: 2\r\n'],
  ])('%s is left to js-yaml', (_, doc) => {
    expect(new WriterYamlReader().read(doc)).toBeUndefined();
  });

  test('what the reader leaves to js-yaml is still read, and bad YAML still names the file', () => {
    const text = 'a: 1\n---\nb: |\n  x\n---\nc: {d: [1, 2]}\n';
    expect(fileObjects({ path: 'm/x.yaml', text })).toStrictEqual([{ a: 1 }, { b: 'x\n' }, { c: { d: [1, 2] } }]);
    const bad = () => fileObjects({ path: 'management/broken.yaml', text: 'a: 1\n---\nb: [unclosed\n' });
    expect(bad).toThrow(EstateInputError);
    expect(bad).toThrow(/management\/broken\.yaml is not valid YAML/);
    expect(() => fileObjects({ path: 'management/dup.yaml', text: 'a: 1\na: 2\n' })).toThrow(/duplicated mapping key/);
  });

  test.each([
    ['kept final line break', 'a: |\n  x\n  y\nb: 1\n', { a: 'x\ny\n', b: 1 }],
    ['stripped, with empty lines inside and after', 'a: |-\n  x\n\n\n    y\n\nb: 1\n', { a: 'x\n\n\n  y', b: 1 }],
    ['in a sequence item and in its mapping', 'l:\n  - |\n    one\n  - content: |-\n      two\n    path: /p\n', { l: ['one\n', { content: 'two', path: '/p' }] }],
    ['at the end of the document', 'a: |\n  x', { a: 'x\n' }],
  ])('literal block scalars: %s', (_, doc, expected) => {
    expect(new WriterYamlReader().read(doc)).toStrictEqual(expected);
    expect(jsYaml(doc)).toStrictEqual(expected);
  });

  test('quoted scalars and keys, single and double', () => {
    const doc = "permissions: '0600'\n'it''s': \"a \\\" b\"\nlist:\n  - 'x: y'\n";
    const value = new WriterYamlReader().read(doc);
    expect(value).toStrictEqual({ permissions: '0600', "it's": 'a " b', list: ['x: y'] });
    expect(value).toStrictEqual(jsYaml(doc));
  });

  test('scalars read without js-yaml (names, integers, plain quoted texts) mean what js-yaml says they mean', () => {
    const texts = [
      'nginx', 'Null', 'NULL', 'null', 'True', 'TRUE', 'true', 'False', 'false', 'e10', 'Inf', 'NaN', 'yes', 'a-b.c_d/e', 'v1.31.4',
      '5', '10000', '0', '0123', '1_000', '123456789012345', '1234567890123456', '1e3', '-1', '"a b #c"', '"x: y"', "'it is'", '"0600"', "'0600'",
      '""', "''", '"tab\\t"', '"caf\u00e9"', 'https://10.250.4.10:2379', 'a,b=c', 'a:', 'a:b', '10.250.4.0/27', '1/2', '1.5/x', '12:30', '0x1F/2',
      'dc002-a,dc002-b', 'region=r1,idc=dc1', 'http://x:', 'x:y:z',
    ];
    const reader = new WriterYamlReader();
    for (const t of texts) {
      for (const doc of [`k: ${t}\n`, `${t}: v\n`, `- ${t}\n`]) {
        const value = reader.read(doc);
        if (value !== undefined) expect([t, value]).toStrictEqual([t, jsYaml(doc)]);
      }
    }
    expect(reader.read('a: 10000\nb: Null\nc: e10\nd: "0600"\n')).toStrictEqual({ a: 10000, b: null, c: 'e10', d: '0600' });
  });

  test('keys are stored as js-yaml stores them', () => {
    const doc = '0x10: a\nnull: b\n"quoted: key": c\n1.50: d\n';
    expect(new WriterYamlReader().read(doc)).toStrictEqual(jsYaml(doc));
    expect(Object.keys(new WriterYamlReader().read(doc) as object)).toEqual(['16', 'null', 'quoted: key', '1.5']);
  });
});

describe('reading part of a document, or two versions of one object together', () => {
  const asOf = Object.values(REFERENCE_TIMES)[0];
  const documents = (): string[] => synthesisFiles(referenceSynthesis(asOf))
    .filter((f) => f.path.endsWith('.yaml'))
    .flatMap((f) => splitDocuments(f.text));

  test('identity and header of every reference document are those js-yaml reads', () => {
    const reader = new WriterYamlReader();
    let identities = 0;
    let headers = 0;
    for (const doc of documents()) {
      const value = jsYaml(doc) as { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };
      const identity = reader.readIdentity(doc);
      if (identity) {
        identities++;
        const expected = { apiVersion: value.apiVersion, kind: value.kind, name: value.metadata.name };
        expect(identity).toStrictEqual(value.metadata.namespace === undefined ? expected : { ...expected, namespace: value.metadata.namespace });
      }
      const header = reader.readHeader(doc);
      if (header) {
        headers++;
        expect(header).toStrictEqual({ apiVersion: value.apiVersion, kind: value.kind, metadata: value.metadata });
      }
    }
    expect(identities).toBeGreaterThan(100);
    expect(headers).toBeGreaterThan(100);
  });

  test.each([
    ['no metadata name', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels:\n    a: b\n'],
    ['a name that is not a string', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 12\n'],
    ['metadata in flow style', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n'],
    ['a duplicate kind', 'apiVersion: v1\nkind: ConfigMap\nkind: Secret\nmetadata:\n  name: x\n'],
    ['carriage returns', 'apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: x\r\n'],
  ])('a document with %s has no identity read from its lines', (_, doc) => {
    expect(new WriterYamlReader().readIdentity(doc)).toBeUndefined();
  });

  test('a header skips the body but not a badly indented or duplicate top-level key', () => {
    const reader = new WriterYamlReader();
    const doc = 'apiVersion: v1\ndata:\n  a: "1"\nkind: ConfigMap\nmetadata:\n  labels:\n    x: "y"\n  name: c\nspec:\n  b: [odd\n';
    expect(reader.readHeader(doc)).toStrictEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { labels: { x: 'y' }, name: 'c' } });
    expect(reader.readHeader('apiVersion: v1\nkind: A\nmetadata:\n  name: c\nkind: B\n')).toBeUndefined();
    expect(reader.readHeader('apiVersion: v1\nkind: A\nmetadata:\n  name: c\nspec:\n# comment\n')).toBeUndefined();
  });

  test.each([
    ['an empty line', 'spec:\n  a: 1\n\n  b: 2\n', false],
    ['a line of spaces', 'spec:\n  a: 1\n   \n  b: 2\n', false],
    ['a line of spaces at the end', 'spec:\n  a: 1\n  ', false],
    ['an indented comment', 'spec:\n  a: 1\n  # note\n', false],
    ['a tab in the indentation', 'spec:\n  a: 1\n \tb: 2\n', false],
    ['a tab at the start of a line', 'spec:\n  a: 1\n\tb: 2\n', false],
    ['a final line break', 'spec:\n  a: 1\n\n', true],
    ['no final line break', 'spec:\n  a: 1', true],
    ['a scalar body', 'spec: 1\nstatus:\n  x: |\n    text\n', true],
    ['a field after the body', 'spec:\n  a: 1\nzeta: z\n', true],
  ])('a header skips a body with %s as reading it line by line would', (_, body, readable) => {
    const doc = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n${body}`;
    const header = new WriterYamlReader().readHeader(doc);
    expect(header).toStrictEqual(readable ? { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } } : undefined);
    // Whatever the reader leaves to js-yaml reads there (or fails there) as a whole document.
    if (readable) expect((jsYaml(doc) as { metadata: unknown }).metadata).toStrictEqual({ name: 'c' });
  });

  test('a pair read together has the values each has alone, sharing the blocks whose text is the same', () => {
    const reader = new WriterYamlReader();
    const docs = documents();
    let shared = 0;
    for (const doc of docs) {
      const changed = doc.replace(/^( +)replicas: (\d+)$/m, (_, indent: string, n: string) => `${indent}replicas: ${Number(n) + 1}`);
      const [a, b] = reader.readPair(doc, changed);
      expect(a).toStrictEqual(jsYaml(doc));
      expect(b).toStrictEqual(jsYaml(changed));
      const va = a as { metadata?: unknown } | undefined;
      const vb = b as { metadata?: unknown } | undefined;
      if (va?.metadata !== undefined && va.metadata === vb?.metadata) shared++;
    }
    // Unrelated documents paired: the values are still each document's own.
    for (let i = 1; i < docs.length; i += 7) {
      const [a, b] = reader.readPair(docs[i - 1], docs[i]);
      expect(a).toStrictEqual(jsYaml(docs[i - 1]));
      expect(b).toStrictEqual(jsYaml(docs[i]));
    }
    expect(shared).toBeGreaterThan(100);
  });

  test('a block equal in text but ending differently is not taken from the first document', () => {
    const reader = new WriterYamlReader();
    const first = 'a:\n  b: 1\nc: 2\n';
    const second = 'a:\n  b: 1\n  d: 3\nc: 2\n';
    const [x, y] = reader.readPair(first, second);
    expect(x).toStrictEqual({ a: { b: 1 }, c: 2 });
    expect(y).toStrictEqual({ a: { b: 1, d: 3 }, c: 2 });
    const [, z] = reader.readPair('a:\n  b: 1\n', 'a:\n  b: 1\n  e: 4');
    expect(z).toStrictEqual({ a: { b: 1, e: 4 } });
  });
});

describe('one reader for a process', () => {
  const docs = synthesisFiles(referenceSynthesis(REFERENCE_TIMES.peak))
    .filter((f) => f.path.endsWith('.yaml'))
    .flatMap((f) => splitDocuments(f.text));

  test('remembers at most as many scalars as it is told, and reads the same after it forgets', () => {
    const reader = new WriterYamlReader({ maxRememberedScalars: 50 });
    let most = 0;
    for (const doc of docs.slice(0, 200)) {
      const value = reader.read(doc);
      if (value !== undefined) expect(value).toStrictEqual(jsYaml(doc));
      most = Math.max(most, reader.rememberedScalars);
    }
    expect(most).toBe(50);
    reader.forget();
    expect(reader.rememberedScalars).toBe(0);
    expect(reader.read(docs[0])).toStrictEqual(jsYaml(docs[0]));
  });

  test('its one line cursor leaves nothing behind from the document read before, whatever ended that read', () => {
    const reader = new WriterYamlReader();
    // A read that stops half-way (not the writer's YAML), a header, an identity and a pair, then whole documents.
    expect(reader.read('a:\n  b: 1\n\n  c: 2\n')).toBeUndefined();
    expect(reader.readHeader(docs[1])).toBeDefined();
    reader.readPair(docs[2], docs[3]);
    for (const doc of docs.slice(0, 40)) expect(reader.read(doc)).toStrictEqual(jsYaml(doc));
  });
});
