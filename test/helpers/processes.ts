/**
 * Child processes of the integration tests, started with `child_process.spawn` and tracked by pid, so that every one
 * of them is stopped (SIGTERM, then SIGKILL after a grace period) even when a test fails, and a suite can assert at
 * the end that none is left.
 */
import { ChildProcess, spawn, SpawnOptions } from 'child_process';

/** How long `stop` waits after SIGTERM before sending SIGKILL. */
export const DEFAULT_STOP_GRACE_MS = 3000;

/** Whether a process with this pid exists (and is not a zombie we already reaped). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` every `intervalMs` until it returns a value other than undefined/false, or throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs: number,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as T;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await sleep(intervalMs);
  }
}

/** One spawned process: its output, kept in memory, and how it ended. */
export class ManagedProcess {
  public readonly pid: number;
  /** When the process has exited, its code or signal. */
  public exit?: { code: number | null; signal: NodeJS.Signals | null };
  private readonly chunks: string[] = [];
  private readonly exited: Promise<void>;

  constructor(public readonly name: string, public readonly child: ChildProcess) {
    if (child.pid === undefined) throw new Error(`could not start ${name}`);
    this.pid = child.pid;
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (d: string) => this.chunks.push(d));
    child.stderr?.on('data', (d: string) => this.chunks.push(d));
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve();
      });
    });
  }

  /** Everything the process wrote to stdout and stderr so far. */
  public get output(): string {
    return this.chunks.join('');
  }

  public get running(): boolean {
    return this.exit === undefined;
  }

  /** Resolves when the process has exited, or after `timeoutMs` (returns whether it exited). */
  public async waitForExit(timeoutMs: number): Promise<boolean> {
    if (!this.running) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    return !this.running;
  }

  /** Waits until the output matches `pattern`; fails early, with the output, when the process exits first. */
  public async waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    return waitFor(`${this.name} to print ${pattern}`, () => {
      const match = this.output.match(pattern);
      if (match) return match;
      if (!this.running) throw new Error(`${this.name} exited (${JSON.stringify(this.exit)}) before printing ${pattern}; output:\n${this.tail()}`);
      return undefined;
    }, timeoutMs, 50);
  }

  /** The last lines of output, for error messages. */
  public tail(lines = 40): string {
    return this.output.split('\n').slice(-lines).join('\n');
  }

  /** Sends a signal now (no-op once exited). */
  public signal(signal: NodeJS.Signals): void {
    if (!this.running) return;
    try {
      process.kill(this.pid, signal);
    } catch {
      // already gone
    }
  }

  /** SIGTERM, then SIGKILL if still running after `graceMs`; resolves once the process has exited. */
  public async stop(graceMs = DEFAULT_STOP_GRACE_MS): Promise<void> {
    if (!this.running) return;
    this.signal('SIGTERM');
    if (await this.waitForExit(graceMs)) return;
    this.signal('SIGKILL');
    await this.waitForExit(10_000);
  }

  /** SIGKILL at once (a machine losing power); resolves once the process has exited. */
  public async kill(): Promise<void> {
    if (!this.running) return;
    this.signal('SIGKILL');
    await this.waitForExit(10_000);
  }
}

/** Children still running, across trackers: killed if the test process exits without stopping them. */
const live = new Set<ManagedProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort (a crashed or force-exited worker): afterAll did not run, so no engine outlives the test process.
  process.once('exit', () => {
    for (const p of live) p.signal('SIGKILL');
  });
}

/** Every process a suite started. Call `stopAll` in afterAll (and afterEach where tests start their own). */
export class ProcessTracker {
  private readonly processes: ManagedProcess[] = [];

  /** Spawns a process with stdin ignored and stdout/stderr captured; never through a shell. */
  public spawn(name: string, command: string, args: readonly string[], options: SpawnOptions = {}): ManagedProcess {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    if (child.pid === undefined) {
      // spawn reports a missing binary asynchronously; surface it now
      throw new Error(`could not spawn ${command} for ${name}`);
    }
    child.on('error', () => undefined);
    const managed = new ManagedProcess(name, child);
    this.processes.push(managed);
    installExitHook();
    live.add(managed);
    child.once('exit', () => live.delete(managed));
    return managed;
  }

  /** Every pid ever started by this tracker. */
  public get pids(): number[] {
    return this.processes.map((p) => p.pid);
  }

  public get all(): readonly ManagedProcess[] {
    return this.processes;
  }

  /** Stops every process still running, in parallel (SIGTERM, then SIGKILL after `graceMs`). */
  public async stopAll(graceMs = DEFAULT_STOP_GRACE_MS): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop(graceMs)));
  }

  /** Pids of tracked processes that still exist. */
  public alivePids(): number[] {
    return this.processes.filter((p) => p.running || pidAlive(p.pid)).map((p) => p.pid);
  }
}
