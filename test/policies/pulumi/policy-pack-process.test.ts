/**
 * The real pack, out of process, as the Pulumi CLI runs it for `pulumi preview --policy-pack policies`: the
 * analyzer host starts `node @pulumi/pulumi/cmd/run-policy-pack <engine> <pack dir>` in the pack's folder, reads the
 * port the pack's gRPC server prints, then calls GetAnalyzerInfo, Configure, Analyze and AnalyzeStack. This proves
 * policies/ (PulumiPolicy.yaml, package.json, the compiled index.js) is a working pack, configuration included.
 * It needs the compiled pack (npm test builds it first); without it the test skips, and fails when CI=true.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import * as analyzerproto from '@pulumi/pulumi/proto/analyzer_pb';
import * as analyzerrpc from '@pulumi/pulumi/proto/analyzer_grpc_pb';
import { broken, compliantDeployment, compliantDisruptionBudget } from '../fixtures/workloads';
import { defaultDenyPolicy, resourceQuota } from '../fixtures/tenancy';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const structproto = require(require.resolve('google-protobuf/google/protobuf/struct_pb', { paths: [path.dirname(require.resolve('@pulumi/pulumi/proto/analyzer_pb'))] })) as typeof import('google-protobuf/google/protobuf/struct_pb');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const emptyproto = require(require.resolve('google-protobuf/google/protobuf/empty_pb', { paths: [path.dirname(require.resolve('@pulumi/pulumi/proto/analyzer_pb'))] })) as typeof import('google-protobuf/google/protobuf/empty_pb');

const ROOT = path.resolve(__dirname, '../../..');
const PACK = path.join(ROOT, 'policies');
const COMPILED = path.join(ROOT, 'lib/policies/index.js');
const built = fs.existsSync(COMPILED);
if (!built) {
  const why = `the compiled pack ${path.relative(ROOT, COMPILED)} is missing: run npm run build (npm test does)`;
  if (process.env.CI === 'true') throw new Error(why);
  // eslint-disable-next-line no-console
  console.warn(`skipping the policy pack process test: ${why}`);
}

type Client = InstanceType<typeof analyzerrpc.AnalyzerClient>;

function unary<Req, Res>(client: Client, method: string, request: Req): Promise<Res> {
  return new Promise((resolve, reject) => {
    (client as unknown as Record<string, (r: Req, cb: (e: Error | null, res: Res) => void) => void>)[method](
      request,
      (e, res) => (e ? reject(e) : resolve(res)),
    );
  });
}

function resource(type: string, name: string, props: object): { type: string; name: string; urn: string; props: object } {
  return { type, name, urn: `urn:pulumi:test::cluster-estate::${type}::${name}`, props };
}

(built ? describe : describe.skip)('the policy pack as the Pulumi CLI runs it', () => {
  let child: ChildProcess;
  let client: Client;

  beforeAll(async () => {
    child = spawn(process.execPath, [require.resolve('@pulumi/pulumi/cmd/run-policy-pack'), '127.0.0.1:0', PACK], { cwd: PACK, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`the pack printed no port in 60 s; stderr: ${stderr}`)), 60_000);
      child.stdout!.on('data', (d) => {
        out += d;
        const match = /^(\d+)\s*$/m.exec(out);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      child.on('exit', (code) => reject(new Error(`the pack exited with ${code}: ${stderr}`)));
    });
    client = new analyzerrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  }, 90_000);

  afterAll(() => {
    client?.close();
    if (child && child.exitCode === null) child.kill();
  });

  test('GetAnalyzerInfo names the pack, its version and every policy', async () => {
    const info = await unary<InstanceType<typeof emptyproto.Empty>, analyzerproto.AnalyzerInfo>(client, 'getAnalyzerInfo', new emptyproto.Empty());
    expect(info.getName()).toBe('cluster-estate');
    expect(info.getVersion()).toBe('0.1.0');
    expect(info.getPoliciesList().length).toBe(48); // the 47 rules and the suppressions check
    expect(info.getSupportsconfig()).toBe(true);
  });

  test('Configure, then Analyze and AnalyzeStack report what the configured policies find', async () => {
    const configure = new analyzerproto.ConfigureAnalyzerRequest();
    const minReplicas = new analyzerproto.PolicyConfig();
    minReplicas.setEnforcementlevel(analyzerproto.EnforcementLevel.MANDATORY);
    minReplicas.setProperties(structproto.Struct.fromJavaScript({ minReplicas: 3 }));
    configure.getPolicyconfigMap().set('require-min-replicas', minReplicas);
    await unary(client, 'configure', configure);

    const deployment = broken(compliantDeployment(), (d) => {
      d.spec.replicas = 2;
      d.spec.template.spec.containers[0].securityContext.privileged = true;
    });
    const resources = [resource('kubernetes:apps/v1:Deployment', 'shop/checkout', deployment), resource('kubernetes:policy/v1:PodDisruptionBudget', 'shop/checkout', compliantDisruptionBudget()),
      resource('kubernetes:networking.k8s.io/v1:NetworkPolicy', 'shop/default-deny', defaultDenyPolicy()), resource('kubernetes:core/v1:ResourceQuota', 'shop/tenant-quota', resourceQuota())];
    const options = () => {
      const o = new analyzerproto.AnalyzerResourceOptions();
      o.setCustomtimeouts(new analyzerproto.AnalyzerResourceOptions.CustomTimeouts());
      return o;
    };

    const analyze = new analyzerproto.AnalyzeRequest();
    analyze.setType(resources[0].type);
    analyze.setName(resources[0].name);
    analyze.setUrn(resources[0].urn);
    analyze.setProperties(structproto.Struct.fromJavaScript(resources[0].props as Record<string, never>));
    analyze.setOptions(options());
    const analyzed = await unary<analyzerproto.AnalyzeRequest, analyzerproto.AnalyzeResponse>(client, 'analyze', analyze);
    expect(analyzed.getDiagnosticsList().map((d) => [d.getPolicyname(), d.getEnforcementlevel()])).toEqual([['forbid-privileged-containers', analyzerproto.EnforcementLevel.MANDATORY]]);

    const stack = new analyzerproto.AnalyzeStackRequest();
    stack.setResourcesList(resources.map((r) => {
      const a = new analyzerproto.AnalyzerResource();
      a.setType(r.type);
      a.setName(r.name);
      a.setUrn(r.urn);
      a.setProperties(structproto.Struct.fromJavaScript(r.props as Record<string, never>));
      a.setOptions(options());
      return a;
    }));
    const analyzedStack = await unary<analyzerproto.AnalyzeStackRequest, analyzerproto.AnalyzeResponse>(client, 'analyzeStack', stack);
    const diagnostics = analyzedStack.getDiagnosticsList();
    expect(diagnostics.map((d) => [d.getPolicyname(), d.getUrn()])).toEqual([['require-min-replicas', resources[0].urn]]);
    expect(diagnostics[0].getMessage()).toMatch(/Deployment shop\/checkout: 2 replica\(s\); at least 3 needed$/);
  });
});
