/**
 * Runs one `pulumi` command for the pulumi-real stage and measures it: wall time, and the peak resident memory of the
 * whole process tree (the CLI, the language host, the Node.js program, the provider plugin), sampled from /proc every
 * 50 ms. The stage is synchronous, so it runs this script with spawnSync:
 *
 *   node pulumi-real-run.js '<json: { command, args, cwd, env }>'   → prints one JSON line { code, seconds, peakMiB, tail }
 */
import { spawn } from 'child_process';
import * as fs from 'fs';

export interface RunRequest {
  readonly command: string;
  readonly args: string[];
  readonly cwd: string;
  readonly env: Record<string, string>;
}

export interface RunReport {
  readonly code: number | null;
  readonly seconds: number;
  readonly peakMiB: number;
  /** The last lines of output. */
  readonly tail: string;
}

/** Resident memory (KiB) of a process and its descendants. */
export function treeRssKiB(root: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pid = Number(entry);
      rss.set(pid, Number(fields[21]) * 4);
      const ppid = Number(fields[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    } catch {
      // exited meanwhile
    }
  }
  let total = 0;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    total += rss.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2]) as RunRequest;
  const started = process.hrtime.bigint();
  const child = spawn(request.command, request.args, { cwd: request.cwd, env: request.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  let peak = 0;
  const sampler = setInterval(() => {
    if (child.pid !== undefined) peak = Math.max(peak, treeRssKiB(child.pid));
  }, 50);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearInterval(sampler);
  const report: RunReport = {
    code,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    peakMiB: peak / 1024,
    tail: output.split('\n').slice(-40).join('\n'),
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`pulumi-real-run: ${(e as Error).stack ?? e}\n`);
    process.exit(2);
  });
}
