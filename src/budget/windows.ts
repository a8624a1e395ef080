import type { StoreWindow } from './store.js';

/**
 * A budget window. Calendar windows (`minute` … `month`) start over at their boundary in `timeZone`
 * (default UTC); `{ rolling }` is the last N (e.g. `'24h'`, `'30d'`, or ms), spend aging out
 * gradually; `lifetime` never resets.
 */
export type BudgetWindow = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'lifetime' | { rolling: number | DurationString };

/** `90s`, `15m`, `24h`, `30d`. */
export type DurationString = `${number}${'s' | 'm' | 'h' | 'd'}`;

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Milliseconds of a duration; undefined when it does not parse. */
export function parseDuration(d: number | string): number | undefined {
  if (typeof d === 'number') return Number.isFinite(d) && d > 0 ? d : undefined;
  const m = /^(\d+(?:\.\d+)?)([smhd])$/.exec(d);
  if (!m) return undefined;
  const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  return ms > 0 ? ms : undefined;
}

type Calendar = 'minute' | 'hour' | 'day' | 'week' | 'month';

/** Resolves a window at a moment: calendar windows are cached until they end. */
export class WindowClock {
  private current: { kind: 'fixed'; start: number; end: number; id: string } | undefined;
  private readonly fixed: StoreWindow | undefined;

  constructor(
    readonly window: BudgetWindow,
    readonly timeZone: string = 'UTC',
  ) {
    if (window === 'lifetime') this.fixed = { kind: 'lifetime' };
    else if (typeof window === 'object') {
      const sizeMs = parseDuration(window.rolling)!;
      // About 60 buckets per window, at least one second each.
      this.fixed = { kind: 'rolling', sizeMs, bucketMs: Math.max(1000, Math.ceil(sizeMs / 60)) };
    }
  }

  /** The store window at `now`, and the suffix its counter key carries (fixed windows only). */
  at(now: number): { window: StoreWindow; id: string } {
    if (this.fixed) return { window: this.fixed, id: '' };
    let c = this.current;
    if (!c || now >= c.end || now < c.start) {
      const [start, end] = calendarWindow(this.window as Calendar, now, this.timeZone);
      c = this.current = { kind: 'fixed', start, end, id: String(start) };
    }
    return { window: c, id: c.id };
  }
}

/** Checks a time zone name; throws RangeError for an unknown one. */
export function checkTimeZone(tz: string): void {
  new Intl.DateTimeFormat('en-US', { timeZone: tz });
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(tz, f);
  }
  return f;
}

interface Parts {
  y: number;
  mo: number; // 1-12
  d: number;
  h: number;
  mi: number;
  s: number;
}

function partsIn(t: number, tz: string): Parts {
  const p: Partial<Record<string, number>> = {};
  for (const x of formatter(tz).formatToParts(new Date(t))) if (x.type !== 'literal') p[x.type] = Number(x.value);
  return { y: p.year!, mo: p.month!, d: p.day!, h: p.hour! % 24, mi: p.minute!, s: p.second! };
}

/** The zone's offset from UTC at instant `t`, in ms. */
function offsetAt(t: number, tz: string): number {
  const p = partsIn(t, tz);
  return Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s) - (t - (t % 1000));
}

/** The instant a wall-clock time in `tz` denotes (the earlier one in a DST overlap; gaps shift forward). */
function zonedToUtc(y: number, mo: number, d: number, h: number, mi: number, tz: string): number {
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  if (tz === 'UTC') return wall;
  let t = wall - offsetAt(wall, tz);
  const o2 = offsetAt(t, tz);
  if (wall - o2 !== t) t = Math.min(t, wall - o2);
  return t;
}

/** [start, end) of the calendar window containing `now` in `tz`. */
export function calendarWindow(unit: Calendar, now: number, tz: string): [number, number] {
  if (tz === 'UTC' || unit === 'minute') {
    // Minutes start on the minute in every zone in use today (offsets are whole minutes).
    const size = unit === 'minute' ? 60_000 : unit === 'hour' ? 3_600_000 : 0;
    if (size && (tz === 'UTC' || unit === 'minute')) {
      const start = now - (((now % size) + size) % size);
      return [start, start + size];
    }
  }
  const p = partsIn(now, tz);
  switch (unit) {
    case 'hour': {
      const start = zonedToUtc(p.y, p.mo, p.d, p.h, 0, tz);
      // Add an hour of wall time; over a DST change an "hour" window can be shorter or longer.
      const next = new Date(Date.UTC(p.y, p.mo - 1, p.d, p.h + 1));
      return [start, zonedToUtc(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), next.getUTCHours(), 0, tz)];
    }
    case 'day':
    case 'week': {
      let d0 = new Date(Date.UTC(p.y, p.mo - 1, p.d));
      if (unit === 'week') d0 = new Date(d0.getTime() - ((d0.getUTCDay() + 6) % 7) * 86_400_000); // ISO weeks start on Monday
      const d1 = new Date(d0.getTime() + (unit === 'week' ? 7 : 1) * 86_400_000);
      return [zonedToUtc(d0.getUTCFullYear(), d0.getUTCMonth() + 1, d0.getUTCDate(), 0, 0, tz), zonedToUtc(d1.getUTCFullYear(), d1.getUTCMonth() + 1, d1.getUTCDate(), 0, 0, tz)];
    }
    case 'month': {
      const ny = p.mo === 12 ? p.y + 1 : p.y;
      const nm = p.mo === 12 ? 1 : p.mo + 1;
      return [zonedToUtc(p.y, p.mo, 1, 0, 0, tz), zonedToUtc(ny, nm, 1, 0, 0, tz)];
    }
    default:
      throw new RangeError(`unknown window ${String(unit)}`);
  }
}
