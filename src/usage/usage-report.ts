import type { Instrumentation } from '../core/instrumentation.js';
import type { Cost } from '../types/cost.js';
import type { CallContext } from '../types/middleware.js';
import type { ChatResponse } from '../types/response.js';
import type { Target } from '../types/target.js';
import { trackCalls } from './track-calls.js';

export interface UsageReportOptions {
  /**
   * What a row is: any of `provider` and `model` (the target of each attempt, as registered),
   * `requestedModel` (the alias or model string the caller asked for), and metadata keys (`team`,
   * `user`, `feature`, `tags`, any key of yours; write `metadata.provider` for a metadata key that
   * has a built-in dimension's name). Default `['provider', 'model']`.
   */
  groupBy?: readonly string[];
  /**
   * Most distinct rows kept (metadata such as `user` can have many values). Once reached, new groups
   * are counted in one extra overflow row whose values are all `(other)`. Default 10,000.
   */
  maxRows?: number;
}

/** One group's totals. */
export interface UsageRow {
  /** The group's value per `groupBy` dimension; undefined when the call had none (no such metadata). */
  group: Readonly<Record<string, string | undefined>>;
  /** Calls served (completed) by this group. With `provider`/`model` dimensions: by the target that served them. */
  calls: number;
  /** Calls that failed (with provider/model dimensions: counted against the last target tried). */
  errors: number;
  /** Calls the caller aborted or stopped reading. */
  aborted: number;
  /** Provider calls made (circuit-breaker skips are not calls). */
  attempts: number;
  /** Attempts that failed with an error (fallbacks and retries leave these behind). */
  failedAttempts: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** What the attempts cost, with its breakdown; undefined when none had a known price. */
  cost: Cost | undefined;
  /** Attempts that reported usage but had no price: `cost` leaves them out. */
  unpricedAttempts: number;
}

export interface UsageSnapshot {
  /** Epoch ms the counting started (creation or the last `reset`). */
  since: number;
  /** Epoch ms of the snapshot. */
  at: number;
  /** Sorted by group values (missing values last, the overflow row last). */
  rows: UsageRow[];
  /** Everything, with an empty group. */
  total: UsageRow;
}

/** An in-process aggregation of usage and cost. Register it in the gateway's `instrumentation`. */
export interface UsageReport extends Instrumentation {
  /** The totals so far (a copy). */
  snapshot(): UsageSnapshot;
  /** Starts counting afresh and returns what was counted until now, atomically. */
  reset(): UsageSnapshot;
}

type Dimension = { name: string; kind: 'provider' | 'model' | 'requestedModel' } | { name: string; kind: 'metadata'; key: string };

const OTHER = '(other)';

/**
 * Aggregates every call by provider, model and any metadata key. Each attempt's tokens and cost are
 * counted against its own target, so a call that fell over from A to B bills A for the failed
 * attempt and counts the completion for B only. A call is counted once it and all its attempts have
 * ended.
 */
