import type { OpenAI } from 'openai';
import { readTail } from '../shared/read-tail.js';
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

/** How the adapter asked for the stream; decides which frame completes it. */
export interface ChatStreamOptions {
  /**
   * Whether the request set `stream_options.include_usage`, so a usage chunk (`choices: []`) follows
   * the `finish_reason` chunk. When left undefined it is inferred from the chunks: OpenAI and Azure
   * put `usage: null` on every chunk of such a stream.
   */
  includeUsage?: boolean;
}

/**
 * How long a complete stream may take to deliver its closing frames (`[DONE]`, the end of the body)
 * once its `finish` has been yielded. Reading them lets the HTTP connection be reused; a server that
 * stalls instead is hung up on after this, so the stream still ends promptly.
 */

/**
 * Turns Chat Completions chunks into stream events. The completion signal is a `finish_reason` on
 * the choice, followed (when usage was requested) by the usage chunk; `finish` is yielded as soon as
 * both are in, without waiting for `[DONE]`. When it is not known whether usage was requested, a
 * usage chunk is awaited for at most STREAM_TAIL_GRACE_MS after the finish_reason. Only choice 0
 * is read.
 */
export async function* mapChatStream(
  chunks: AsyncIterable<Chunk>,
  target: Target,
  requestId: string | undefined,
  signal: AbortSignal,
  options: ChatStreamOptions = {},
): AsyncGenerator<StreamEvent, void, undefined> {
  let id: string | undefined;
  let model: string | undefined;
  let usage: Usage | undefined;
  let rawFinishReason: string | undefined;
  let refused = false;
  let expectUsage = options.includeUsage;
  const calls: OpenToolCall[] = [];
  const callsByIndex = new Map<number, OpenToolCall>();
  // Iterated by hand so the stream can stop at its completion signal and still read the tail after.
  const it = chunks[Symbol.asyncIterator]();
  // Set once `it` has ended by itself; until then leaving means returning it (the SDK then aborts).
  let ended = false;
  let complete = false;

  try {
    while (!complete) {
      let step: IteratorResult<Chunk>;
      try {
        step = await it.next();
      } catch (err) {
        ended = true;
        throw err;
      }
      if (step.done) {
        ended = true;
        break;
      }
      const chunk = step.value;
      if (typeof chunk !== 'object' || chunk === null) {
        throw new InvalidResponseError({ provider: target.provider, model: target.model, message: `unexpected stream chunk: ${String(chunk)}`, requestId });
      }
      // Azure opens with a `choices: []` chunk whose id and model are empty strings.
      if (id === undefined && chunk.id) id = chunk.id;
      if (model === undefined && chunk.model) model = chunk.model;
      if (chunk.usage) usage = mapUsage(chunk.usage);
      else if (expectUsage === undefined && 'usage' in chunk) expectUsage = true;
      const choices = Array.isArray(chunk.choices) ? chunk.choices : [];

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
      // The answer is complete with its finish_reason and, when one is coming, the usage chunk.
      // `[DONE]` adds nothing, and a server that never sends it must not hold the stream open.
      complete = rawFinishReason !== undefined && (usage !== undefined || !expectUsage);
    }

    // The SDK ends the loop silently both when our signal aborts it and when the body just stops.
    if (!complete) throwIfAborted(signal);
    if (rawFinishReason === undefined) {
      throw new StreamTruncatedError({
        provider: target.provider,
        model: target.model,
        message: 'stream ended without a finish_reason',
        requestId,
      });
    }
    const hangUp = (): void => (chunks as { controller?: AbortController }).controller?.abort();
    if (complete && usage === undefined && expectUsage === undefined && !ended) {
      // Not known whether a usage chunk follows (the adapter did not say, and the chunks carry no
      // `usage` field): take one if it arrives within the grace period.
      ended = true;
      await readTail(it, hangUp, (c) => {
        const late = (c as Partial<Chunk> | null)?.usage;
        if (late) usage = mapUsage(late);
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
    if (!ended) {
      ended = true;
      await readTail(it, hangUp);
    }
  } finally {
    // Left early (an error, or the consumer stopped reading): returning the SDK's iterator aborts
    // its request, so the socket closes.
    if (!ended) await it.return?.();
  }
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
