import type { AdapterCallOptions } from '../../types/provider-adapter.js';

/** `server.address` / `server.port` for telemetry, from an SDK's base URL; the port defaults by scheme. */
export function serverFromUrl(baseURL: string | undefined): { address: string; port?: number } | undefined {
  if (!baseURL) return undefined;
  try {
    const url = new URL(baseURL);
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : url.protocol === 'http:' ? 80 : undefined;
    return port === undefined ? { address: url.hostname } : { address: url.hostname, port };
  } catch {
    return undefined;
  }
}

/**
 * The per-request timeout for SDKs whose timeout covers the wait for headers only (OpenAI,
 * Anthropic): the earlier of the call's remaining time and the headers limit, as a positive integer
 * (those SDKs accept nothing else). Undefined when neither is set.
 */
export function headersTimeout(call: AdapterCallOptions): number | undefined {
  const { timeoutMs, headersTimeoutMs } = call;
  const ms = timeoutMs === undefined ? headersTimeoutMs : headersTimeoutMs === undefined ? timeoutMs : Math.min(timeoutMs, headersTimeoutMs);
  return ms === undefined ? undefined : Math.max(1, Math.ceil(ms));
}
