/**
 * A promotion (a shopping festival) and its calendar: the phase it implies at a given time is computed by pure
 * functions over plain data, never read from the clock, always from an explicit as-of time.
 */
import { Construct } from 'constructs';
import { DateTime } from 'luxon';
import { brand, hasBrand } from './brand';
import { uniqueChildId } from './definition-error';
import type { Estate } from './estate';
import { requireScope } from './scope';

/** Where a promotion stands at a given time. */
export enum PromotionPhase {
  /** Before preparation starts, or after the drain has finished: the peak group's clusters do not exist. */
  DORMANT = 'dormant',
  /** Clusters exist and scale out towards peak size, batch by batch. */
  PREPARING = 'preparing',
  /** Full peak size. */
  PEAK = 'peak',
  /** Node pools scale down batch by batch; the clusters are removed once drain-until has passed. */
  DRAINING = 'draining',
}

/** The calendar of a promotion, as local date-times in its IANA time zone. */
export interface PromotionCalendar {
  /** IANA time zone the dates are written in, for example `Asia/Shanghai`. */
  readonly timeZone: string;
  /** Start of preparation (scale-out begins), ISO-8601 local date-time such as `2026-10-25T00:00`. */
  readonly prepareFrom: string;
  /** Start of the peak (full size). */
  readonly peakFrom: string;
  /** End of the peak (drain begins). */
  readonly peakTo: string;
  /** End of the drain: after this the peak group's clusters are removed. */
  readonly drainUntil: string;
  /** Number of equal batches the preparation is split into. */
  readonly prepareBatches: number;
  /** Number of equal batches the drain is split into. */
  readonly drainBatches: number;
}

/** The phase at a time, with how far through the phase's batches it is. */
export interface PhaseAt {
  readonly phase: PromotionPhase;
  /** Zero-based batch index within preparing or draining; 0 otherwise. */
  readonly batch: number;
  /**
   * Share of peak size the peak group runs at: 0 when dormant, (batch+1)/prepareBatches while preparing, 1 at peak,
   * (drainBatches-batch-1)/drainBatches while draining.
   */
  readonly scale: number;
}

/** The calendar's instants, in milliseconds since the epoch. */
export interface CalendarInstants {
  readonly prepareFrom: number;
  readonly peakFrom: number;
  readonly peakTo: number;
  readonly drainUntil: number;
}

/** Parses one calendar date in the calendar's zone; returns undefined when it is not a date. */
export function parseCalendarDate(text: string, timeZone: string): number | undefined {
  const parsed = DateTime.fromISO(text, { zone: timeZone, setZone: false });
  return parsed.isValid ? parsed.toMillis() : undefined;
}

/** True when `timeZone` names an IANA time zone this runtime knows. */
export function isKnownTimeZone(timeZone: string): boolean {
  // luxon also takes "local", "system" and offsets such as "UTC+8": the first two would make the phase depend on the
  // machine that synthesizes, so only Area/Location names (and UTC) count.
  if (typeof timeZone !== 'string' || !(/^[A-Za-z_]+(\/[A-Za-z0-9_+\-]+)+$/.test(timeZone) || timeZone === 'UTC')) return false;
  return DateTime.local().setZone(timeZone).isValid;
}

/** Parses an as-of time (ISO-8601 with an offset or `Z`). Returns undefined when it is not one. */
export function parseAsOf(text: string): Date | undefined {
  if (!/[zZ]|[+-]\d\d:?\d\d$/.test(text)) return undefined;
  const parsed = DateTime.fromISO(text, { setZone: true });
  return parsed.isValid ? parsed.toJSDate() : undefined;
}

/** The calendar's instants; throws when a date does not parse (validation reports that first). */
export function calendarInstants(calendar: PromotionCalendar): CalendarInstants {
  const at = (text: string): number => {
    const ms = parseCalendarDate(text, calendar.timeZone);
    if (ms === undefined) throw new Error(`"${text}" is not a date in ${calendar.timeZone}`);
    return ms;
  };
  return {
    prepareFrom: at(calendar.prepareFrom),
    peakFrom: at(calendar.peakFrom),
    peakTo: at(calendar.peakTo),
    drainUntil: at(calendar.drainUntil),
  };
}

