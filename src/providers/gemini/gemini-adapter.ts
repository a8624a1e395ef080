import type { GenerateContentResponse, GoogleGenAI } from '@google/genai';
import { serverFromUrl } from '../shared/sdk-call.js';
import type { AdapterCallOptions, AdapterResult, ProviderAdapter, StreamCallOptions } from '../../types/provider-adapter.js';
import type { NormalizedRequest } from '../../types/request.js';
import type { StreamEvent } from '../../types/stream-event.js';
import { mapGeminiError } from './map-error.js';
import { toGenerateParams } from './map-request.js';
import { fromGenerateResponse } from './map-response.js';
import { streamGemini } from './map-stream.js';

export interface GeminiAdapterOptions {
  /** Whether the model continues from a trailing assistant message. @default false */
  assistantPrefill?: boolean;
}

const DEFAULT_SERVER = { address: 'generativelanguage.googleapis.com', port: 443 };

/**
 * An adapter over the host's own `GoogleGenAI` client (Gemini Developer API; Vertex clients work
 * the same way). The client is used as given: its key, base URL, headers and fetch.
 */
export function gemini(client: GoogleGenAI, options: GeminiAdapterOptions = {}): ProviderAdapter {
  return {
    kind: 'gemini',
    server: serverOf(client),
    capabilities: { assistantPrefill: options.assistantPrefill ?? false },

    async generate(request: NormalizedRequest, call: AdapterCallOptions): Promise<AdapterResult> {
      const params = toGenerateParams(request, call, call.signal);
      let response: GenerateContentResponse;
      try {
        response = await client.models.generateContent(params);
      } catch (err) {
        throw mapGeminiError(err, call);
      }
      return fromGenerateResponse(response, call.target);
    },

    stream(request: NormalizedRequest, call: StreamCallOptions): AsyncIterable<StreamEvent> {
      return streamGemini(client, request, call);
    },
  };
}

/** The SDK keeps the resolved base URL (option, environment, or default) on its internal API client. */
function serverOf(client: GoogleGenAI): { address: string; port?: number } {
  let baseUrl: unknown;
  try {
    baseUrl = (client as unknown as { apiClient?: { getBaseUrl?: () => unknown } }).apiClient?.getBaseUrl?.();
  } catch {
    return DEFAULT_SERVER;
  }
  return (typeof baseUrl === 'string' ? serverFromUrl(baseUrl) : undefined) ?? DEFAULT_SERVER;
}
