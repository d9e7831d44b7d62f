import { ProblemCollector } from '../estate/problems';
import { CanaryRoute, CanaryRouteSpec, checkCanaryRoute } from '../mesh/route';
import { AppImage } from './image';
import { ReleaseChannel } from './labels';

/** Properties of a canary release. */
export interface CanaryProps {
  /** Share of each cluster's replicas (and autoscaling bounds) that runs the gray release, 1 to 50. */
  readonly grayPercent: number;
  /** The image of the gray release. @default - the app's image */
  readonly grayImage?: AppImage;
  /**
   * On a meshed cluster: the requests that go to the gray subset whatever the weights (a header, or a list of
   * communities mapped to a lane).
   * @default - no match rule: traffic is split by weight only
   */
  readonly route?: CanaryRoute;
  /**
   * On a meshed cluster: the gray weight steps, in percent, increasing, each from 0 to 100 (for example 5, 20, 50, 100).
   * @default - one step, grayPercent
   */
  readonly weightSteps?: number[];
  /** The index in `weightSteps` of the step in force now. Required with `weightSteps`. @default 0 */
  readonly currentStep?: number;
}

/** How a release routes on a meshed cluster. Plain data. */
export interface MeshReleaseSpec {
  readonly route?: CanaryRouteSpec;
  /** The gray weight now, in percent; for blue/green, the active colour takes 100. */
  readonly grayWeight?: number;
  readonly weightSteps?: readonly number[];
  readonly currentStep?: number;
}

/** Properties of a blue/green release. */
export interface BlueGreenProps {
  /** The colour the Service sends traffic to. */
  readonly active: ReleaseChannel.BLUE | ReleaseChannel.GREEN;
  /** @default - the app's image */
  readonly blueImage?: AppImage;
  /** @default - the app's image */
  readonly greenImage?: AppImage;
  /**
   * Fixed replicas of the idle colour (no autoscaler).
   * @default - the same size and autoscaling as the live colour, so switching back is instant
   */
  readonly idleReplicas?: number;
}

/** One Deployment of a release. */
export interface ChannelSpec {
  readonly channel: ReleaseChannel;
  /** Deployment name suffix: '' for stable, `-gray`, `-blue`, `-green`. */
  readonly suffix: string;
  /** @default - the app's image */
  readonly image?: AppImage;
  /** Share of the replicas, in percent, for a canary split. */
  readonly percent?: number;
  /** Fixed replicas, for an idle blue/green colour. */
  readonly fixedReplicas?: number;
}

/**
 * How an app releases: one stable Deployment; stable and gray Deployments behind one Service with an explicit
 * replica split; or blue and green Deployments, the Service's selector choosing the live one.
 */
export class Release {
  /** One Deployment, named after the app. */
  public static stable(): Release {
    return new Release('stable', [{ channel: ReleaseChannel.STABLE, suffix: '' }]);
  }

  /** Stable (named after the app) and gray (`<app>-gray`) behind one Service, replicas split by `grayPercent`. */
  public static canary(props: CanaryProps): Release {
    return new Release('canary', [
      { channel: ReleaseChannel.STABLE, suffix: '', percent: 100 - props.grayPercent },
      { channel: ReleaseChannel.GRAY, suffix: '-gray', image: props.grayImage, percent: props.grayPercent },
    ], props.grayPercent, undefined, {
      ...(props.route ? { route: props.route.spec } : {}),
      grayWeight: props.weightSteps ? props.weightSteps[props.currentStep ?? 0] : props.grayPercent,
      ...(props.weightSteps ? { weightSteps: [...props.weightSteps], currentStep: props.currentStep } : {}),
    });
  }

  /** `<app>-blue` and `<app>-green`; the Service selects the active colour. */
  public static blueGreen(props: BlueGreenProps): Release {
    const idle = props.active === ReleaseChannel.BLUE ? ReleaseChannel.GREEN : ReleaseChannel.BLUE;
    const channel = (c: ReleaseChannel.BLUE | ReleaseChannel.GREEN): ChannelSpec => ({
      channel: c,
      suffix: `-${c}`,
      image: c === ReleaseChannel.BLUE ? props.blueImage : props.greenImage,
      fixedReplicas: c === idle ? props.idleReplicas : undefined,
    });
    return new Release('blue-green', [channel(ReleaseChannel.BLUE), channel(ReleaseChannel.GREEN)], undefined, props.active);
  }

  private constructor(
    public readonly kind: 'stable' | 'canary' | 'blue-green',
    public readonly channels: readonly ChannelSpec[],
    private readonly grayPercent?: number,
    /** The channel the Service selects, for blue/green; undefined when it selects every channel. */
    public readonly activeChannel?: ReleaseChannel,
    /** How the release routes on a meshed cluster. */
    public readonly mesh: MeshReleaseSpec = {},
  ) {}

  /**
   * Reports what is wrong with the release.
   * @internal
   */
  public collectProblems(path: string, problems: ProblemCollector): void {
    if (this.kind === 'canary') {
      const p = this.grayPercent;
      if (p === undefined || !Number.isInteger(p) || p < 1 || p > 50) problems.error({
        path,
        rule: 'release',
        message: 'grayPercent must be a whole number from 1 to 50',
        fix: 'send a small share to the gray release, for example 10',
        value: p,
      });
    }
    if (this.kind === 'canary' && this.mesh.route) checkCanaryRoute(path, this.mesh.route, problems);
    if (this.kind === 'canary' && this.mesh.weightSteps) {
      const steps = this.mesh.weightSteps;
      const step = this.mesh.currentStep;
      if (steps.length === 0 || steps.some((w, i) => !Number.isInteger(w) || w < 0 || w > 100 || (i > 0 && w <= steps[i - 1]))) {
        problems.error({
          path,
          rule: 'release',
          message: 'weightSteps must be increasing whole percents from 0 to 100',
          fix: 'use steps such as [5, 20, 50, 100]',
          value: steps.join('/'),
        });
      }
      if (step === undefined || !Number.isInteger(step) || step < 0 || step >= steps.length) {
        problems.error({
          path,
          rule: 'release',
          message: 'currentStep must name one of the weightSteps (an index from 0)',
          fix: `set currentStep from 0 to ${steps.length - 1}`,
          value: step,
        });
      }
    }
    if (this.kind === 'blue-green') {
      if (this.activeChannel !== ReleaseChannel.BLUE && this.activeChannel !== ReleaseChannel.GREEN) problems.error({
        path,
        rule: 'release',
        message: 'the active colour must be blue or green',
        fix: 'use ReleaseChannel.BLUE or ReleaseChannel.GREEN',
        value: this.activeChannel,
      });
      for (const c of this.channels) {
        if (c.fixedReplicas !== undefined && (!Number.isInteger(c.fixedReplicas) || c.fixedReplicas < 0)) problems.error({
          path,
          rule: 'release',
          message: 'idleReplicas must be a whole number, 0 or more',
          fix: 'set idleReplicas, or leave it unset to keep the idle colour at full size',
          value: c.fixedReplicas,
        });
      }
    }
    for (const c of this.channels) c.image?.collectProblems(path, `the ${c.channel} image`, problems);
  }
}

/**
 * Splits `total` replicas between channels by percent: every channel with a share gets at least one, the first
 * channel (stable) gets what is left. Callers make sure `total >= channels`.
 */
export function splitByPercent(total: number, percents: readonly number[]): number[] {
  const rest = percents.slice(1).map((p) => Math.max(1, Math.round((total * p) / 100)));
  return [total - rest.reduce((a, b) => a + b, 0), ...rest];
}