/** The promotion phase at `asOf`. Windows are half-open: a phase starts at its date and ends just before the next. */
export function phaseAt(calendar: PromotionCalendar, asOf: Date): PhaseAt {
  const t = asOf.getTime();
  const i = calendarInstants(calendar);
  if (t < i.prepareFrom || t >= i.drainUntil) return { phase: PromotionPhase.DORMANT, batch: 0, scale: 0 };
  if (t < i.peakFrom) {
    const batch = batchIndex(t, i.prepareFrom, i.peakFrom, calendar.prepareBatches);
    return { phase: PromotionPhase.PREPARING, batch, scale: (batch + 1) / calendar.prepareBatches };
  }
  if (t < i.peakTo) return { phase: PromotionPhase.PEAK, batch: 0, scale: 1 };
  const batch = batchIndex(t, i.peakTo, i.drainUntil, calendar.drainBatches);
  return { phase: PromotionPhase.DRAINING, batch, scale: (calendar.drainBatches - batch - 1) / calendar.drainBatches };
}

function batchIndex(t: number, from: number, to: number, batches: number): number {
  return Math.min(batches - 1, Math.floor(((t - from) / (to - from)) * batches));
}

/**
 * Replicas for a pool that has `peakReplicas` at full size, at the given scale: rounded up, and never below one
 * while the cluster exists (a cluster with no workers cannot drain the pods it still runs).
 */
export function scaledReplicas(peakReplicas: number, scale: number): number {
  if (peakReplicas === 0) return 0;
  return Math.max(1, Math.ceil(peakReplicas * scale - 1e-9));
}

/** Properties of a promotion. All dates are ISO-8601 local date-times in `timeZone`. */
export interface PromotionProps {
  /** IANA time zone of the calendar, for example `Asia/Shanghai`. */
  readonly timeZone: string;
  /** Scale-out starts (weeks before the peak). */
  readonly prepareFrom: string;
  /** Full peak size from here. */
  readonly peakFrom: string;
  /** The peak ends; the drain starts. */
  readonly peakTo: string;
  /** The drain ends; the peak group's clusters are removed. */
  readonly drainUntil: string;
  /** Equal batches the scale-out is split into. @default 4 */
  readonly prepareBatches?: number;
  /** Equal batches the drain is split into. @default 4 */
  readonly drainBatches?: number;
  /** Human name shown in summaries. @default - the promotion's id */
  readonly displayName?: string;
}

/** A promotion (a shopping festival): a calendar that decides when its peak cluster groups exist and at what size. */
export class Promotion extends Construct {
  /** True when `x` is a Promotion (also across two copies of the library). */
  public static isPromotion(x: unknown): x is Promotion {
    return hasBrand(x, 'Promotion');
  }

  public readonly name: string;
  public readonly displayName: string;
  public readonly calendar: PromotionCalendar;

  constructor(scope: Estate, id: string, props: PromotionProps) {
    super(scope, uniqueChildId(requireScope(scope, 'Estate', 'Promotion', id), id, 'promotion'));
    brand(this, 'Promotion');
    this.name = id;
    this.displayName = props.displayName ?? id;
    this.calendar = {
      timeZone: props.timeZone,
      prepareFrom: props.prepareFrom,
      peakFrom: props.peakFrom,
      peakTo: props.peakTo,
      drainUntil: props.drainUntil,
      prepareBatches: props.prepareBatches ?? 4,
      drainBatches: props.drainBatches ?? 4,
    };
  }

  /** The phase at `asOf`. Call only on a validated estate (the dates must parse). */
  public phaseAt(asOf: Date): PhaseAt {
    return phaseAt(this.calendar, asOf);
  }
}
