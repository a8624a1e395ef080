import type Anthropic from '@anthropic-ai/sdk';
import { headersTimeout, serverFromUrl } from '../shared/sdk-call.js';
import type {
  Message,
  MessageCreateParamsNonStreaming,
  MessageCreateParamsStreaming,
  RawMessageStreamEvent,
} from '@anthropic-ai/sdk/resources/messages';
import type { AdapterCallOptions, AdapterResult, ProviderAdapter, StreamCallOptions } from '../../types/provider-adapter.js';
import type { NormalizedRequest } from '../../types/request.js';
import type { StreamEvent } from '../../types/stream-event.js';
import { toProviderError } from './map-error.js';
import { toAnthropicBody } from './map-request.js';
import { fromAnthropicMessage } from './map-response.js';
import { mapAnthropicStream } from './map-stream.js';

export interface AnthropicAdapterOptions {
  /** `max_tokens` when the request sets none; the API requires one (default 4096). */
  defaultMaxTokens?: number;
  /** Whether the models behind this client accept a trailing assistant message as a prefill (default true). */
  assistantPrefill?: boolean;
}

const DEFAULT_MAX_TOKENS = 4096;
// BaseAnthropic.DEFAULT_TIMEOUT, for clients that do not expose `timeout`.
const SDK_DEFAULT_TIMEOUT_MS = 600_000;

interface SdkRequestOptions {
  signal?: AbortSignal;
  maxRetries: 0;
  timeout?: number;
}

/** The SDK's stream object: iterable, with the controller that owns its HTTP request. */
interface SdkStream extends AsyncIterable<RawMessageStreamEvent> {
  controller: AbortController;
}

/**
 * An adapter over the host's `Anthropic` client, calling the Messages API (`/v1/messages`).
 * The client is used as given (key, baseURL, fetch); only SDK retries are turned off per call.
 */
export function anthropic(client: Anthropic, options: AnthropicAdapterOptions = {}): ProviderAdapter {
  const defaultMaxTokens = options.defaultMaxTokens ?? DEFAULT_MAX_TOKENS;

  function requestOptions(call: AdapterCallOptions, streaming: boolean): SdkRequestOptions {
    const out: SdkRequestOptions = { maxRetries: 0 };
    if (call.signal) out.signal = call.signal;
    // The SDK's timeout covers the wait for headers only, so it can carry the headers limit too.
    // A key set to undefined would override the SDK's default, so it is set only with a value.
    const timeout = headersTimeout(call);
    if (timeout !== undefined) {
      out.timeout = timeout;
    } else if (!streaming) {
      // Without an explicit timeout, `messages.create` refuses non-streaming calls whose max_tokens
      // could run past 10 minutes ("Streaming is required…"). The client's own timeout keeps the
      // host's setting and lets the call through; the gateway's deadline still bounds it.
      out.timeout = typeof client.timeout === 'number' ? client.timeout : SDK_DEFAULT_TIMEOUT_MS;
    }
    return out;
  }

  return {
    kind: 'anthropic',
    server: serverFromUrl(client.baseURL),
    capabilities: { assistantPrefill: options.assistantPrefill ?? true },

    async generate(request: NormalizedRequest, call: AdapterCallOptions): Promise<AdapterResult> {
      const body = toAnthropicBody(request, call.target, defaultMaxTokens, false) as MessageCreateParamsNonStreaming;
      let message: Message;
      let requestId: string | undefined;
      try {
        const res = await client.messages.create(body, requestOptions(call, false)).withResponse();
        message = res.data;
        requestId = res.request_id ?? undefined;
      } catch (err) {
        throw toProviderError(err, call.target, call.signal);
      }
      return fromAnthropicMessage(message, call.target, requestId);
    },

    async *stream(request: NormalizedRequest, call: StreamCallOptions): AsyncIterable<StreamEvent> {
      const body = toAnthropicBody(request, call.target, defaultMaxTokens, true) as MessageCreateParamsStreaming;
      let sdkStream: SdkStream;
      let requestId: string | undefined;
      try {
        const res = await client.messages.create(body, requestOptions(call, true)).withResponse();
        sdkStream = res.data;
        requestId = res.request_id ?? undefined;
      } catch (err) {
        throw toProviderError(err, call.target, call.signal);
      }
      let completed = false;
      try {
        yield* mapAnthropicStream(sdkStream, call.target, requestId, call.signal);
        completed = true;
      } finally {
        // A consumer that stops early (or an error) must not leave the HTTP response open.
        if (!completed) sdkStream.controller.abort();
      }
    },
  };
}

