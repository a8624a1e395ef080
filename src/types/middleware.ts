import type { AttemptRecord } from './attempt.js';
import type { AttemptGuard } from './guard.js';
import type { NormalizedRequest, RequestMetadata } from './request.js';
import type { ProviderCapabilities } from './provider-adapter.js';
import type { AttemptLimits, RoutingEvent, TargetHealthRegistry } from './routing.js';
import type { Target } from './target.js';
import type { StreamEvent } from './stream-event.js';

/** Everything a layer knows about the call it is wrapping. Read-only: change things through `next`. */
export interface CallContext {
  /** Unique per gateway call. */
  readonly id: string;
  /** Whether the caller asked for a complete response or a stream. Layers see events either way. */
  readonly mode: 'generate' | 'stream';
  /** Where the call is addressed now: an alias or `provider/model`. */
  readonly model: string;
  /** The model string the caller asked for. */
  readonly requestedModel: string;
  readonly request: NormalizedRequest;
  readonly metadata: Readonly<RequestMetadata>;
  /** Fires on caller abort, deadline, or when the caller stops reading the stream. */
  readonly signal: AbortSignal;
  /** Epoch ms by which the whole call must finish, if it has a deadline. */
  readonly deadline: number | undefined;
  /** Attempts made so far in this call (shared by all layers; the attempt core appends). */
  readonly attempts: AttemptRecord[];
  /** Per-call scratch space shared by all layers; key by a symbol you own. */
  readonly state: Map<unknown, unknown>;
  /** Routing decisions so far (shared by all layers); add yours with `record`. */
  readonly routing: RoutingEvent[];
  /** Time limits the attempt core applies to attempts made from this branch. */
  readonly limits: AttemptLimits | undefined;
  /** Guards (budgets, rate limits) the attempt core asks before each attempt of this branch, outermost first. */
  readonly guards: readonly AttemptGuard[];
  /** Health of every target (latency, in-flight, circuit state), shared by all calls of the gateway. */
  readonly health: TargetHealthRegistry;
  /** `performance.now()` when the call started. */
  readonly startedAt: number;
  /**
   * Where a model string goes: the target and its adapter's capabilities for `provider/model`,
   * undefined for an alias (its own layers decide). Throws InvalidRequestError for unknown names.
   */
  resolve(model: string): ResolvedModel | undefined;
}

export interface ResolvedModel {
  target: Target;
  kind: string;
  capabilities: ProviderCapabilities;
}

/** What a layer may change when it calls the next one. */
export interface NextOptions {
  /** Send the call somewhere else: an alias or `provider/model`. */
  model?: string;
  request?: NormalizedRequest;
  metadata?: RequestMetadata;
  /** An extra signal for this branch only (e.g. to cancel a losing hedge); the call's signal still applies. */
  signal?: AbortSignal;
  /** Time limits for attempts made from this branch (replaces the branch's current ones). */
  limits?: AttemptLimits;
  /** Guards to add for attempts made from this branch (after the branch's current ones). */
  guards?: readonly AttemptGuard[];
}

/** Calls the rest of the onion. May be called zero, one or several times; each call is a fresh branch. */
export type Next = (options?: NextOptions) => AsyncIterable<StreamEvent>;

/**
 * One layer of the onion. The same `handle` serves generate and stream calls: it returns the events
 * of the call (a non-streaming answer arrives as one burst of events), and may transform them, act on
 * the final `finish`, or produce them itself.
 */
export interface Middleware {
  readonly name: string;
  handle(ctx: CallContext, next: Next): AsyncIterable<StreamEvent>;
}

/** A layer given as a bare function (its name is the function's name). */
export type MiddlewareFunction = (ctx: CallContext, next: Next) => AsyncIterable<StreamEvent>;

export type MiddlewareInput = Middleware | MiddlewareFunction;
