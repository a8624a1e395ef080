import type { CallContext } from '../types/middleware.js';
import type { RoutingEvent } from '../types/routing.js';

/** Appends a routing decision to the call's log (listed on the response, read by telemetry). */
export function recordRouting(
  ctx: CallContext,
  layer: string,
  action: string,
  target?: string,
  detail?: Record<string, string | number | boolean>,
): RoutingEvent {
  const ev: RoutingEvent = { layer, action, atMs: performance.now() - ctx.startedAt };
  if (target !== undefined) ev.target = target;
  if (detail !== undefined) ev.detail = detail;
  ctx.routing.push(ev);
  return ev;
}
