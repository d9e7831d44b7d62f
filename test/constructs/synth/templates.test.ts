/**
 * Content-named templates: every provider machine template and KubeadmConfigTemplate is named `<owner>-<hash of its
 * content>`, every ref points at a template of the same synthesis, a change to the machines gives new names and
 * repoints the owners, and a change to their number leaves every name as it was.
 */
import { JsonPatch } from 'cdk8s';
import {
  canonicalObject, contentName, Estate, KubeObject, LABEL_TEMPLATE_OWNER, LABEL_TEMPLATE_OWNER_KIND, MANAGEMENT_TARGET, nameTemplatesByContent,
  renderClusterManagementObjects, synthesisFiles, synthesize, TEMPLATE_HASH_LENGTH, templateContentHash, templateOwner, TemplateOwnerKind,
} from '../../../constructs/internal';
import { referenceEstate } from '../../../stacks/estates';
import { INSTANCE_TYPES } from '../../../stacks/estates/instance-types';
import { field, ofKind, templateRefsOf, theObject } from '../../helpers/objects';
import { REFERENCE_TIMES, referenceSynthesis } from '../../helpers/reference';
import {
  withControlPlaneInstance, withControlPlaneReplicas, withPoolBounds, withPoolInstance, withPoolLabel, withPoolReplicas,
} from '../../helpers/revisions';

const T = REFERENCE_TIMES.peak;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const managementOf = (estate: Estate, asOf: Date = T): KubeObject[] => synthesize(estate, { asOf, targets: [MANAGEMENT_TARGET] }).targets[0].objects;
const templatesOf = (objects: readonly KubeObject[]) => objects.filter((o) => templateOwner(o) !== undefined);
const templateNames = (objects: readonly KubeObject[]) => templatesOf(objects).map((o) => `${o.metadata.namespace}/${o.kind}/${o.metadata.name}`).sort();
const owners = (objects: readonly KubeObject[]) => objects.filter((o) => o.kind === 'MachineDeployment' || o.kind === 'KubeadmControlPlane');
/** An owner with its template refs blanked: what must stay equal when only the templates change. */
const withoutRefs = (o: KubeObject): unknown => {
  const copy = JSON.parse(JSON.stringify(o));
  for (const ref of templateRefsOf(o)) field<{ name: string }>(copy, ref.path).name = '<template>';
  return copy;
};

const BASE = managementOf(referenceEstate());

