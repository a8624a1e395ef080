import type { FinishReason } from './finish-reason.js';
import type { NormalizedRequest } from './request.js';
import type { ResponseContentPart } from './response.js';
import type { StreamEvent } from './stream-event.js';
import type { Target } from './target.js';
import type { Usage } from './usage.js';

/** What the attempt core hands an adapter for one provider call. */
export interface AdapterCallOptions {
  target: Target;
  /**
   * Fires when this attempt must stop (caller abort, deadline, a layer abandoning it). Pass it to the
   * SDK. Absent when nothing can cancel the attempt (a generate call with no signal and no deadline):
   * the gateway never hands SDKs a long-lived signal, because they add a listener per request and
   * never remove it.
   */
  signal?: AbortSignal;
  /** Milliseconds left before the call's deadline, if it has one; pass to the SDK's timeout. */
  timeoutMs?: number;
  /**
   * Limit on the wait for response headers. Adapters whose SDK timeout covers only the headers
   * (OpenAI, Anthropic) pass `min(timeoutMs, headersTimeoutMs)` to it; others ignore it (the core's
   * first-token limit covers them).
   */
  headersTimeoutMs?: number;
}

/** Streams always carry a signal: a consumer that stops reading must be able to close the socket. */
export interface StreamCallOptions extends AdapterCallOptions {
  signal: AbortSignal;
}

/** A complete, normalized answer from a non-streaming provider call. */
export interface AdapterResult {
  id: string | undefined;
  model: string | undefined;
  content: ResponseContentPart[];
  finishReason: FinishReason;
  rawFinishReason: string | undefined;
  usage: Usage | undefined;
  requestId: string | undefined;
  raw: unknown;
}

/** Static facts about a provider the layers may use. */
export interface ProviderCapabilities {
  /** Whether a trailing assistant message is accepted as a prefill to continue from. */
  assistantPrefill?: boolean;
}

/**
 * Translates the unified request to one SDK's call, and its answer back. Adapters own per-provider
 * quirks (token arithmetic, finish reasons, error shapes, retry-after) and nothing else: no retries,
 * no routing, no telemetry.
 *
 * Contract:
 * - errors are thrown as `ProviderError` subclasses;
 * - `stream` yields content events and ends with exactly one `finish` event; a stream that ends
 *   without the provider's terminal marker throws `StreamTruncatedError`;
 * - when `signal` fires, the HTTP request is aborted; if the SDK then ends a stream silently the
 *   adapter throws `signal.reason`. Streams always get a signal.
 */
export interface ProviderAdapter {
  /** Adapter family: `openai`, `anthropic`, `gemini`, `mock`, or a custom value. */
  readonly kind: string;
  /** Upstream host and port, for telemetry (`server.address` / `server.port`). */
  readonly server?: { address: string; port?: number };
  readonly capabilities?: ProviderCapabilities;
  generate(request: NormalizedRequest, options: AdapterCallOptions): Promise<AdapterResult>;
  stream(request: NormalizedRequest, options: StreamCallOptions): AsyncIterable<StreamEvent>;
}