export function usageReport(options: UsageReportOptions = {}): UsageReport {
  const dims: Dimension[] = (options.groupBy ?? ['provider', 'model']).map(dimension);
  const names = dims.map((d) => d.name);
  if (new Set(names).size !== names.length) throw new TypeError(`usageReport: groupBy lists a dimension twice (${names.join(', ')})`);
  const maxRows = options.maxRows ?? 10_000;
  if (!Number.isInteger(maxRows) || maxRows < 1) throw new TypeError('usageReport: maxRows must be a positive integer');
  const perTarget = dims.some((d) => d.kind === 'provider' || d.kind === 'model');

  let rows = new Map<string, UsageRow>();
  let overflow: UsageRow | undefined;
  let since = Date.now();

  // Row keys are built by concatenation, once per call for the metadata part: this runs per call.
  // \u0000 marks "no value" (so that it differs from an empty string), \u0001 separates values.
  const valueOf = (d: Dimension, ctx: CallContext, target: Target | undefined): string | undefined =>
    d.kind === 'metadata' ? metadataValue(ctx.metadata[d.key]) : d.kind === 'requestedModel' ? ctx.requestedModel : d.kind === 'provider' ? target?.provider : target?.model;
  const callKey = (ctx: CallContext): string => {
    let key = '';
    for (const d of dims) if (d.kind === 'metadata' || d.kind === 'requestedModel') key += `${valueOf(d, ctx, undefined) ?? '\u0000'}\u0001`;
    return key;
  };
  const rowFor = (base: string, ctx: CallContext, target: Target | undefined): UsageRow => {
    const key = perTarget ? `${base}${target ? `${target.provider}\u0001${target.model}` : '\u0000'}` : base;
    let row = rows.get(key);
    if (row) return row;
    // Past the bound every new group shares one overflow row, kept outside the map.
    if (rows.size >= maxRows) return (overflow ??= emptyRow(Object.fromEntries(names.map((n) => [n, OTHER]))));
    const group: Record<string, string | undefined> = {};
    for (const d of dims) group[d.name] = valueOf(d, ctx, target);
    row = emptyRow(group);
    rows.set(key, row);
    return row;
  };

  const count = (ctx: CallContext, response: ChatResponse | undefined, error: unknown): void => {
    const base = callKey(ctx);
    let lastTried: Target | undefined;
    for (const a of ctx.attempts) if (a.outcome !== 'skipped') lastTried = a.target;
    const callTarget = response?.target ?? lastTried;
    const callRow = rowFor(base, ctx, callTarget);
    if (response) callRow.calls++;
    else if (error instanceof Error && error.name === 'AbortError') callRow.aborted++;
    else callRow.errors++;

    for (const a of ctx.attempts) {
      if (a.outcome === 'skipped') continue;
      const row = !perTarget || a.target.id === callTarget?.id ? callRow : rowFor(base, ctx, a.target);
      row.attempts++;
      if (a.outcome === 'error') row.failedAttempts++;
      const u = a.usage;
      if (!u) continue;
      row.inputTokens += u.inputTokens;
      row.outputTokens += u.outputTokens;
      row.cacheReadTokens += u.cacheReadTokens;
      row.cacheWriteTokens += u.cacheWriteTokens;
      row.reasoningTokens += u.reasoningTokens;
      if (a.cost) row.cost = addCost(row.cost, a.cost);
      else row.unpricedAttempts++;
    }
  };

  const snapshot = (): UsageSnapshot => {
    const list = [...rows.values()].sort((a, b) => compareGroups(names, a.group, b.group)).map(copyRow);
    if (overflow) list.push(copyRow(overflow));
    const total = emptyRow({});
    for (const r of list) addRow(total, r);
    return { since, at: Date.now(), rows: list, total };
  };

  return {
    ...trackCalls((ctx, _startedAt, _latencyMs, response, error) => count(ctx, response, error), false),
    snapshot,
    reset() {
      const s = snapshot();
      rows = new Map();
      overflow = undefined;
      since = s.at;
      return s;
    },
  };
}

function dimension(name: string): Dimension {
  if (typeof name !== 'string' || name === '') throw new TypeError('usageReport: groupBy entries must be non-empty strings');
  if (name === 'provider' || name === 'model' || name === 'requestedModel') return { name, kind: name };
  return { name, kind: 'metadata', key: name.startsWith('metadata.') ? name.slice('metadata.'.length) : name };
}

/** By each dimension in turn; a missing value after the present ones. */
function compareGroups(names: readonly string[], a: UsageRow['group'], b: UsageRow['group']): number {
  for (const n of names) {
    const x = a[n];
    const y = b[n];
    if (x === y) continue;
    if (x === undefined) return 1;
    if (y === undefined) return -1;
    return x < y ? -1 : 1;
  }
  return 0;
}

function metadataValue(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(String).join(',');
  return String(v);
}

function emptyRow(group: Record<string, string | undefined>): UsageRow {
  return {
    group,
    calls: 0,
    errors: 0,
    aborted: 0,
    attempts: 0,
    failedAttempts: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    cost: undefined,
    unpricedAttempts: 0,
  };
}

function addCost(into: Cost | undefined, c: Cost): Cost {
  if (!into) return { ...c };
  into.total += c.total;
  into.input += c.input;
  into.cachedInput += c.cachedInput;
  into.cacheWrite += c.cacheWrite;
  into.output += c.output;
  into.reasoning += c.reasoning;
  return into;
}

function copyRow(r: UsageRow): UsageRow {
  return { ...r, group: { ...r.group }, cost: r.cost ? { ...r.cost } : undefined };
}

function addRow(into: UsageRow, r: UsageRow): void {
  into.calls += r.calls;
  into.errors += r.errors;
  into.aborted += r.aborted;
  into.attempts += r.attempts;
  into.failedAttempts += r.failedAttempts;
  into.inputTokens += r.inputTokens;
  into.outputTokens += r.outputTokens;
  into.cacheReadTokens += r.cacheReadTokens;
  into.cacheWriteTokens += r.cacheWriteTokens;
  into.reasoningTokens += r.reasoningTokens;
  into.unpricedAttempts += r.unpricedAttempts;
  if (r.cost) into.cost = addCost(into.cost, r.cost);
}