describe('templates of the reference estate are named after their content', () => {
  test.each(Object.entries(REFERENCE_TIMES))('%s: every template is <owner>-<hash>, and every ref of every cluster resolves to a template of the same synthesis', (_, asOf) => {
    const synthesis = referenceSynthesis(asOf);
    const objects = synthesis.targets.find((t) => t.name === MANAGEMENT_TARGET)!.objects;
    expect(synthesis.plan.clusters.length).toBeGreaterThan(0);
    for (const cluster of synthesis.plan.clusters) {
      const own = objects.filter((o) => o.metadata.namespace === cluster.name);
      const templates = templatesOf(own);
      const machineDeployments = ofKind(own, 'MachineDeployment');
      // One infrastructure and one bootstrap template per MachineDeployment, one machine template for the control plane.
      expect(templates).toHaveLength(2 * machineDeployments.length + 1);
      for (const t of templates) {
        const owner = templateOwner(t)!;
        expect(t.metadata.name).toBe(`${owner.name}-${templateContentHash(t)}`);
        expect(t.metadata.name).toMatch(DNS_SUBDOMAIN);
        expect(t.metadata.name).toMatch(new RegExp(`-[0-9a-f]{${TEMPLATE_HASH_LENGTH}}$`));
        // Its owner exists and references it: no template is left over.
        const ownerObject = theObject(own, owner.kind, owner.name, cluster.name);
        expect(templateRefsOf(ownerObject).filter((r) => r.kind === t.kind && r.name === t.metadata.name)).toHaveLength(1);
      }
      const refs = owners(own).flatMap((o) => templateRefsOf(o).map((ref) => ({ from: `${o.kind}/${o.metadata.name}`, ref })));
      expect(refs).toHaveLength(templates.length);
      for (const { from, ref } of refs) {
        const target = own.filter((o) => o.kind === ref.kind && o.metadata.name === ref.name && o.apiVersion.startsWith(`${ref.apiGroup}/`));
        expect({ from, ref: ref.name, found: target.length }).toEqual({ from, ref: ref.name, found: 1 });
        const owner = templateOwner(target[0])!;
        expect(`${owner.kind}/${owner.name}`).toBe(from);
      }
    }
  });

  test('the template-owner labels name the MachineDeployment or the control plane', () => {
    const objects = referenceSynthesis().targets.find((t) => t.name === MANAGEMENT_TARGET)!.objects;
    const md = theObject(objects, 'MachineDeployment', 'charging-sh1-gateway-sh1-a');
    const [infra, bootstrap] = templateRefsOf(md).map((r) => theObject(objects, r.kind, r.name, 'charging-sh1'));
    for (const t of [infra, bootstrap]) {
      expect(t.metadata.labels).toMatchObject({ [LABEL_TEMPLATE_OWNER]: 'charging-sh1-gateway-sh1-a', [LABEL_TEMPLATE_OWNER_KIND]: 'MachineDeployment' });
      expect(templateOwner(t)).toEqual({ kind: TemplateOwnerKind.MACHINE_DEPLOYMENT, namespace: 'charging-sh1', name: 'charging-sh1-gateway-sh1-a' });
    }
    const kcp = theObject(objects, 'KubeadmControlPlane', 'charging-sh1-control-plane');
    const cpTemplate = theObject(objects, 'Metal3MachineTemplate', templateRefsOf(kcp)[0].name, 'charging-sh1');
    expect(templateOwner(cpTemplate)).toEqual({ kind: TemplateOwnerKind.CONTROL_PLANE, namespace: 'charging-sh1', name: 'charging-sh1-control-plane' });
    // Owners themselves, and every other object, are not templates.
    for (const o of objects.filter((x) => !/MachineTemplate$|^KubeadmConfigTemplate$/.test(x.kind))) expect(templateOwner(o)).toBeUndefined();
  });

  test('moving as-of through the promotion scales the peak pools and renames no template', () => {
    const names = (asOf: Date) => templateNames(referenceSynthesis(asOf).targets.find((t) => t.name === MANAGEMENT_TARGET)!.objects);
    const preparing = referenceSynthesis(REFERENCE_TIMES.preparingFirstBatch).targets.find((t) => t.name === MANAGEMENT_TARGET)!.objects;
    const peak = referenceSynthesis(REFERENCE_TIMES.peak).targets.find((t) => t.name === MANAGEMENT_TARGET)!.objects;
    // The peak pools do change size between the two...
    const replicas = (objects: KubeObject[]) => ofKind(objects, 'MachineDeployment', 'peak-bj1').map((o) => field(o, 'spec.replicas'));
    expect(replicas(preparing)).not.toEqual(replicas(peak));
    // ...and keep every template.
    expect(names(REFERENCE_TIMES.preparingFirstBatch)).toEqual(names(REFERENCE_TIMES.peak));
    expect(names(REFERENCE_TIMES.drainingFirstBatch)).toEqual(names(REFERENCE_TIMES.peak));
  });

  test('two syntheses are byte-identical', () => {
    const files = () => synthesisFiles(synthesize(referenceEstate(), { asOf: T, targets: [MANAGEMENT_TARGET] }));
    expect(files()).toEqual(files());
  });
});

