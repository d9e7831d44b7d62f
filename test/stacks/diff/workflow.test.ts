/**
 * .github/workflows/preview.yml: valid YAML, the steps the preview needs, and only inputs the actions accept
 * (pulumi/actions v6 inputs as listed in its README; actions/github-script, checkout, setup-node, upload-artifact).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { commentMarker } from '../../../stacks/diff';

const WORKFLOW = path.resolve(__dirname, '../../../.github/workflows/preview.yml');

interface Step { name?: string; uses?: string; run?: string; if?: string; id?: string; with?: Record<string, unknown>; env?: Record<string, string> }
interface Job { 'runs-on': string; steps: Step[]; needs?: string | string[]; if?: string; strategy?: { matrix: Record<string, unknown> }; outputs?: Record<string, string>; env?: Record<string, string> }
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
  env?: Record<string, string>;
}

/** Inputs each action accepts; `required` ones must be given. */
const ACTION_INPUTS: Record<string, { accepted: string[]; required: string[] }> = {
  'pulumi/actions': {
    accepted: [
      'command', 'stack-name', 'work-dir', 'cloud-url', 'comment-on-pr', 'comment-on-pr-number', 'comment-on-summary', 'edit-pr-comment', 'github-token',
      'refresh', 'secrets-provider', 'color', 'log-verbosity', 'log-flow', 'debug', 'config-map', 'diff', 'expect-no-changes', 'message', 'parallel',
      'policyPacks', 'policyPackConfigs', 'pulumi-version', 'pulumi-version-file', 'remove', 'replace', 'target', 'target-dependents', 'upsert',
      'exclude-protected', 'suppress-outputs', 'suppress-progress', 'omit-stdout', 'plan', 'always-include-summary', 'continue-on-error',
    ],
    required: ['command', 'stack-name'],
  },
  'actions/github-script': { accepted: ['script', 'github-token', 'debug', 'user-agent', 'previews', 'result-encoding', 'retries', 'retry-exempt-status-codes'], required: ['script'] },
  'actions/checkout': { accepted: ['fetch-depth', 'ref', 'repository', 'token', 'path', 'persist-credentials', 'submodules', 'lfs', 'clean', 'sparse-checkout'], required: [] },
  'actions/setup-node': { accepted: ['node-version', 'node-version-file', 'cache', 'cache-dependency-path', 'registry-url', 'check-latest'], required: [] },
  'actions/upload-artifact': { accepted: ['name', 'path', 'if-no-files-found', 'retention-days', 'compression-level', 'overwrite', 'include-hidden-files'], required: ['path'] },
};

describe('the preview workflow', () => {
  const workflow = yaml.load(fs.readFileSync(WORKFLOW, 'utf8')) as Workflow;
  const steps = (job: string) => workflow.jobs[job].steps;
  const action = (step: Step) => step.uses?.split('@')[0];

  test('runs on pull requests, may write PR comments and read code, one run per PR at a time', () => {
    expect(Object.keys(workflow.on)).toEqual(['pull_request']);
    expect(workflow.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    expect(Object.keys(workflow.jobs).sort()).toEqual(['estate-diff', 'pulumi-preview', 'stacks']);
  });

  test('every action is pinned to a major version and given only inputs it accepts, required ones included', () => {
    for (const [name, job] of Object.entries(workflow.jobs)) {
      for (const step of job.steps) {
        if (!step.uses) {
          expect(step.run).toBeTruthy();
          continue;
        }
        expect(step.uses).toMatch(/^[\w-]+\/[\w-]+@v\d+$/);
        const spec = ACTION_INPUTS[action(step)!];
        expect({ job: name, action: step.uses, known: spec !== undefined }).toEqual({ job: name, action: step.uses, known: true });
        const given = Object.keys(step.with ?? {});
        expect(given.filter((k) => !spec.accepted.includes(k))).toEqual([]);
        expect(spec.required.filter((k) => !given.includes(k))).toEqual([]);
      }
    }
  });

  test('estate diff: full history, install, diff against the PR base, then one sticky comment found by the marker', () => {
    const s = steps('estate-diff');
    expect(s.map(action)).toEqual(['actions/checkout', 'actions/setup-node', undefined, undefined, 'actions/upload-artifact', 'actions/github-script']);
    expect(s[0].with).toEqual({ 'fetch-depth': 0 });
    expect(s[1].with).toMatchObject({ 'node-version': 20, cache: 'npm' });
    expect(s[2].run).toMatch(/^npm ci/);
    expect(s[3].env).toEqual({ BASE_SHA: '${{ github.event.pull_request.base.sha }}' });
    expect(s[3].run).toContain('npx estate diff --base "$BASE_SHA" --estate "$ESTATE" --format markdown > estate-diff.md');
    const script = String(s[5].with!.script);
    // The marker the script looks for is the one `estate diff` writes first in its markdown.
    const prefix = script.match(/const marker = '([^']+)'/)![1];
    expect(commentMarker('reference').startsWith(prefix)).toBe(true);
    expect(script).toContain('github.rest.issues.updateComment');
    expect(script).toContain('github.rest.issues.createComment');
    expect(script).toContain('github.paginate(github.rest.issues.listComments');
    expect(s[5].if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
  });

  test('Pulumi preview per stack with the policy pack, only where Pulumi credentials are configured', () => {
    const stacks = workflow.jobs.stacks;
    expect(stacks.outputs).toEqual({ enabled: '${{ steps.credentials.outputs.enabled }}', stacks: '${{ steps.list.outputs.stacks }}' });
    expect(stacks.steps[0].env).toEqual({ PULUMI_ACCESS_TOKEN: '${{ secrets.PULUMI_ACCESS_TOKEN }}' });
    const preview = workflow.jobs['pulumi-preview'];
    expect(preview.needs).toBe('stacks');
    expect(preview.if).toContain("needs.stacks.outputs.enabled == 'true'");
    expect(preview.strategy!.matrix).toEqual({ stack: '${{ fromJSON(needs.stacks.outputs.stacks) }}' });
    expect(preview.env).toEqual({ PULUMI_ACCESS_TOKEN: '${{ secrets.PULUMI_ACCESS_TOKEN }}' });
    const pulumi = preview.steps.find((st) => action(st) === 'pulumi/actions')!;
    expect(pulumi.uses).toBe('pulumi/actions@v6');
    expect(pulumi.with).toMatchObject({ command: 'preview', 'work-dir': '.', policyPacks: 'policies', 'comment-on-pr': true, 'edit-pr-comment': true, color: 'never' });
    expect(String(pulumi.with!['stack-name'])).toContain('${{ matrix.stack }}');
  });
});
