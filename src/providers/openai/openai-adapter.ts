import type { OpenAI } from 'openai';
import { headersTimeout, serverFromUrl } from '../shared/sdk-call.js';
import type { AdapterCallOptions, AdapterResult, ProviderAdapter, StreamCallOptions } from '../../types/provider-adapter.js';
import type { NormalizedRequest } from '../../types/request.js';
import type { StreamEvent } from '../../types/stream-event.js';
import { errorClassesOf, type OpenAIErrorClasses, toProviderError } from './map-error.js';
import { type RequestSettings, toChatCompletionBody } from './map-request.js';
import { fromChatCompletion } from './map-response.js';
import { mapChatStream } from './map-stream.js';

export interface OpenAIAdapterOptions {
  /**
   * Which body field carries `maxTokens`. OpenAI wants `max_completion_tokens` (reasoning models
   * reject `max_tokens`); many OpenAI-compatible servers (older vLLM and others) only know `max_tokens`.
   * @default 'max_completion_tokens'
   */
  maxTokensField?: 'max_completion_tokens' | 'max_tokens';
  /**
   * Send `stream_options: { include_usage: true }` so streams report usage. Turn off for
   * compatible servers that reject `stream_options`.
   * @default true
   */
  includeUsage?: boolean;
  /** Whether the server continues from a trailing assistant message. @default false */
  assistantPrefill?: boolean;
}

/**
 * An adapter over the host's own `OpenAI` (or `AzureOpenAI`, or an OpenAI-compatible server's)
 * client, using the Chat Completions API. The client is used as given: its key, baseURL and fetch.
 */
export function openai(client: OpenAI, options: OpenAIAdapterOptions = {}): ProviderAdapter {
  const settings: RequestSettings = {
    maxTokensField: options.maxTokensField ?? 'max_completion_tokens',
    includeUsage: options.includeUsage ?? true,
  };
  const classes = errorClassesOf(client);
  const server = serverFromUrl(client.baseURL);

  return {
    kind: 'openai',
    ...(server ? { server } : {}),
    capabilities: { assistantPrefill: options.assistantPrefill ?? false },

    async generate(request: NormalizedRequest, call: AdapterCallOptions): Promise<AdapterResult> {
      const body = toChatCompletionBody(request, call.target, false, settings);
      let result: { data: OpenAI.ChatCompletion; request_id: string | null };
      try {
        result = await client.chat.completions
          .create(body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming, requestOptions(call))
          .withResponse();
      } catch (err) {
        throw callError(err, call, classes);
      }
      return fromChatCompletion(result.data, result.request_id ?? undefined, call.target);
    },

    stream(request: NormalizedRequest, call: StreamCallOptions): AsyncIterable<StreamEvent> {
      return streamChat(client, toChatCompletionBody(request, call.target, true, settings), call, classes);
    },
  };
}

async function* streamChat(
  client: OpenAI,
  body: Record<string, unknown>,
  call: StreamCallOptions,
  classes: OpenAIErrorClasses,
): AsyncGenerator<StreamEvent, void, undefined> {
  let response: { data: AsyncIterable<OpenAI.ChatCompletionChunk> & { controller: AbortController }; request_id: string | null };
  try {
    response = await client.chat.completions
      .create(body as unknown as OpenAI.ChatCompletionCreateParamsStreaming, requestOptions(call))
      .withResponse();
  } catch (err) {
    throw callError(err, call, classes);
  }
  const sdkStream = response.data;
  let completed = false;
  try {
    // Whether a usage chunk will follow the finish_reason: the body says what was asked for.
    const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
    yield* mapChatStream(sdkStream, call.target, response.request_id ?? undefined, call.signal, { includeUsage });
    completed = true;
  } catch (err) {
    throw callError(err, call, classes);
  } finally {
    // A consumer that stops early (return()) or an error must not leave the HTTP response open.
    if (!completed) sdkStream.controller.abort();
  }
}

function requestOptions(call: AdapterCallOptions): { signal?: AbortSignal; maxRetries: number; timeout?: number } {
  // The gateway owns retries; the SDK's default of 2 would multiply every attempt by three.
  const opts: { signal?: AbortSignal; maxRetries: number; timeout?: number } = { maxRetries: 0 };
  if (call.signal) opts.signal = call.signal;
  // The SDK's timeout covers the wait for headers only, so it can carry the headers limit too.
  const timeout = headersTimeout(call);
  if (timeout !== undefined) opts.timeout = timeout;
  return opts;
}

/** Errors caused by our own signal go back untouched: the attempt core tells caller abort from deadline. */
function callError(err: unknown, call: AdapterCallOptions, classes: OpenAIErrorClasses): unknown {
  if (call.signal?.aborted) return err;
  return toProviderError(err, call.target, classes);
}

