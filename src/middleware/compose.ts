import { branchSignal } from '../gateway/call-signal.js';
import type { CallContext, Middleware, MiddlewareInput, Next, NextOptions } from '../types/middleware.js';
import type { StreamEvent } from '../types/stream-event.js';

/** One step of the onion: the events of a call, given its context. */
export type Handler = (ctx: CallContext) => AsyncIterable<StreamEvent>;

/** Accepts a layer given as an object or a bare function. */
export function toMiddleware(input: MiddlewareInput): Middleware {
  if (typeof input === 'function') return { name: input.name || 'anonymous', handle: input };
  return input;
}

/** A branch's context: the parent's, with whatever the layer changed. */
export function deriveContext(ctx: CallContext, options: NextOptions): CallContext {
  return {
    ...ctx,
    model: options.model ?? ctx.model,
    request: options.request ?? ctx.request,
    metadata: options.metadata ?? ctx.metadata,
    signal: options.signal ? branchSignal(ctx.signal, options.signal) : ctx.signal,
    limits: options.limits ?? ctx.limits,
    guards: options.guards && options.guards.length > 0 ? [...ctx.guards, ...options.guards] : ctx.guards,
  };
}

/**
 * Builds the onion: `layers[0]` is outermost. Each layer gets a `next` bound to its own context, so a
 * layer may call it zero, one or many times, each with other options, and each call is a fresh branch.
 */
export function compose(layers: readonly Middleware[], terminal: Handler): Handler {
  let handler = terminal;
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i]!;
    const inner = handler;
    handler = (ctx) => {
      const next: Next = (options) => inner(options ? deriveContext(ctx, options) : ctx);
      const out = layer.handle(ctx, next);
      if (out == null || typeof (out as AsyncIterable<StreamEvent>)[Symbol.asyncIterator] !== 'function') {
        throw new TypeError(`middleware '${layer.name}' must return an AsyncIterable of events (write it as an async generator)`);
      }
      return out;
    };
  }
  return handler;
}
