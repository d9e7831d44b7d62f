/**
 * How the management stack rolls a pool onto new machines, as the engine would receive it: templates are named
 * after their content, so a new instance model registers new template resources and updates the MachineDeployments
 * to point at them. The MachineDeployments depend on their templates (the engine creates a new template before it
 * updates its owner), and the old templates are simply no longer registered: Pulumi deletes resources that left the
 * program at the end of the update, after every create and update, so no template goes while referenced. Nothing
 * may reorder that: no deleteBeforeReplace anywhere, templates neither protected nor retained.
 */
import { Estate, KubeObject, MANAGEMENT_TARGET, synthesize, templateOwner } from '../../../constructs/internal';
import { referenceEstate } from '../../../stacks/estates';
import { INSTANCE_TYPES } from '../../../stacks/estates/instance-types';
import { EstateStackOutputs, estateStack } from '../../../stacks/pulumi';
import { templateRefsOf } from '../../helpers/objects';
import { REFERENCE_TIMES } from '../../helpers/reference';
import { withPoolInstance } from '../../helpers/revisions';
import { managementSettings, testOptions } from './helpers/fixtures';
import { MockRun, RecordedResource, runMocked } from './helpers/mock-runtime';

const T = REFERENCE_TIMES.peak;
const INGRESS = ['hz1-a', 'hz1-b', 'hz1-c'].map((z) => `trade-hz1-ingress-${z}`);
const headEstate = (): Estate => withPoolInstance('trade-hz1', 'ingress', { ...INSTANCE_TYPES.ingress, model: 'c7.8xlarge', vcpu: 32, memoryGiB: 64 });

interface Side {
  readonly run: MockRun<EstateStackOutputs>;
  readonly objects: KubeObject[];
}

/** The management stack of an estate at T under mocks, and the objects its synthesis gives. */
async function side(estate: () => Estate): Promise<Side> {
  const options = testOptions([], { loadEstate: () => estate(), synthesize: (e, asOf) => synthesize(e, { asOf }) });
  const run = await runMocked(() => estateStack(managementSettings(T), options));
  const objects = synthesize(estate(), { asOf: T }).targets.find((t) => t.name === MANAGEMENT_TARGET)!.objects;
  return { run, objects };
}

let base: Side;
let head: Side;

beforeAll(async () => {
  base = await side(referenceEstate);
  head = await side(headEstate);
});

const nameOf = (o: Pick<KubeObject, 'kind' | 'metadata'>) => (o.metadata.namespace ? `${o.kind}/${o.metadata.namespace}/${o.metadata.name}` : `${o.kind}/${o.metadata.name}`);
function resourceOf(s: Side, o: Pick<KubeObject, 'kind' | 'metadata'>): RecordedResource {
  const found = s.run.resources.filter((r) => !r.read && r.type.startsWith('kubernetes:') && r.name === nameOf(o));
  if (found.length !== 1) throw new Error(`expected one resource ${nameOf(o)}, found ${found.length}`);
  return found[0];
}
const templateOf = (s: Side, owner: KubeObject, i: number) => {
  const ref = templateRefsOf(owner)[i];
  return s.objects.find((o) => o.kind === ref.kind && o.metadata.name === ref.name && o.metadata.namespace === owner.metadata.namespace)!;
};
const owned = (s: Side) => s.objects.filter((o) => o.kind === 'MachineDeployment' || o.kind === 'KubeadmControlPlane');

describe('the management stack rolls machines through new templates', () => {
  test('both runs succeed', () => {
    expect(base.run.error).toBeUndefined();
    expect(head.run.error).toBeUndefined();
  });

  test('every MachineDeployment and KubeadmControlPlane depends on each template it references; templates only on their namespace', () => {
    for (const s of [base, head]) {
      const namespaceUrn = (ns: string) => resourceOf(s, { kind: 'Namespace', metadata: { name: ns } } as KubeObject).urn;
      for (const owner of owned(s)) {
        const refs = templateRefsOf(owner);
        expect(refs).toHaveLength(owner.kind === 'MachineDeployment' ? 2 : 1);
        const templates = refs.map((_, i) => templateOf(s, owner, i));
        const dependencies = resourceOf(s, owner).dependencies;
        for (const t of templates) expect({
          owner: nameOf(owner),
          dependsOn: dependencies.includes(resourceOf(s, t).urn),
        }).toEqual({ owner: nameOf(owner), dependsOn: true });
        expect(dependencies).toEqual([namespaceUrn(owner.metadata.namespace!), ...templates.map((t) => resourceOf(s, t).urn)].sort());
        for (const t of templates) {
          expect(resourceOf(s, t).dependencies).toEqual([namespaceUrn(owner.metadata.namespace!)]);
          expect(templateOwner(t)).toMatchObject({ kind: owner.kind, name: owner.metadata.name });
        }
      }
    }
  });

  test('nothing reorders the rollout: no deleteBeforeReplace anywhere, templates neither protected nor retained', () => {
    for (const s of [base, head]) {
      expect(s.run.resources.filter((r) => r.deleteBeforeReplace).map((r) => r.name)).toEqual([]);
      const templates = s.objects.filter((o) => templateOwner(o) !== undefined);
      expect(templates.length).toBeGreaterThan(100);
      for (const t of templates) expect({
        template: nameOf(t),
        protect: resourceOf(s, t).protect,
        retainOnDelete: resourceOf(s, t).retainOnDelete,
      }).toEqual({ template: nameOf(t), protect: false, retainOnDelete: false });
    }
  });

  test('a new instance model: new template resources, the same MachineDeployment resources repointed, the old templates left for Pulumi to delete last', () => {
    const urns = (s: Side) => new Set(s.run.resources.map((r) => r.urn));
    const [baseUrns, headUrns] = [urns(base), urns(head)];
    for (const name of INGRESS) {
      const before = base.objects.find((o) => o.kind === 'MachineDeployment' && o.metadata.name === name)!;
      const after = head.objects.find((o) => o.kind === 'MachineDeployment' && o.metadata.name === name)!;
      // The MachineDeployment is the same resource (same URN): an update, not a replacement.
      expect(resourceOf(head, after).urn).toBe(resourceOf(base, before).urn);
      for (const i of [0, 1]) {
        const oldTemplate = resourceOf(base, templateOf(base, before, i));
        const newTemplate = resourceOf(head, templateOf(head, after, i));
        expect(newTemplate.urn).not.toBe(oldTemplate.urn);
        // Created by this update, before the owner moves to it...
        expect(baseUrns.has(newTemplate.urn)).toBe(false);
        expect(resourceOf(head, after).dependencies).toContain(newTemplate.urn);
        // ...while the old one leaves the program: deleted at the end of the update, once nothing points at it.
        expect(headUrns.has(oldTemplate.urn)).toBe(false);
        expect(resourceOf(head, after).dependencies).not.toContain(oldTemplate.urn);
      }
    }
    // Nothing else is renamed: every other template resource is the same in both runs.
    const templateUrns = (s: Side) => s.objects
      .filter((o) => templateOwner(o) !== undefined && !INGRESS.includes(templateOwner(o)!.name))
      .map((t) => resourceOf(s, t).urn)
      .sort();
    expect(templateUrns(head)).toEqual(templateUrns(base));
  });
});
