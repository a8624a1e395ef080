import { SwitchyardError } from './switchyard-error.js';

export interface ProviderErrorInit {
  /** Registered provider name (or the adapter kind when unknown). */
  provider: string;
  model: string;
  message: string;
  /** HTTP status, when the error came with one. */
  status?: number;
  /** The provider's own error code or type, e.g. `context_length_exceeded`, `overloaded_error`. */
  providerCode?: string;
  retryAfterMs?: number;
  requestId?: string;
  cause?: unknown;
  /** Overrides the class default. */
  retryable?: boolean;
}

/**
 * An error from a provider call. Subclasses name the kind; `retryable` says whether trying the same
 * target again can help; `retryAfterMs` is the provider's own wait hint.
 */
export class ProviderError extends SwitchyardError {
  readonly provider: string;
  readonly model: string;
  readonly status: number | undefined;
  readonly providerCode: string | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly requestId: string | undefined;

  /** Whether errors of this class are retryable unless told otherwise. */
  protected static readonly defaultRetryable: boolean = false;
  protected static readonly errorCode: string = 'provider_error';

  constructor(init: ProviderErrorInit) {
    const ctor = new.target as unknown as typeof ProviderError;
    super(ctor.errorCode, `${init.provider}/${init.model}: ${init.message}`, { cause: init.cause });
    this.provider = init.provider;
    this.model = init.model;
    this.status = init.status;
    this.providerCode = init.providerCode;
    this.retryable = init.retryable ?? ctor.defaultRetryable;
    this.retryAfterMs = init.retryAfterMs;
    this.requestId = init.requestId;
  }
}

/** 400 / 422: the provider rejected the request as malformed. */
export class BadRequestError extends ProviderError {
  protected static override readonly errorCode: string = 'bad_request';
}
/** 401: bad or missing credentials (Gemini's API_KEY_INVALID arrives as 400 and lands here too). */
export class AuthenticationError extends ProviderError {
  protected static override readonly errorCode: string = 'authentication_error';
}
/** 403: the credentials lack access. */
export class PermissionDeniedError extends ProviderError {
  protected static override readonly errorCode: string = 'permission_denied';
}
/** 404: unknown model or endpoint. */
export class NotFoundError extends ProviderError {
  protected static override readonly errorCode: string = 'not_found';
}
/** The prompt does not fit the model's context window. Never retryable on the same model. */
export class ContextLengthError extends ProviderError {
  protected static override readonly errorCode: string = 'context_length_exceeded';
}
/** The provider refused the input on policy grounds (not a finish reason on a served answer). */
export class ContentPolicyError extends ProviderError {
  protected static override readonly errorCode: string = 'content_policy';
}
/** 408: the provider timed the request out. */
export class RequestTimeoutError extends ProviderError {
  protected static override readonly defaultRetryable: boolean = true;
  protected static override readonly errorCode: string = 'request_timeout';
}
/** 409: a conflicting concurrent request. */
export class ConflictError extends ProviderError {
  protected static override readonly defaultRetryable: boolean = true;
  protected static override readonly errorCode: string = 'conflict';
}
/** 429: rate limited. Quota exhaustion (`insufficient_quota`) is the non-retryable subclass. */
export class RateLimitError extends ProviderError {
  protected static override readonly defaultRetryable: boolean = true;
  protected static override readonly errorCode: string = 'rate_limited';
}
/** 429 that retrying will not fix: billing quota exhausted. */
export class QuotaExceededError extends RateLimitError {
  protected static override readonly defaultRetryable: boolean = false;
  protected static override readonly errorCode: string = 'quota_exceeded';
}
/** 5xx other than overload. */
export class ServerError extends ProviderError {
  protected static override readonly defaultRetryable: boolean = true;
  protected static override readonly errorCode: string = 'server_error';
}
/** 529, or 503 / in-band errors that say the provider is overloaded. */
export class OverloadedError extends ServerError {
  protected static override readonly errorCode: string = 'overloaded';
}
/** The connection failed or was reset before a complete answer arrived. */
export class ConnectionError extends ProviderError {
  protected static override readonly defaultRetryable: boolean = true;
  protected static override readonly errorCode: string = 'connection_error';
}
/** The SDK's own timeout fired while waiting for the provider. */
export class ProviderTimeoutError extends ProviderError {
  protected static override readonly defaultRetryable: boolean = true;
  protected static override readonly errorCode: string = 'provider_timeout';
}
/** A stream ended without the provider's terminal marker: the answer may be incomplete. */
export class StreamTruncatedError extends ProviderError {
  protected static override readonly defaultRetryable: boolean = true;
  protected static override readonly errorCode: string = 'stream_truncated';
}
/** A response the adapter could not interpret (malformed JSON, unexpected shape). */
export class InvalidResponseError extends ProviderError {
  protected static override readonly defaultRetryable: boolean = true;
  protected static override readonly errorCode: string = 'invalid_response';
}

/** An attempt exceeded one of its limits (headers, first token, idle gap); the call may go on elsewhere. */
export class AttemptTimeoutError extends ProviderError {
  protected static override readonly defaultRetryable: boolean = true;
  protected static override readonly errorCode: string = 'attempt_timeout';
  readonly phase: 'headers' | 'first-token' | 'idle';
  readonly limitMs: number;

  constructor(init: ProviderErrorInit & { phase: 'headers' | 'first-token' | 'idle'; limitMs: number }) {
    super(init);
    this.phase = init.phase;
    this.limitMs = init.limitMs;
  }
}
