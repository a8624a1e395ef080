import { providerErrorFromStatus, parseRetryAfter } from '../../errors/from-status.js';
import {
  AuthenticationError,
  BadRequestError,
  ConnectionError,
  InvalidResponseError,
  NotFoundError,
  PermissionDeniedError,
  ProviderError,
  type ProviderErrorInit,
  ProviderTimeoutError,
  RateLimitError,
  RequestTimeoutError,
  ServerError,
} from '../../errors/provider-error.js';
import type { Target } from '../../types/target.js';
import { transportError } from '../shared/transport-error.js';

/** The fields of the SDK's `APIError` we read, recognised structurally (no runtime SDK import). */
interface AnthropicApiErrorLike {
  status: number | undefined;
  headers: { get(name: string): string | null } | undefined;
  requestID?: string | null;
  type?: string | null;
  errorCode?: string | null;
  apiMessage?: string | null;
  message: string;
}

type ProviderErrorClass = new (init: ProviderErrorInit) => ProviderError;

/**
 * In-band `event: error` frames carry no HTTP status, only the error type; these are the classes
 * the same type gets when it comes as a status. Overload is left to `providerErrorFromStatus`.
 */
const IN_BAND_CLASSES: ReadonlyMap<string, ProviderErrorClass> = new Map<string, ProviderErrorClass>([
  ['invalid_request_error', BadRequestError],
  ['authentication_error', AuthenticationError],
  ['permission_error', PermissionDeniedError],
  ['not_found_error', NotFoundError],
  ['rate_limit_error', RateLimitError],
  ['timeout_error', RequestTimeoutError],
  ['api_error', ServerError],
]);

/**
 * Maps anything the SDK (or the fetch below it) threw to a `ProviderError`. Errors raised because
 * `signal` fired are returned unchanged: the attempt core tells caller abort from deadline.
 */
export function toProviderError(err: unknown, target: Target, signal: AbortSignal | undefined): unknown {
  if (err instanceof ProviderError) return err;
  if (signal?.aborted) return err;
  const base = { provider: target.provider, model: target.model, cause: err };
  if (!(err instanceof Error)) return new ProviderError({ ...base, message: String(err) });

  switch (err.name) {
    case 'APIConnectionTimeoutError':
      return new ProviderTimeoutError({ ...base, message: err.message });
    case 'APIConnectionError':
      return new ConnectionError({ ...base, message: connectionMessage(err) });
    case 'APIUserAbortError':
      // An abort we did not ask for (e.g. from the host's own middleware): the request simply did not finish.
      return new ConnectionError({ ...base, message: err.message });
    case 'SyntaxError':
      return new InvalidResponseError({ ...base, message: `malformed response: ${err.message}` });
    default:
      break;
  }
  if (isApiError(err)) return fromApiError(err, target);
  return transportError(err, target) ?? new ProviderError({ ...base, message: err.message });
}

function isApiError(err: Error): err is Error & AnthropicApiErrorLike {
  return 'status' in err && 'headers' in err && 'error' in err;
}

function fromApiError(err: Error & AnthropicApiErrorLike, target: Target): ProviderError {
  const init = {
    provider: target.provider,
    model: target.model,
    status: err.status,
    providerCode: err.errorCode ?? err.type ?? undefined,
    message: err.apiMessage ?? err.message,
    retryAfterMs: parseRetryAfter(err.headers),
    requestId: err.requestID ?? undefined,
    cause: err,
  };
  const mapped = providerErrorFromStatus(init);
  if (init.status !== undefined || mapped.constructor !== ServerError) return mapped;
  const cls = IN_BAND_CLASSES.get(err.type ?? '');
  return cls && cls !== ServerError ? new cls(init) : mapped;
}

/** The SDK's "Connection error." says nothing; the cause (e.g. ECONNRESET) does. */
function connectionMessage(err: Error): string {
  const cause = err.cause as { message?: unknown; cause?: { code?: unknown; message?: unknown } } | undefined;
  const detail = cause?.cause?.code ?? cause?.cause?.message ?? cause?.message;
  return typeof detail === 'string' ? `${err.message} (${detail})` : err.message;
}
