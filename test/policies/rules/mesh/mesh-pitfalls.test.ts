/**
 * The mesh rules as a set: each stays quiet on a sound hand-written mesh and on the reference estate, and each
 * fires on its own pitfall in a hand-written YAML file checked as `estate check FILE` checks it.
 */
import * as path from 'path';
import { Command, CommanderError } from 'commander';
import { configOf, estateContext, MESH_RULES, readManifestFile, runChecks, TargetView } from '../../../../policies/api';
import { referenceEstate } from '../../../../stacks/estates';
import { REFERENCE_TIMES, referenceSynthesis } from '../../../helpers/reference';
import { registerCheckCommand } from '../../../../stacks/cli/check-command';
import { compliantMesh } from '../../fixtures/mesh';

const PITFALLS = path.resolve(__dirname, '../../fixtures/mesh-pitfalls.yaml');

describe('the mesh rules', () => {
  test('describe themselves in one sentence of at most 160 characters', () => {
    for (const rule of MESH_RULES) {
      expect({ id: rule.id, length: rule.description.length <= 160, sentences: rule.description.split(/\.\s/).length }).toEqual({ id: rule.id, length: true, sentences: 1 });
    }
  });

  test('a sound hand-written mesh: every object of a kind a rule judges is compliant or not applicable, none violates', () => {
    const objects = compliantMesh();
    const target = new TargetView('files', objects);
    const compliant = new Set<string>();
    for (const rule of MESH_RULES) {
      for (const object of objects.filter((o) => rule.kinds.includes(o.kind))) {
        const verdict = rule.check({ object, target, config: configOf(rule, undefined) });
        expect({ rule: rule.id, object: object.metadata.name, verdict: verdict.kind === 'violations' ? verdict.messages : 'ok' }).toEqual({ rule: rule.id, object: object.metadata.name, verdict: 'ok' });
        if (verdict.kind === 'compliant') compliant.add(rule.id);
      }
    }
    // Each new rule is exercised, not merely skipped, on the sound mesh.
    for (const id of ['require-known-mesh-host', 'require-catch-all-route-last', 'forbid-conflicting-gateways', 'require-protocol-port-names', 'require-authorization-with-request-authentication', 'require-selected-workload-entries']) expect(compliant).toContain(id);
  });

  test.each(Object.entries(REFERENCE_TIMES))('the reference estate has no mesh finding %s, and its routes and ports are judged', (_phase, asOf) => {
    const synthesis = referenceSynthesis(asOf);
    const result = runChecks(synthesis.targets, { rules: MESH_RULES, context: estateContext(synthesis, referenceEstate()) });
    expect(result.findings).toEqual([]);
    const evaluated = synthesis.targets.flatMap((t) => {
      const view = new TargetView(t.name, t.objects);
      return MESH_RULES.flatMap((rule) => t.objects.filter((o) => rule.kinds.includes(o.kind)).map((object) => `${rule.id}:${rule.check({ object, target: view, config: configOf(rule, undefined) }).kind}`));
    });
    for (const id of ['require-known-mesh-host', 'require-catch-all-route-last', 'require-protocol-port-names']) expect(evaluated).toContain(`${id}:compliant`);
  });

  test('each pitfall in a hand-written YAML file breaks its own rule, and only on the object that has it', () => {
    const objects = readManifestFile(PITFALLS, 'mesh-pitfalls.yaml').map((m) => m.object);
    const result = runChecks([{ name: 'mesh-pitfalls.yaml', objects }], { rules: MESH_RULES });
    const byRule = new Map<string, Set<string>>();
    for (const f of result.findings) {
      const set = byRule.get(f.policy) ?? new Set<string>();
      set.add(`${f.object.kind}/${f.object.name}`);
      byRule.set(f.policy, set);
    }
    expect(Object.fromEntries([...byRule].map(([k, v]) => [k, [...v].sort()]))).toEqual({
      'forbid-probe-rewrite-off-under-strict': ['Deployment/checkout'],
      'require-protocol-port-names': ['Service/checkout'],
      'forbid-plaintext-to-strict-workloads': ['DestinationRule/checkout'],
      'require-catch-all-route-last': ['VirtualService/checkout'],
      'require-known-mesh-host': ['VirtualService/ledger-calls'],
      'forbid-conflicting-gateways': ['Gateway/public', 'Gateway/public-v2'],
      'require-authorization-with-request-authentication': ['RequestAuthentication/checkout-jwt'],
      'require-selected-workload-entries': ['WorkloadEntry/checkout-vm-1'],
    });
    expect(result.summary.pass).toBe(false);
  });

  test('estate check FILE on the same YAML exits 1 and names each pitfall with its file and line', async () => {
    let out = '';
    let code = 0;
    const io = { out: (t: string) => (out += `${t}\n`), err: (t: string) => (out += `${t}\n`), cwd: path.dirname(PITFALLS) };
    const program = new Command('estate').exitOverride();
    registerCheckCommand(program, io, (c) => (code = c));
    try {
      await program.parseAsync(['check', 'mesh-pitfalls.yaml', '--format', 'json'], { from: 'user' });
    } catch (e) {
      if (!(e instanceof CommanderError)) throw e;
      code = 2;
    }
    expect(code).toBe(1);
    const doc = JSON.parse(out) as { findings: {
      policy: string;
      object: { kind: string; name: string };
      source?: { file: string; line: number };
    }[] };
    const mesh = new Set(MESH_RULES.map((r) => r.id));
    const meshFindings = doc.findings.filter((f) => mesh.has(f.policy));
    expect(new Set(meshFindings.map((f) => f.policy)).size).toBe(8);
    const wl = meshFindings.find((f) => f.policy === 'require-selected-workload-entries')!;
    expect(wl.source).toEqual({ file: 'mesh-pitfalls.yaml', line: expect.any(Number) });
    expect(wl.source!.line).toBeGreaterThan(100);
  });
});
