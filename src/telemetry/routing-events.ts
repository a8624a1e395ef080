import type { Attributes, Span } from '@opentelemetry/api';
import type { RoutingEvent } from '../types/routing.js';
import * as N from './names.js';

/** Fallback actions that start another attempt (`stop`, `skip` and `exhausted` do not). */
const FALLBACK_MOVES = new Set(['retry', 'fail-over', 'restart', 'continue']);

/**
 * Puts a call's routing decisions on its span: one span event per decision, named
 * `switchyard.{layer}.{action}` (e.g. `switchyard.fallback.fail-over`) at the time it was made, and
 * summary attributes: `switchyard.split.arm`, `switchyard.fallback.count` (fallback decisions that
 * started another attempt: retry, fail-over, restart, continue), `switchyard.hedge.count` (hedge branches started, the first included) and
 * `switchyard.hedge.winner` (the target that won the race).
 */
export function addRoutingEvents(span: Span, events: readonly RoutingEvent[], callStartEpochMs: number, out: Attributes): void {
  let fallbacks = 0;
  let hedges = 0;
  for (const ev of events) {
    const attributes: Attributes = {};
    if (ev.detail) for (const key in ev.detail) attributes[N.ATTR_SY_ROUTING_DETAIL_PREFIX + key] = ev.detail[key];
    attributes[N.ATTR_SY_ROUTING_LAYER] = ev.layer;
    attributes[N.ATTR_SY_ROUTING_ACTION] = ev.action;
    if (ev.target !== undefined) attributes[N.ATTR_SY_ROUTING_TARGET] = ev.target;
    // `atMs` is relative to the call's start; the SDK reads an epoch-ms number as a wall-clock time.
    span.addEvent(`switchyard.${ev.layer}.${ev.action}`, attributes, callStartEpochMs + ev.atMs);
    if (ev.layer === 'fallback') {
      if (FALLBACK_MOVES.has(ev.action)) fallbacks++;
    }
    else if (ev.layer === 'hedge') {
      if (ev.action === 'start') hedges++;
      else if (ev.action === 'win' && ev.target !== undefined) out[N.ATTR_SY_HEDGE_WINNER] = ev.target;
    }
    else if (ev.layer === 'split' && ev.action === 'arm') {
      const arm = ev.detail?.arm ?? ev.target;
      if (arm !== undefined) out[N.ATTR_SY_SPLIT_ARM] = arm;
    }
  }
  if (fallbacks > 0) out[N.ATTR_SY_FALLBACK_COUNT] = fallbacks;
  if (hedges > 0) out[N.ATTR_SY_HEDGE_COUNT] = hedges;
}
