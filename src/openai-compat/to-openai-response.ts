import type { ChatCompletion, ChatCompletionChunk, ChatCompletionMessageToolCall } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import type { FinishReason } from '../types/finish-reason.js';
import type { ChatResponse } from '../types/response.js';
import type { Usage } from '../types/usage.js';

type OpenAIFinish = ChatCompletion.Choice['finish_reason'];

export function toOpenAIFinishReason(reason: FinishReason): OpenAIFinish {
  switch (reason) {
    case 'length':
      return 'length';
    case 'tool-calls':
      return 'tool_calls';
    case 'content-filter':
      return 'content_filter';
    default:
      return 'stop';
  }
}

export function toOpenAIUsage(usage: Usage): CompletionUsage {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.totalTokens,
    prompt_tokens_details: { cached_tokens: usage.cacheReadTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
  };
}

/** A switchyard response in the shape of an OpenAI `chat.completion`, whichever provider served it. */
export function toChatCompletion(res: ChatResponse, fallbackId: string): ChatCompletion {
  const toolCalls: ChatCompletionMessageToolCall[] = res.toolCalls.map((tc) => ({
    id: tc.id,
    type: 'function',
    function: { name: tc.name, arguments: tc.argumentsText },
  }));
  const message: ChatCompletion.Choice['message'] = {
    role: 'assistant',
    content: res.text === '' && toolCalls.length > 0 ? null : res.text,
    refusal: null,
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  const completion: ChatCompletion = {
    id: res.id ?? fallbackId,
    object: 'chat.completion',
    created: Math.floor(res.timing.startedAt / 1000),
    model: res.model,
    choices: [{ index: 0, message, finish_reason: toOpenAIFinishReason(res.finishReason), logprobs: null }],
  };
  if (res.usage) completion.usage = toOpenAIUsage(res.usage);
  return completion;
}

export type ChunkDelta = ChatCompletionChunk.Choice['delta'];
