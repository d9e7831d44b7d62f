/**
 * Timing and memory measurement of one pipeline run.
 *
 * The pipelines are synchronous, so a `setInterval` sampler would never fire while they run: memory is sampled at
 * every phase boundary instead (`process.memoryUsage()`, a few microseconds per call). The peak heap reported is the
 * largest `heapUsed` seen at those boundaries, where each phase's result is still alive together with what it was
 * built from; it is a lower bound of the true peak (garbage made inside a phase and collected in it is not seen).
 */

/** What one run of a pipeline measured. */
export interface RunMeasurement {
  /** Wall time from the first phase's start to the last phase's end, in milliseconds. */
  readonly ms: number;
  /** CPU time (user + system) of the process over the same span: close to \`ms\` unless the machine is contended. */
  readonly cpuMs: number;
  /** Wall time of each phase, in the order the phases ran. */
  readonly phasesMs: Record<string, number>;
  /** `heapUsed` just before the run (after a full GC when `--expose-gc` is on). */
  readonly heapBeforeBytes: number;
  /** Largest `heapUsed` seen at a phase boundary. */
  readonly peakHeapBytes: number;
  /** Largest `rss` seen at a phase boundary. */
  readonly peakRssBytes: number;
}

/** Passed to a pipeline: wraps each phase so it is timed and memory is sampled when it ends. */
export class RunRecorder {
  private readonly phases: Record<string, number> = {};
  private readonly heapBefore: number;
  private peakHeap: number;
  private peakRss: number;
  private readonly started: bigint;
  private readonly cpuStarted: NodeJS.CpuUsage;
  private ended?: bigint;
  private cpuEnded?: NodeJS.CpuUsage;

  constructor() {
    const m = process.memoryUsage();
    this.heapBefore = m.heapUsed;
    this.peakHeap = m.heapUsed;
    this.peakRss = m.rss;
    this.cpuStarted = process.cpuUsage();
    this.started = process.hrtime.bigint();
  }

  /** Runs one phase, timing it and sampling memory at its end (the result is still referenced then). */
  public phase<T>(name: string, fn: () => T): T {
    const start = process.hrtime.bigint();
    const result = fn();
    const end = process.hrtime.bigint();
    this.phases[name] = (this.phases[name] ?? 0) + Number(end - start) / 1e6;
    this.sample();
    this.cpuEnded = process.cpuUsage(this.cpuStarted);
    this.ended = process.hrtime.bigint();
    return result;
  }

  private sample(): void {
    const m = process.memoryUsage();
    if (m.heapUsed > this.peakHeap) this.peakHeap = m.heapUsed;
    if (m.rss > this.peakRss) this.peakRss = m.rss;
  }

  public finish(): RunMeasurement {
    const end = this.ended ?? process.hrtime.bigint();
    const cpu = this.cpuEnded ?? process.cpuUsage(this.cpuStarted);
    return {
      ms: Number(end - this.started) / 1e6,
      cpuMs: (cpu.user + cpu.system) / 1e3,
      phasesMs: { ...this.phases },
      heapBeforeBytes: this.heapBefore,
      peakHeapBytes: this.peakHeap,
      peakRssBytes: this.peakRss,
    };
  }
}

/** Collects garbage twice (weak references and finalizers need a second pass) when `--expose-gc` is on. */
export function collectGarbage(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return false;
  gc();
  gc();
  return true;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function toMB(bytes: number): number {
  return round(bytes / (1024 * 1024), 1);
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
