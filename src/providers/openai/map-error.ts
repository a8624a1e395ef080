import type { OpenAI } from 'openai';
import { providerErrorFromStatus, parseRetryAfter } from '../../errors/from-status.js';
import { ConnectionError, InvalidResponseError, ProviderError, ProviderTimeoutError } from '../../errors/provider-error.js';
import type { Target } from '../../types/target.js';
import { transportError } from '../shared/transport-error.js';

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * The SDK's connection error classes, read off the host's client constructor (AzureOpenAI inherits
 * them) so that switchyard never loads `openai` at runtime.
 */
export interface OpenAIErrorClasses {
  connection: ErrorClass | undefined;
  timeout: ErrorClass | undefined;
}

export function errorClassesOf(client: OpenAI): OpenAIErrorClasses {
  const ctor = client.constructor as { APIConnectionError?: unknown; APIConnectionTimeoutError?: unknown };
  return {
    connection: typeof ctor.APIConnectionError === 'function' ? (ctor.APIConnectionError as ErrorClass) : undefined,
    timeout: typeof ctor.APIConnectionTimeoutError === 'function' ? (ctor.APIConnectionTimeoutError as ErrorClass) : undefined,
  };
}

/** What an SDK `APIError` carries; read structurally. */
interface APIErrorLike extends Error {
  status: number | undefined;
  headers: { get(name: string): string | null } | undefined;
  /** The inner `error` object of the body, when the body was JSON. */
  error: { message?: unknown; code?: unknown; type?: unknown } | undefined | null;
  code?: string | null;
  type?: string;
  requestID?: string | null;
}

function isAPIErrorLike(err: Error): err is APIErrorLike {
  return 'status' in err && 'headers' in err && 'error' in err;
}

/**
 * Maps anything the SDK (or its fetch) threw to a `ProviderError`. Callers handle errors caused by
 * their own abort signal before calling this.
 */
export function toProviderError(err: unknown, target: Target, classes: OpenAIErrorClasses): ProviderError {
  if (err instanceof ProviderError) return err;
  const base = { provider: target.provider, model: target.model, cause: err };
  if (!(err instanceof Error)) return new ProviderError({ ...base, message: String(err) });

  if ((classes.timeout && err instanceof classes.timeout) || err.constructor.name === 'APIConnectionTimeoutError') {
    return new ProviderTimeoutError({ ...base, message: `timed out waiting for response headers: ${err.message}` });
  }
  if ((classes.connection && err instanceof classes.connection) || err.constructor.name === 'APIConnectionError') {
    // The SDK wraps fetch's failure; classify by the underlying cause where it says more.
    return transportError(err.cause, target) ?? new ConnectionError({ ...base, message: `connection failed: ${err.message}` });
  }
  if (isAPIErrorLike(err)) {
    const inner = err.error && typeof err.error === 'object' ? err.error : undefined;
    const code = stringOr(inner?.code) ?? stringOr(inner?.type) ?? err.code ?? err.type ?? undefined;
    return providerErrorFromStatus({
      ...base,
      // An in-band stream error has no status; `providerErrorFromStatus` then classifies by code.
      status: typeof err.status === 'number' ? err.status : undefined,
      providerCode: code,
      message: stringOr(inner?.message) ?? err.message,
      retryAfterMs: err.headers ? parseRetryAfter(err.headers) : undefined,
      requestId: err.requestID ?? undefined,
    });
  }
  // The SDK parses each SSE frame with JSON.parse and lets the SyntaxError escape.
  if (err instanceof SyntaxError) return new InvalidResponseError({ ...base, message: `malformed response body or stream chunk: ${err.message}` });
  return transportError(err, target) ?? new ProviderError({ ...base, message: err.message });
}

function stringOr(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}
