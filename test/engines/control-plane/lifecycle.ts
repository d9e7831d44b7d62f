/**
 * The lifecycle every suite on a real control plane shares: start the harness with a process tracker, install the
 * CRDs the suite's objects need, and in afterAll stop every process by pid and check that none is left, also when a
 * test or the set-up itself failed. A suite calls `useControlPlane` inside its describe block and registers its own
 * beforeAll hooks after it; they run once the control plane is up.
 */
import { ProcessTracker } from '../../helpers/processes';
import { installCrds, loadCrds, MANAGEMENT_CRD_SETS } from './estate-on-server';
import { ControlPlane, ControlPlaneOptions, startControlPlane } from './harness';

export interface ControlPlaneLifecycleOptions extends Omit<ControlPlaneOptions, 'tracker'> {
  /**
   * The CRD sets of ../shared/crds installed once the API server is up.
   * @default MANAGEMENT_CRD_SETS (Cluster API, Metal3, AWS)
   */
  readonly crdSets?: readonly string[];
  /**
   * How long starting the control plane and installing the CRDs may take.
   * @default 300 s
   */
  readonly setupTimeoutMs?: number;
}

export interface ControlPlaneLifecycle {
  /** The tracker that owns the control plane's processes; give it to whatever else the suite spawns (Pulumi). */
  readonly tracker: ProcessTracker;
  /** The running control plane. Read it in tests and hooks only: it does not exist while jest collects the tests. */
  readonly cp: ControlPlane;
  /** How many CRDs were installed and established. */
  readonly crdCount: number;
  /** Seconds the start and the CRD installation took together. */
  readonly setupSeconds: number;
  /**
   * Registers a clean-up (a workspace's directory) that runs in afterAll once every process has stopped, whether or
   * not the tests passed.
   */
  afterStop(cleanup: () => void | Promise<void>): void;
}

/** Registers the control plane's beforeAll and afterAll in the calling describe block. */
export function useControlPlane(options: ControlPlaneLifecycleOptions): ControlPlaneLifecycle {
  const { crdSets = MANAGEMENT_CRD_SETS, setupTimeoutMs = 300_000, ...start } = options;
  const tracker = new ProcessTracker();
  const cleanups: (() => void | Promise<void>)[] = [];
  let cp: ControlPlane | undefined;
  let crdCount = 0;
  let setupSeconds = 0;

  beforeAll(async () => {
    const t0 = Date.now();
    cp = await startControlPlane({ ...start, tracker });
    crdCount = await installCrds(cp.client, loadCrds(crdSets));
    setupSeconds = (Date.now() - t0) / 1000;
  }, setupTimeoutMs);

  afterAll(async () => {
    try {
      await cp?.stop();
      // The tracker also holds what a failed start left running and what the suite spawned with it.
      await tracker.stopAll();
      expect(tracker.alivePids()).toEqual([]);
    } finally {
      for (const cleanup of cleanups) await cleanup();
    }
  }, 60_000);

  return {
    tracker,
    get cp(): ControlPlane {
      if (!cp) throw new Error('the control plane is not up: its beforeAll failed or has not run yet');
      return cp;
    },
    get crdCount(): number {
      return crdCount;
    },
    get setupSeconds(): number {
      return setupSeconds;
    },
    afterStop(cleanup) {
      cleanups.push(cleanup);
    },
  };
}
