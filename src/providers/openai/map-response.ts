import type { OpenAI } from 'openai';
import { InvalidResponseError } from '../../errors/provider-error.js';
import type { AdapterResult } from '../../types/provider-adapter.js';
import type { ResponseContentPart } from '../../types/response.js';
import type { Target } from '../../types/target.js';
import { contentText } from '../shared/content.js';
import { parseToolArguments } from '../shared/tool-arguments.js';
import { mapFinishReason } from './map-finish-reason.js';
import { mapUsage } from './map-usage.js';

/** Fields OpenAI-compatible servers add to the message: DeepSeek `reasoning_content`, vLLM/OpenRouter `reasoning`. */
interface CompatMessage {
  reasoning_content?: unknown;
  reasoning?: unknown;
}

interface CompatToolCall {
  /** Gemini's OpenAI-compatible endpoint puts the thought signature here. */
  extra_content?: unknown;
}

/** Turns a `chat.completion` object into the unified result. Only the first choice is read. */
export function fromChatCompletion(completion: OpenAI.ChatCompletion, requestId: string | undefined, target: Target): AdapterResult {
  const choice = typeof completion === 'object' && completion !== null && Array.isArray(completion.choices) ? completion.choices[0] : undefined;
  const message = choice?.message;
  if (!choice || typeof message !== 'object' || message === null) {
    throw new InvalidResponseError({
      provider: target.provider,
      model: target.model,
      message: 'response has no choices[0].message',
      requestId,
      cause: completion,
    });
  }

  const content: ResponseContentPart[] = [];
  const reasoning = reasoningText(message as CompatMessage);
  if (reasoning) content.push({ type: 'reasoning', text: reasoning });
  const text = typeof message.content === 'string' ? message.content : Array.isArray(message.content) ? contentText(message.content) : '';
  if (text) content.push({ type: 'text', text });
  const refused = typeof message.refusal === 'string' && message.refusal !== '';
  if (refused) content.push({ type: 'text', text: message.refusal! });

  let hasToolCalls = false;
  if (Array.isArray(message.tool_calls)) {
    for (const call of message.tool_calls) {
      if (call.type !== 'function' && call.type !== undefined) continue;
      const fn = (call as OpenAI.ChatCompletionMessageFunctionToolCall).function;
      const argumentsText = typeof fn?.arguments === 'string' ? fn.arguments : '';
      const part: ResponseContentPart = {
        type: 'tool-call',
        id: call.id,
        name: fn?.name ?? '',
        arguments: parseToolArguments(argumentsText),
        argumentsText,
      };
      const extra = (call as CompatToolCall).extra_content;
      if (extra !== undefined) part.providerMetadata = { extra_content: extra };
      content.push(part);
      hasToolCalls = true;
    }
  }

  const rawFinishReason = choice.finish_reason ?? undefined;
  return {
    id: completion.id,
    model: completion.model,
    content,
    finishReason: refused ? 'content-filter' : mapFinishReason(rawFinishReason, hasToolCalls),
    rawFinishReason,
    usage: mapUsage(completion.usage),
    requestId,
    raw: completion,
  };
}

/** Reasoning text a compatible server put on a message or a delta, or undefined. */
export function reasoningText(m: CompatMessage): string | undefined {
  const r = m.reasoning_content ?? m.reasoning;
  return typeof r === 'string' && r !== '' ? r : undefined;
}
