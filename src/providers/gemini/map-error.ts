import { parseDurationString, providerErrorFromStatus } from '../../errors/from-status.js';
import {
  AuthenticationError,
  InvalidResponseError,
  ProviderError,
  ProviderTimeoutError,
} from '../../errors/provider-error.js';
import type { AdapterCallOptions } from '../../types/provider-adapter.js';
import type { Target } from '../../types/target.js';
import { transportError } from '../shared/transport-error.js';

const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';
const ERROR_INFO = 'type.googleapis.com/google.rpc.ErrorInfo';
// Errors the SDK raises while turning a stream chunk into an object.
const CHUNK_PARSE_FAILURE = /exception parsing stream chunk|Response body is empty/;

/** The `error` object of a Google API error body (`google.rpc.Status` as JSON). */
interface GoogleRpcError {
  code?: unknown;
  message?: unknown;
  status?: unknown;
  details?: unknown;
}

/**
 * Maps anything the SDK throws to a `ProviderError`. Errors that follow from `call.signal` firing
 * are returned untouched: the attempt core decides between caller abort and deadline.
 */
export function mapGeminiError(err: unknown, call: AdapterCallOptions): unknown {
  if (call.signal?.aborted || err instanceof ProviderError) return err;
  const { target } = call;
  if (isApiError(err)) return fromApiError(err, target);
  if (err instanceof Error) {
    // The SDK reports its own `httpOptions.timeout` as a bare AbortError; ours was not fired.
    if (err.name === 'AbortError') {
      const within = call.timeoutMs !== undefined ? ` within ${Math.ceil(call.timeoutMs)} ms` : '';
      return new ProviderTimeoutError({ provider: target.provider, model: target.model, message: `no complete answer${within}`, cause: err });
    }
    const transport = transportError(err, target);
    if (transport) return transport;
    if (err instanceof SyntaxError || CHUNK_PARSE_FAILURE.test(err.message)) {
      return new InvalidResponseError({ provider: target.provider, model: target.model, message: `unreadable response: ${err.message}`, cause: err });
    }
  }
  return new ProviderError({
    provider: target.provider,
    model: target.model,
    message: err instanceof Error ? err.message : String(err),
    cause: err,
  });
}

function isApiError(err: unknown): err is Error & { status: number } {
  return err instanceof Error && err.name === 'ApiError' && typeof (err as { status?: unknown }).status === 'number';
}

/**
 * `ApiError` carries no headers and no parsed body: its message is the body's JSON, prefixed with
 * `got status: X. ` for in-stream errors, and wrapped once more when a stream's error response came
 * as `text/event-stream` (the SDK then stores the raw body text as the message).
 */
function fromApiError(err: Error & { status: number }, target: Target): ProviderError {
  const rpc = parseRpcError(err.message);
  const rpcStatus = typeof rpc?.status === 'string' ? rpc.status : undefined;
  const rpcMessage = typeof rpc?.message === 'string' ? rpc.message : err.message;
  let reason: string | undefined;
  let retryAfterMs: number | undefined;
  if (Array.isArray(rpc?.details)) {
    for (const detail of rpc.details as unknown[]) {
      if (typeof detail !== 'object' || detail === null) continue;
      const { '@type': type, retryDelay, reason: detailReason } = detail as Record<string, unknown>;
      if (type === RETRY_INFO) retryAfterMs = parseDurationString(retryDelay);
      else if (type === ERROR_INFO && typeof detailReason === 'string') reason = detailReason;
    }
  }
  const init = {
    provider: target.provider,
    model: target.model,
    message: rpcStatus ? `${rpcStatus}: ${rpcMessage}` : rpcMessage,
    status: err.status,
    providerCode: reason ?? rpcStatus,
    retryAfterMs,
    requestId: undefined,
    cause: err,
  };
  // An invalid key is a 400 INVALID_ARGUMENT on this API; only ErrorInfo.reason says it is auth.
  if (reason === 'API_KEY_INVALID' || rpcStatus === 'UNAUTHENTICATED') return new AuthenticationError(init);
  return providerErrorFromStatus(init);
}

function parseRpcError(message: string): GoogleRpcError | undefined {
  const start = message.indexOf('{');
  if (start < 0) return undefined;
  let error = rpcErrorOf(parseJson(message.slice(start)));
  if (error && typeof error.message === 'string' && error.message.trimStart().startsWith('{')) {
    error = rpcErrorOf(parseJson(error.message)) ?? error;
  }
  return error;
}

function rpcErrorOf(body: unknown): GoogleRpcError | undefined {
  const error = (body as { error?: unknown } | undefined)?.error;
  return typeof error === 'object' && error !== null ? (error as GoogleRpcError) : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
