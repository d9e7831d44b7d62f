/**
 * The management target on a real kube-apiserver (with etcd; no controllers): the Cluster API, Metal3 and AWS CRDs
 * from ../shared/crds, then every object the reference estate synthesizes for `management`, at a dormant and at a
 * peak as-of, by server-side apply with fieldValidation=Strict. The server runs the CRDs' structural schemas, their
 * CEL rules and strict unknown-field checks. Each object is read back and compared with what was applied: the only
 * differences allowed are the ones listed in expected/management-server-defaults.txt (server defaulting).
 */
import { MANAGEMENT_TARGET } from '../../../constructs';
import { REFERENCE_TIMES, referenceSynthesis } from '../../helpers/reference';
import { describeWithBuiltEngines } from '../engines-env';
import { expectedLines } from './expected';
import { applyAll, describeObject, describeWithCrds, differenceLines, unexpectedDifferences } from './estate-on-server';
import { KubeError, ObjectRef } from './kube-client';
import { useControlPlane } from './lifecycle';

const AS_OF = { dormant: REFERENCE_TIMES.dormantBefore, peak: REFERENCE_TIMES.peak } as const;

function managementObjects(asOf: Date): ObjectRef[] {
  const target = referenceSynthesis(asOf).targets.find((t) => t.name === MANAGEMENT_TARGET);
  if (!target) throw new Error('the reference estate has no management target');
  return JSON.parse(JSON.stringify(target.objects)) as ObjectRef[];
}

describeWithBuiltEngines('management target on a real kube-apiserver', ['ETCD_BIN', 'KUBE_APISERVER_BIN'] as const, (bins) => {
  describeWithCrds('Cluster API, Metal3 and AWS objects', () => {
    const plane = useControlPlane({ bins, setupTimeoutMs: 240_000 });

    beforeAll(() => {
      // eslint-disable-next-line no-console
      console.log(`control plane up in ${JSON.stringify(plane.cp.startSeconds)} s; ${plane.crdCount} CRDs established; ${plane.setupSeconds.toFixed(1)} s in all`);
    });

    it('installs the CRDs of the three providers', () => {
      expect(plane.crdCount).toBeGreaterThanOrEqual(15);
    });

    for (const [label, asOf] of Object.entries(AS_OF)) {
      it(`accepts every management object at ${label} (${asOf.toISOString()}), strict, and only defaults them`, async () => {
        const objects = managementObjects(asOf);
        const t0 = Date.now();
        const outcomes = await applyAll(plane.cp.client, objects);
        const applySeconds = (Date.now() - t0) / 1000;
        expect(outcomes.filter((o) => o.error).map((o) => `${describeObject(o.object)}: ${o.error}`)).toEqual([]);
        // Warnings, one line per kind and message: the only ones are the deprecation of Metal3's v1beta1 kinds
        // (v1beta2 is the storage version of the CRDs in ../shared; see README, "Proving it on real engines").
        const warnings = [...new Set(outcomes.flatMap((o) => o.warnings.map((w) => `${o.object.kind}: ${w}`)))].sort();
        expect(warnings).toEqual(expectedLines('management-warnings', warnings));

        const pairs = [];
        for (const object of objects) pairs.push({ object, got: await plane.cp.client.get(object) });
        const lines = differenceLines(pairs);
        // eslint-disable-next-line no-console
        console.log(`${label}: ${objects.length} objects accepted in ${applySeconds.toFixed(1)} s; ${lines.length} kinds of server-side difference:\n${lines.join('\n')}`);
        expect(unexpectedDifferences(pairs)).toEqual([]);
        expect(lines).toEqual(expectedLines(`management-server-defaults-${label}`, lines));
      }, 300_000);
    }

    it('enforces what the estate relies on: strict unknown fields and the CRDs\' CEL rules', async () => {
      const mhc = managementObjects(AS_OF.peak).find((o) => o.kind === 'MachineHealthCheck') as any;
      // A field the schema does not declare (v1beta1's name for what v1beta2 calls checks.nodeStartupTimeoutSeconds).
      const typo = { ...mhc, spec: { ...mhc.spec, nodeStartupTimeout: '10m' } };
      await expect(plane.cp.client.apply(typo)).rejects.toThrow(/\.spec\.nodeStartupTimeout: field not declared in schema|unknown field "spec\.nodeStartupTimeout"/);
      // The same through a create (POST), where strict validation answers with its own message.
      const fresh = { ...typo, metadata: { name: 'typo-check', namespace: mhc.metadata.namespace } };
      await expect(plane.cp.client.create(fresh)).rejects.toThrow(/unknown field "spec\.nodeStartupTimeout"/);
      // CEL (v1beta2 MachineHealthCheck): an unhealthy machine condition may not be one of Cluster API's own.
      const cel = { ...mhc, spec: { ...mhc.spec, checks: { ...mhc.spec.checks, unhealthyMachineConditions: [{ type: 'Ready', status: 'False', timeoutSeconds: 300 }] } } };
      const refused = await plane.cp.client.apply(cel).then(() => undefined, (e: KubeError) => e);
      expect(refused).toBeInstanceOf(KubeError);
      expect(refused?.status).toBe(422);
      expect(refused?.message).toMatch(/unhealthyMachineConditions\[0\]\.type/);
    }, 60_000);
  });
});
