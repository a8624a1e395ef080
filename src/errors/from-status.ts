import {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ContentPolicyError,
  ContextLengthError,
  NotFoundError,
  OverloadedError,
  PermissionDeniedError,
  ProviderError,
  type ProviderErrorInit,
  QuotaExceededError,
  RateLimitError,
  RequestTimeoutError,
  ServerError,
} from './provider-error.js';

export interface StatusErrorInit extends ProviderErrorInit {
  status: number | undefined;
}

// Codes and message fragments the three providers use for these rejections. Matched case-insensitively.
const CONTEXT_LENGTH_CODES = new Set(['context_length_exceeded', 'string_above_max_length', 'model_context_window_exceeded']);
const CONTEXT_LENGTH_TEXT = /context[ _-]?(length|window)|maximum context|prompt is too long|too many tokens|input token count.*exceeds/i;
const CONTENT_POLICY_CODES = new Set(['content_policy_violation', 'content_filter', 'responsibleaipolicyviolation', 'safety', 'prohibited_content', 'blocklist', 'spii']);
const CONTENT_POLICY_TEXT = /content[ _-]?(management )?polic|content[ _-]filter|safety system/i;
const OVERLOAD_CODES = new Set(['overloaded_error', 'server_is_overloaded', 'unavailable']);
const OVERLOAD_TEXT = /overloaded/i;
const QUOTA_CODES = new Set(['insufficient_quota', 'billing_error']);
// In-band stream errors carry no HTTP status; their type or code stands in for it.
const STATUS_OF_CODE: Record<string, number> = {
  rate_limit_error: 429,
  rate_limit_exceeded: 429,
  resource_exhausted: 429,
  invalid_request_error: 400,
  invalid_argument: 400,
  authentication_error: 401,
  invalid_api_key: 401,
  unauthenticated: 401,
  permission_error: 403,
  permission_denied: 403,
  not_found_error: 404,
  not_found: 404,
  model_not_found: 404,
  timeout_error: 408,
  deadline_exceeded: 504,
  api_error: 500,
  server_error: 500,
  internal: 500,
};

/** Picks the error class from the HTTP status, the provider's code, and (last) its message. */
export function providerErrorFromStatus(init: StatusErrorInit): ProviderError {
  const code = init.providerCode?.toLowerCase();
  const status = init.status ?? (code !== undefined ? STATUS_OF_CODE[code] : undefined);
  const text = init.message;
  if ((code && CONTEXT_LENGTH_CODES.has(code)) || ((status === 400 || status === 413 || status === undefined) && CONTEXT_LENGTH_TEXT.test(text))) {
    return new ContextLengthError(init);
  }
  if ((code && CONTENT_POLICY_CODES.has(code)) || ((status === 400 || status === undefined) && CONTENT_POLICY_TEXT.test(text))) {
    return new ContentPolicyError(init);
  }
  if (code && QUOTA_CODES.has(code)) return new QuotaExceededError(init);
  switch (status) {
    case 400:
    case 413:
    case 422:
      return new BadRequestError(init);
    case 401:
      return new AuthenticationError(init);
    case 402:
      return new QuotaExceededError(init);
    case 403:
      return new PermissionDeniedError(init);
    case 404:
      return new NotFoundError(init);
    case 408:
      return new RequestTimeoutError(init);
    case 409:
      return new ConflictError(init);
    case 429:
      return new RateLimitError(init);
    case 529:
      return new OverloadedError(init);
    default:
      break;
  }
  if ((code && OVERLOAD_CODES.has(code)) || OVERLOAD_TEXT.test(text)) return new OverloadedError(init);
  if (status !== undefined && status >= 500) return new ServerError(init);
  // An in-band stream error with no status and no recognisable code: treat as a server fault.
  if (status === undefined) return new ServerError(init);
  return new ProviderError(init);
}

interface HeaderSource {
  get(name: string): string | null | undefined;
}

/**
 * Reads the provider's wait hint: `retry-after-ms`, then `retry-after` as seconds or an HTTP date.
 * Returns undefined when absent or unparseable; never negative.
 */
export function parseRetryAfter(headers: HeaderSource | Record<string, string | undefined> | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const get = (name: string): string | null | undefined =>
    typeof (headers as HeaderSource).get === 'function' ? (headers as HeaderSource).get(name) : (headers as Record<string, string | undefined>)[name];
  const ms = get('retry-after-ms');
  if (ms != null && ms.trim() !== '') {
    const n = Number(ms);
    if (Number.isFinite(n) && n >= 0) return n;
  }
  const ra = get('retry-after');
  if (ra != null && ra.trim() !== '') {
    const secs = Number(ra);
    if (Number.isFinite(secs)) return secs >= 0 ? secs * 1000 : undefined;
    const date = Date.parse(ra);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  return undefined;
}

/** Parses a protobuf Duration string such as Gemini's `retryDelay: "43s"` or `"1.5s"` into ms. */
export function parseDurationString(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)s\s*$/.exec(value);
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}
