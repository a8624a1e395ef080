import type { OpenAI } from 'openai';
import { InvalidResponseError, StreamTruncatedError } from '../../errors/provider-error.js';
import type { StreamEvent } from '../../types/stream-event.js';
import type { Target } from '../../types/target.js';
import type { Usage } from '../../types/usage.js';
import { parseToolArguments } from '../shared/tool-arguments.js';
import { throwIfAborted } from '../shared/transport-error.js';
import { mapFinishReason } from './map-finish-reason.js';
import { reasoningText } from './map-response.js';
import { mapUsage } from './map-usage.js';

type Chunk = OpenAI.ChatCompletionChunk;
type ToolCallDelta = OpenAI.ChatCompletionChunk.Choice.Delta.ToolCall & { extra_content?: unknown };

interface OpenToolCall {
  position: number;
  id: string;
  name: string;
  argumentsText: string;
  providerMetadata: Record<string, unknown> | undefined;
  open: boolean;
}

/**
 * Turns Chat Completions chunks into stream events. The completion signal is a `finish_reason` on
 * the choice; `[DONE]` is not required after it, but the stream is read to its end so the usage
 * chunk (`choices: []`, sent after the finish) is not lost. Only choice 0 is read.
 */
export async function* mapChatStream(
  chunks: AsyncIterable<Chunk>,
  target: Target,
  requestId: string | undefined,
  signal: AbortSignal,
): AsyncGenerator<StreamEvent, void, undefined> {
  let id: string | undefined;
  let model: string | undefined;
  let usage: Usage | undefined;
  let rawFinishReason: string | undefined;
  let refused = false;
  const calls: OpenToolCall[] = [];
  const callsByIndex = new Map<number, OpenToolCall>();

  for await (const chunk of chunks) {
    if (typeof chunk !== 'object' || chunk === null) {
      throw new InvalidResponseError({ provider: target.provider, model: target.model, message: `unexpected stream chunk: ${String(chunk)}`, requestId });
    }
    // Azure opens with a `choices: []` chunk whose id and model are empty strings.
    if (id === undefined && chunk.id) id = chunk.id;
    if (model === undefined && chunk.model) model = chunk.model;
    if (chunk.usage) usage = mapUsage(chunk.usage);
    const choices = chunk.choices;
    if (!Array.isArray(choices)) continue;

    for (const choice of choices) {
      if (choice.index !== 0 && choice.index !== undefined) continue;
      const delta = choice.delta;
      if (delta) {
        const reasoning = reasoningText(delta as Parameters<typeof reasoningText>[0]);
        if (reasoning !== undefined) yield { type: 'reasoning-delta', text: reasoning };
        if (typeof delta.content === 'string' && delta.content !== '') yield { type: 'text-delta', text: delta.content };
        if (typeof delta.refusal === 'string' && delta.refusal !== '') {
          refused = true;
          yield { type: 'text-delta', text: delta.refusal };
        }
        const toolCalls = delta.tool_calls as ToolCallDelta[] | undefined;
        if (Array.isArray(toolCalls)) {
          for (let i = 0; i < toolCalls.length; i++) {
            const tc = toolCalls[i]!;
            // Some compatible servers leave out `index` and send each call whole.
            const index = typeof tc.index === 'number' ? tc.index : calls.length;
            let call = callsByIndex.get(index);
            if (!call) {
              call = {
                position: calls.length,
                id: tc.id || `call_${index}`,
                name: tc.function?.name ?? '',
                argumentsText: '',
                providerMetadata: tc.extra_content !== undefined ? { extra_content: tc.extra_content } : undefined,
                open: true,
              };
              calls.push(call);
              callsByIndex.set(index, call);
              yield { type: 'tool-call-start', index: call.position, id: call.id, name: call.name };
            }
            const fragment = tc.function?.arguments;
            if (typeof fragment === 'string' && fragment !== '') {
              call.argumentsText += fragment;
              yield { type: 'tool-call-delta', index: call.position, id: call.id, argumentsDelta: fragment };
            }
          }
        }
      }
      if (choice.finish_reason) {
        rawFinishReason = choice.finish_reason;
        yield* closeToolCalls(calls);
      }
    }
  }

  // The SDK ends the loop silently both when our signal aborts it and when the body just stops.
  throwIfAborted(signal);
  if (rawFinishReason === undefined) {
    throw new StreamTruncatedError({
      provider: target.provider,
      model: target.model,
      message: 'stream ended without a finish_reason',
      requestId,
    });
  }
  yield* closeToolCalls(calls);
  yield {
    type: 'finish',
    finishReason: refused ? 'content-filter' : mapFinishReason(rawFinishReason, calls.length > 0),
    rawFinishReason,
    usage,
    responseId: id,
    responseModel: model,
    target,
    requestId,
    raw: undefined,
  };
}

function* closeToolCalls(calls: OpenToolCall[]): Generator<StreamEvent, void, undefined> {
  for (const call of calls) {
    if (!call.open) continue;
    call.open = false;
    yield {
      type: 'tool-call-end',
      index: call.position,
      id: call.id,
      name: call.name,
      arguments: parseToolArguments(call.argumentsText),
      argumentsText: call.argumentsText,
      ...(call.providerMetadata ? { providerMetadata: call.providerMetadata } : {}),
    };
  }
}