describe('a change to the machines gives new templates; a change to their number does not', () => {
  const ingress = ['hz1-a', 'hz1-b', 'hz1-c'].map((z) => `trade-hz1-ingress-${z}`);

  test('a new instance model for the ingress pool: new templates, the MachineDeployments repointed at them, nothing else renamed', () => {
    const head = managementOf(withPoolInstance('trade-hz1', 'ingress', { ...INSTANCE_TYPES.ingress, model: 'c7.8xlarge', vcpu: 32, memoryGiB: 64 }));
    for (const name of ingress) {
      const before = theObject(BASE, 'MachineDeployment', name, 'trade-hz1');
      const after = theObject(head, 'MachineDeployment', name, 'trade-hz1');
      const beforeRefs = templateRefsOf(before);
      const afterRefs = templateRefsOf(after);
      // Both templates change: the machine (host selector by model) and the kubelet's node labels (instance type).
      expect(afterRefs.map((r) => r.path)).toEqual(beforeRefs.map((r) => r.path));
      afterRefs.forEach((r, i) => {
        expect(r.name).not.toBe(beforeRefs[i].name);
        expect(r.name.startsWith(`${name}-`)).toBe(true);
        // The new template exists in the head, the old one only in the base.
        expect(theObject(head, r.kind, r.name, 'trade-hz1').metadata.name).toBe(r.name);
        expect(head.some((o) => o.kind === r.kind && o.metadata.name === beforeRefs[i].name)).toBe(false);
        expect(BASE.some((o) => o.kind === r.kind && o.metadata.name === r.name)).toBe(false);
      });
      const infra = theObject(head, afterRefs[0].kind, afterRefs[0].name, 'trade-hz1');
      expect(field(infra, 'spec.template.spec.hostSelector.matchLabels')).toMatchObject({ 'cluster-estate.io/machine-model': 'c7.8xlarge' });
      // The MachineDeployment changes only where it points.
      expect(withoutRefs(after)).toEqual(withoutRefs(before));
    }
    const others = (objects: KubeObject[]) => templateNames(objects).filter((n) => !ingress.some((md) => n.includes(`/${md}-`)));
    expect(others(head)).toEqual(others(BASE));
    expect(templateNames(head)).toHaveLength(templateNames(BASE).length);
  });

  test('a new instance model for the control plane: a new machine template and the KubeadmControlPlane repointed; pools untouched', () => {
    const head = managementOf(withControlPlaneInstance('trade-bj1', { model: 'm7.8xlarge', vcpu: 32, memoryGiB: 128 }));
    const before = theObject(BASE, 'KubeadmControlPlane', 'trade-bj1-control-plane');
    const after = theObject(head, 'KubeadmControlPlane', 'trade-bj1-control-plane');
    const [was, is] = [templateRefsOf(before)[0], templateRefsOf(after)[0]];
    expect(is.kind).toBe('AWSMachineTemplate');
    expect(is.name).not.toBe(was.name);
    expect(field(theObject(head, is.kind, is.name, 'trade-bj1'), 'spec.template.spec.instanceType')).toBe('m7.8xlarge');
    // The KubeadmControlPlane's own spec changes in its ref, and in the node label naming the machine model.
    const renamed = templateNames(head).filter((n) => !templateNames(BASE).includes(n));
    expect(renamed).toEqual([`trade-bj1/AWSMachineTemplate/${is.name}`]);
  });

  test('more machines in a fixed pool renames no template; the MachineDeployments change only in replicas', () => {
    const head = managementOf(withPoolReplicas('trade-hz1', 'middleware', 4));
    expect(templateNames(head)).toEqual(templateNames(BASE));
    const md = theObject(head, 'MachineDeployment', 'trade-hz1-middleware-hz1-a');
    expect(field(md, 'spec.replicas')).toBe(4);
    expect(templateRefsOf(md)).toEqual(templateRefsOf(theObject(BASE, 'MachineDeployment', 'trade-hz1-middleware-hz1-a')));
  });

  test('new autoscaler bounds rename no template', () => {
    const head = managementOf(withPoolBounds('trade-hz1', 'general', 4, 20));
    expect(templateNames(head)).toEqual(templateNames(BASE));
    expect(theObject(head, 'MachineDeployment', 'trade-hz1-general-hz1-a').metadata.annotations).toMatchObject({ 'cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size': '20' });
  });

  test('another number of API servers renames no template', () => {
    const head = managementOf(withControlPlaneReplicas('trade-hz1', 3));
    expect(field(theObject(head, 'KubeadmControlPlane', 'trade-hz1-control-plane'), 'spec.replicas')).toBe(3);
    expect(templateNames(head)).toEqual(templateNames(BASE));
  });

  test('a new node label changes the kubelet arguments: a new KubeadmConfigTemplate, the same machine template', () => {
    const head = managementOf(withPoolLabel('trade-hz1', 'ingress', 'cluster-estate.io/rack-tier', 'edge'));
    const renamed = templateNames(head).filter((n) => !templateNames(BASE).includes(n));
    expect(renamed.map((n) => n.split('/')[1])).toEqual(['KubeadmConfigTemplate', 'KubeadmConfigTemplate', 'KubeadmConfigTemplate']);
    for (const name of ingress) {
      const [infraBefore, bootstrapBefore] = templateRefsOf(theObject(BASE, 'MachineDeployment', name));
      const [infraAfter, bootstrapAfter] = templateRefsOf(theObject(head, 'MachineDeployment', name));
      expect(infraAfter.name).toBe(infraBefore.name);
      expect(bootstrapAfter.name).not.toBe(bootstrapBefore.name);
    }
  });

  test('a Kubernetes upgrade renames no template: the version is the owners\' own field, which Cluster API rolls on by itself', () => {
    const estate = referenceEstate();
    (estate.clusters.find((c) => c.name === 'trade-hz1') as { kubernetesVersion: string }).kubernetesVersion = 'v1.32.1';
    const head = managementOf(estate);
    expect(templateNames(head)).toEqual(templateNames(BASE));
    expect(field(theObject(head, 'KubeadmControlPlane', 'trade-hz1-control-plane'), 'spec.version')).toBe('v1.32.1');
    expect(field(theObject(head, 'MachineDeployment', 'trade-hz1-general-hz1-a'), 'spec.template.spec.version')).toBe('v1.32.1');
  });

  test('a patch names a template by its owner, and a patch that changes the machines gives a new name', () => {
    const estate = referenceEstate();
    estate.clusters.find((c) => c.name === 'trade-hz1')!.addObjectPatch({
      kind: 'Metal3MachineTemplate',
      name: 'trade-hz1-general-hz1-a',
      patches: [JsonPatch.replace('/spec/template/spec/image/url', 'https://images.estate.internal/ubuntu-24.04-k8s.qcow2')],
    });
    const head = managementOf(estate);
    const [was] = templateRefsOf(theObject(BASE, 'MachineDeployment', 'trade-hz1-general-hz1-a'));
    const [is] = templateRefsOf(theObject(head, 'MachineDeployment', 'trade-hz1-general-hz1-a'));
    expect(is.name).not.toBe(was.name);
    expect(field(theObject(head, is.kind, is.name, 'trade-hz1'), 'spec.template.spec.image.url')).toBe('https://images.estate.internal/ubuntu-24.04-k8s.qcow2');
    expect(templateNames(head).filter((n) => !templateNames(BASE).includes(n))).toEqual([`trade-hz1/Metal3MachineTemplate/${is.name}`]);
  });
});

