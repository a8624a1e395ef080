import type {
  ChatCompletion,
  ChatCompletionCreateParams,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import type { Gateway } from '../gateway/create-gateway.js';
import { InvalidRequestError } from '../errors/invalid-request-error.js';
import { fromOpenAIParams, type OpenAICompatRequestOptions } from './from-openai-params.js';
import { toChatCompletion } from './to-openai-response.js';
import { toOpenAIStream, type OpenAICompatStream } from './to-openai-chunks.js';

export interface OpenAICompletionsFacade {
  create(body: ChatCompletionCreateParamsNonStreaming, options?: OpenAICompatRequestOptions): Promise<ChatCompletion>;
  create(body: ChatCompletionCreateParamsStreaming, options?: OpenAICompatRequestOptions): Promise<OpenAICompatStream>;
  create(body: ChatCompletionCreateParams, options?: OpenAICompatRequestOptions): Promise<ChatCompletion | OpenAICompatStream>;
}

/** `gateway.openai`: the Chat Completions API surface, served by whichever provider the model routes to. */
export interface OpenAIFacade {
  readonly chat: { readonly completions: OpenAICompletionsFacade };
}

export interface OpenAIFacadeOptions {
  /**
   * Provider that bare model names (no `/`, not an alias) go to. Default: the first registered
   * provider of kind `openai`.
   */
  provider?: string;
}

let compatCounter = 0;

export function createOpenAIFacade(gateway: Gateway, options: OpenAIFacadeOptions = {}): OpenAIFacade {
  const bareProvider = (): string | undefined =>
    options.provider ?? gateway.providers.find((name) => gateway.provider(name)?.kind === 'openai');

  const modelFor = (model: string): string => {
    if (typeof model !== 'string' || model === '') throw new InvalidRequestError('model', 'must be a non-empty string');
    if (model.includes('/') || gateway.aliases.includes(model)) return model;
    const provider = bareProvider();
    if (!provider) throw new InvalidRequestError('model', `'${model}' has no provider prefix and no OpenAI provider is registered`);
    return `${provider}/${model}`;
  };

  async function create(body: ChatCompletionCreateParams, opts?: OpenAICompatRequestOptions): Promise<ChatCompletion | OpenAICompatStream> {
    const request = fromOpenAIParams(body, modelFor(body.model), opts);
    const id = `chatcmpl-sy${++compatCounter}`;
    if (body.stream) {
      return toOpenAIStream(gateway.stream(request), id, body.model, body.stream_options?.include_usage === true);
    }
    return toChatCompletion(await gateway.chat(request), id);
  }

  return { chat: { completions: { create: create as OpenAICompletionsFacade['create'] } } };
}
