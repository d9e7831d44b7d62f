/**
 * Every export of the package's public entry points is documented, every property of a props or options interface
 * says what it is, and every optional one its `@default` (AWS CDK's rule). Numeric props carry their unit in their
 * name (`timeoutSeconds`, `memoryMiB`). `npm run docs` (TypeDoc, warnings are errors) checks the rest of the reference.
 */
import * as ts from 'typescript';
import { isInternal, locationOf, PublicExport, publicExports, publicProgram, summaryOf, tagsOf } from './public-api';

const { program, checker } = publicProgram();
const exported = publicExports(program, checker).filter((e) => !e.internal);

/** Interfaces whose properties are inputs a caller writes: constructor props and factory options. */
const isInputInterface = (e: PublicExport) => ts.isInterfaceDeclaration(e.declaration) && /(Props|Options)$/.test(e.name);

function inputProperties(): { owner: string; property: ts.PropertySignature; optional: boolean }[] {
  const seen = new Set<ts.Node>();
  const out: { owner: string; property: ts.PropertySignature; optional: boolean }[] = [];
  for (const e of exported.filter(isInputInterface)) {
    for (const member of (e.declaration as ts.InterfaceDeclaration).members) {
      if (!ts.isPropertySignature(member) || seen.has(member) || isInternal(member)) continue;
      seen.add(member);
      out.push({ owner: e.name, property: member, optional: member.questionToken !== undefined });
    }
  }
  return out;
}

describe('the public API documentation', () => {
  it('covers the entry points with a reasonable surface (a smoke check of the reader itself)', () => {
    const names = exported.map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['Estate', 'AppTemplate', 'synthesize', 'runChecks', 'referenceEstate']));
    expect(inputProperties().length).toBeGreaterThan(100);
  });

  it('documents every exported class, interface, function, enum, type and constant', () => {
    const missing = exported.filter((e) => summaryOf(e.declaration) === '').map((e) => `${e.entry} ${e.name} (${locationOf(e.declaration)})`);
    expect(missing).toEqual([]);
  });

  it('documents every property of every props and options interface', () => {
    const missing = inputProperties()
      .filter(({ property }) => summaryOf(property) === '' && !tagsOf(property).includes('default'))
      .map(({ owner, property }) => `${owner}.${property.name.getText()} (${locationOf(property)})`);
    expect(missing).toEqual([]);
  });

  it('states the @default of every optional prop', () => {
    const missing = inputProperties()
      .filter(({ optional, property }) => optional && !tagsOf(property).includes('default'))
      .map(({ owner, property }) => `${owner}.${property.name.getText()} (${locationOf(property)})`);
    expect(missing).toEqual([]);
  });

  it('puts the unit of a numeric duration, size or rate in the prop name', () => {
    const quantity = /(timeout|duration|period|interval|delay|deadline|age|size|memory|cpu|disk|bytes|latency|rtt|grace)/i;
    const unit = /(Seconds|Ms|Millis|MiB|GiB|Bytes|Days|Percent|Replicas|Count|PerZone|Members|Batches|Factor)$/;
    const wrong = inputProperties()
      .filter(({ property }) => {
        const type = checker.getTypeAtLocation(property);
        const numeric = (checker.getNonNullableType(type).flags & ts.TypeFlags.NumberLike) !== 0;
        const name = property.name.getText();
        return numeric && quantity.test(name) && !unit.test(name);
      })
      .map(({ owner, property }) => `${owner}.${property.name.getText()} (${locationOf(property)})`);
    expect(wrong).toEqual([]);
  });
});