describe('adopting content names without rolling machines whose templates did not change', () => {
  /** The management objects of an estate as synthesis wrote them before content naming: templates named after their owner, no owner labels. */
  const legacy = (estate: Estate): KubeObject[] => synthesize(estate, { asOf: T }).plan.clusters
    .flatMap((c) => renderClusterManagementObjects(c, 'reference'))
    .map((o) => {
      const labels = { ...(o.metadata.labels ?? {}) };
      delete labels[LABEL_TEMPLATE_OWNER];
      delete labels[LABEL_TEMPLATE_OWNER_KIND];
      return canonicalObject({ ...o, metadata: { ...o.metadata, labels } });
    });
  const rendered = (estate: Estate) => synthesize(estate, { asOf: T }).plan.clusters.flatMap((c) => renderClusterManagementObjects(c, 'reference').map((o) => canonicalObject(o)));

  test('against a base written before content naming, unchanged templates keep their old names and no ref moves', () => {
    const base = legacy(referenceEstate());
    const named = nameTemplatesByContent(rendered(referenceEstate()), { keepNamesFrom: base });
    expect(templatesOf(named).map((t) => t.metadata.name)).toEqual(templatesOf(named).map((t) => templateOwner(t)!.name));
    const sameObject = (o: KubeObject) => (b: KubeObject) =>
      b.kind === o.kind && b.metadata.name === o.metadata.name && b.metadata.namespace === o.metadata.namespace;
    for (const o of owners(named)) expect(templateRefsOf(o)).toEqual(templateRefsOf(base.find(sameObject(o))!));
  });

  test('a template that changed gets its content name; the others keep theirs', () => {
    const base = legacy(referenceEstate());
    const head = withPoolInstance('trade-hz1', 'ingress', { ...INSTANCE_TYPES.ingress, model: 'c7.8xlarge', vcpu: 32, memoryGiB: 64 });
    const named = nameTemplatesByContent(rendered(head), { keepNamesFrom: base });
    const moved = templatesOf(named).filter((t) => t.metadata.name !== templateOwner(t)!.name);
    expect(moved.map((t) => `${t.kind} ${templateOwner(t)!.name}`).sort()).toEqual(
      ['hz1-a', 'hz1-b', 'hz1-c'].flatMap((z) => [`KubeadmConfigTemplate trade-hz1-ingress-${z}`, `Metal3MachineTemplate trade-hz1-ingress-${z}`]).sort(),
    );
    for (const t of moved) expect(t.metadata.name).toBe(contentName(templateOwner(t)!.name, templateContentHash(t)));
  });

  test('against a content-named base, naming is the same as without one', () => {
    const head = withPoolInstance('trade-hz1', 'ingress', { ...INSTANCE_TYPES.ingress, model: 'c7.8xlarge', vcpu: 32, memoryGiB: 64 });
    expect(nameTemplatesByContent(rendered(head), { keepNamesFrom: BASE })).toEqual(nameTemplatesByContent(rendered(head)));
  });
});

