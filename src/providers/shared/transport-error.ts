import { ConnectionError, ProviderError, ProviderTimeoutError } from '../../errors/provider-error.js';
import type { Target } from '../../types/target.js';

/**
 * Errors that happen below the provider's API: sockets reset, bodies cut (`TypeError: terminated`),
 * DNS failures, undici timeouts. Returns undefined for anything else so the adapter can map it.
 * Abort is not handled here: the attempt core decides between caller abort and deadline.
 */
export function transportError(err: unknown, target: Target): ProviderError | undefined {
  if (!(err instanceof Error)) return undefined;
  const code = (err as { code?: unknown }).code ?? (err.cause as { code?: unknown } | undefined)?.code;
  const base = { provider: target.provider, model: target.model, cause: err };
  if (err.name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'ETIMEDOUT') {
    return new ProviderTimeoutError({ ...base, message: `timed out: ${err.message}` });
  }
  if (
    (err instanceof TypeError && /terminated|fetch failed|network/i.test(err.message)) ||
    (typeof code === 'string' && /^(ECONNRESET|ECONNREFUSED|EPIPE|ENOTFOUND|EAI_AGAIN|UND_ERR_SOCKET|UND_ERR_CLOSED|ECONNABORTED)$/.test(code)) ||
    /socket hang up|other side closed|Incomplete JSON segment/i.test(err.message)
  ) {
    return new ConnectionError({ ...base, message: `connection failed: ${err.message}` });
  }
  return undefined;
}

/** Throws the signal's reason (or a generic abort) when an SDK ended a stream silently after abort. */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason ?? new DOMException('aborted', 'AbortError');
}
