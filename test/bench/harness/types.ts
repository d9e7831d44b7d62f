/** The shapes every bench stage shares, so the runner can collect, print and judge stages it knows nothing about. */

/** The targets a stage is judged against. */
export interface Targets {
  /** Largest allowed ours/baseline time ratio, at every size. */
  readonly ratioMax: number;
  /** Largest allowed growth of our time when the estate grows tenfold (linear would be 10). */
  readonly growthMax: number;
}

export const DEFAULT_TARGETS: Targets = { ratioMax: 2, growthMax: 11 };

/** What the runner hands to a stage. */
export interface StageContext {
  /** Estate sizes to measure, in clusters, ascending. */
  readonly sizes: readonly number[];
  /** A scratch folder that the runner removes at the end. */
  readonly tmpDir: string;
  readonly targets: Targets;
  /** Progress output (stderr), never part of the report. */
  readonly log: (message: string) => void;
}

/** Statistics of one pipeline (ours or the baseline) at one size. */
export interface PipelineStats {
  /** Median wall time over the measured runs. */
  readonly medianMs: number;
  readonly runsMs: number[];
  /** Median CPU time (user + system) of the process over the runs: less sensitive than wall time to a busy machine. */
  readonly medianCpuMs: number;
  /** Median time of each phase. */
  readonly phasesMs: Record<string, number>;
  /** Largest heapUsed seen in any run, in MiB. */
  readonly peakHeapMB: number;
  /** Largest heap growth over the pre-run heap seen in any run, in MiB. */
  readonly peakHeapGrowthMB: number;
  /** Largest rss seen in any run, in MiB. */
  readonly peakRssMB: number;
  /** Objects the pipeline synthesized and files it wrote. */
  readonly objects: number;
  readonly files: number;
}

/** One size of a stage. */
export interface SizeResult {
  readonly size: number;
  readonly runs: number;
  readonly ours: PipelineStats;
  readonly baseline: PipelineStats;
  /** ours.medianMs / baseline.medianMs: the judged ratio. */
  readonly ratio: number;
  /** ours.medianCpuMs / baseline.medianCpuMs, for reference. */
  readonly cpuRatio: number;
  /** True when the baseline's output was checked byte-identical to ours at this size. */
  readonly identical: boolean;
}

/** How time grows from one size to the next. */
export interface Growth {
  readonly from: number;
  readonly to: number;
  /** ours time(to) / time(from). */
  readonly ours: number;
  readonly baseline: number;
  /** True when this growth is judged against `growthMax` (tenfold steps from 100 clusters up). */
  readonly checked: boolean;
}

/** One judged target. */
export interface Check {
  readonly name: string;
  readonly value: number;
  readonly limit: number;
  readonly pass: boolean;
}

/** What a stage returns. */
export interface StageResult {
  readonly name: string;
  readonly description: string;
  /** What "ours" and "baseline" measure, in a few words each. */
  readonly pipelines: { readonly ours: string; readonly baseline: string };
  readonly sizes: SizeResult[];
  readonly growth: Growth[];
  readonly checks: Check[];
  readonly pass: boolean;
  /** Measurements shown with the stage but not judged. @default - none */
  readonly notes?: string[];
}

/** A bench stage: a small module the runner collects. */
export interface Stage {
  readonly name: string;
  readonly description: string;
  run(context: StageContext): StageResult;
}

/** Thrown when a stage cannot produce an honest measurement (for example, the baseline's output differs from ours). */
export class BenchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchError';
  }
}