describe('naming helpers', () => {
  const template = (spec: unknown, metadata: Partial<KubeObject['metadata']> = {}): KubeObject => ({
    apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2', kind: 'AWSMachineTemplate', metadata: { name: 'c-pool-a', namespace: 'c', ...metadata }, spec,
  });

  test('the hash covers the apiVersion and the spec, in any key order, and nothing of the metadata', () => {
    const spec = { template: { spec: { instanceType: 'm7.large', rootVolume: { size: 100 } } } };
    const hash = templateContentHash(template(spec));
    expect(hash).toMatch(new RegExp(`^[0-9a-f]{${TEMPLATE_HASH_LENGTH}}$`));
    expect(templateContentHash(template({ template: { spec: { rootVolume: { size: 100 }, instanceType: 'm7.large' } } }))).toBe(hash);
    expect(templateContentHash(template(spec, { name: 'other', labels: { 'cluster-estate.io/group': 'renamed' }, annotations: { note: 'x' } }))).toBe(hash);
    expect(templateContentHash(template({ template: { spec: { instanceType: 'm7.xlarge', rootVolume: { size: 100 } } } }))).not.toBe(hash);
    expect(templateContentHash({ ...template(spec), apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta3' })).not.toBe(hash);
  });

  test('a name too long for the suffix is cut deterministically and stays a DNS-1123 subdomain of at most 253 characters', () => {
    expect(contentName('trade-hz1-general-hz1-a', '0123456789')).toBe('trade-hz1-general-hz1-a-0123456789');
    const long = `${'a'.repeat(241)}-${'b'.repeat(20)}`;
    const name = contentName(long, '0123456789');
    expect(name).toHaveLength(252);
    expect(name).toBe(`${'a'.repeat(241)}-0123456789`);
    expect(name).toMatch(DNS_SUBDOMAIN);
    expect(contentName('x'.repeat(300), '0123456789')).toHaveLength(253);
    expect(contentName('x'.repeat(300), '0123456789')).toBe(contentName('x'.repeat(300), '0123456789'));
  });

  test('naming is idempotent and leaves objects without template-owner labels alone', () => {
    const objects = referenceSynthesis().targets.find((t) => t.name === MANAGEMENT_TARGET)!.objects;
    const again = nameTemplatesByContent(objects);
    expect(again).toEqual(objects);
    const plain = template({ template: { spec: {} } });
    expect(nameTemplatesByContent([plain])[0]).toBe(plain);
  });

  test('a template written before content naming (no owner labels) belongs to the object of its own name', () => {
    const worker = template({}, { name: 'c-pool-a', labels: { 'cluster-estate.io/machine-role': 'worker' } });
    expect(templateOwner(worker)).toEqual({ kind: TemplateOwnerKind.MACHINE_DEPLOYMENT, namespace: 'c', name: 'c-pool-a' });
    expect(templateOwner({ ...worker, apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta2', kind: 'KubeadmConfigTemplate' })).toMatchObject({ kind: TemplateOwnerKind.MACHINE_DEPLOYMENT, name: 'c-pool-a' });
    const cp = template({}, { name: 'c-control-plane', labels: { 'cluster-estate.io/machine-role': 'control-plane' } });
    expect(templateOwner(cp)).toEqual({ kind: TemplateOwnerKind.CONTROL_PLANE, namespace: 'c', name: 'c-control-plane' });
    expect(templateOwner(template({}, { labels: {} }))).toBeUndefined();
    expect(templateOwner({ ...worker, kind: 'MachineDeployment', apiVersion: 'cluster.x-k8s.io/v1beta2' })).toBeUndefined();
  });
});
