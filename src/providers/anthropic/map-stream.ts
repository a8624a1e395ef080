import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { readTail } from '../shared/read-tail.js';
import { StreamTruncatedError } from '../../errors/provider-error.js';
import type { StreamEvent } from '../../types/stream-event.js';
import type { Target } from '../../types/target.js';
import { throwIfAborted } from '../shared/transport-error.js';
import { parseToolArguments } from '../shared/tool-arguments.js';
import { mapFinishReason } from './map-finish-reason.js';
import { toProviderError } from './map-error.js';
import { mapUsage } from './map-usage.js';

interface OpenToolCall {
  index: number;
  id: string;
  name: string;
  json: string;
}

/** Latest usage counts seen; `message_delta` repeats them cumulatively, so later values replace earlier ones. */
interface UsageCounts {
  input_tokens: number | null;
  output_tokens: number | null;
  cache_read_input_tokens: number | null;
  cache_creation_input_tokens: number | null;
  output_tokens_details: { thinking_tokens?: number | null } | null;
}

/**
 * How long a complete stream may take to deliver what follows its `finish` (`message_stop`, the end
 * of the body). Reading it lets the HTTP connection be reused; a server that stalls instead is hung
 * up on after this, so the stream still ends promptly.
 */

/**
 * Translates the raw Messages event stream into switchyard events.
 *
 * The completion signal is a `message_delta` with a `stop_reason` (it also carries the final usage):
 * `finish` is yielded right after it. `message_stop` adds nothing, so a stream that loses it, stalls
 * before it, or whose socket drops right after the stop reason is still complete.
 * A thinking block's `signature_delta` is passed on as a `reasoning-delta` with empty text and
 * `providerMetadata.signature`, at the point it arrives (just before the block stops).
 */
export async function* mapAnthropicStream(
  events: AsyncIterable<RawMessageStreamEvent>,
  target: Target,
  requestId: string | undefined,
  signal: AbortSignal,
): AsyncGenerator<StreamEvent, void, undefined> {
  let responseId: string | undefined;
  let responseModel: string | undefined;
  let stopReason: string | undefined;
  const usage: UsageCounts = {
    input_tokens: null,
    output_tokens: null,
    cache_read_input_tokens: null,
    cache_creation_input_tokens: null,
    output_tokens_details: null,
  };
  let sawUsage = false;
  const openTools = new Map<number, OpenToolCall>();
  let toolCount = 0;

  // Iterated by hand so the stream can stop at its completion signal and still read the tail after.
  const it = events[Symbol.asyncIterator]();
  // Set once `it` has ended by itself; until then leaving means returning it (the SDK then aborts).
  let ended = false;

  try {
    while (stopReason === undefined) {
      let step: IteratorResult<RawMessageStreamEvent>;
      try {
        step = await it.next();
      } catch (err) {
        ended = true;
        throw toProviderError(err, target, signal);
      }
      if (step.done) {
        ended = true;
        break;
      }
      const ev = step.value;
      switch (ev.type) {
        case 'message_start': {
          responseId = ev.message.id;
          responseModel = ev.message.model;
          if (ev.message.usage) {
            takeUsage(usage, ev.message.usage);
            sawUsage = true;
          }
          break;
        }
        case 'content_block_start': {
          const block = ev.content_block;
          if (block.type === 'text') {
            if (block.text) yield { type: 'text-delta', text: block.text };
          } else if (block.type === 'tool_use') {
            const call: OpenToolCall = { index: toolCount++, id: block.id, name: block.name, json: '' };
            openTools.set(ev.index, call);
            yield { type: 'tool-call-start', index: call.index, id: call.id, name: call.name };
          } else if (block.type === 'thinking') {
            if (block.thinking) yield { type: 'reasoning-delta', text: block.thinking };
          } else if (block.type === 'redacted_thinking') {
            yield { type: 'reasoning-delta', text: '', providerMetadata: { redactedData: block.data } };
          }
          break;
        }
        case 'content_block_delta': {
          const delta = ev.delta;
          switch (delta.type) {
            case 'text_delta':
              if (delta.text) yield { type: 'text-delta', text: delta.text };
              break;
            case 'input_json_delta': {
              const call = openTools.get(ev.index);
              if (call && delta.partial_json) {
                call.json += delta.partial_json;
                yield { type: 'tool-call-delta', index: call.index, id: call.id, argumentsDelta: delta.partial_json };
              }
              break;
            }
            case 'thinking_delta':
              if (delta.thinking) yield { type: 'reasoning-delta', text: delta.thinking };
              break;
            case 'signature_delta':
              yield { type: 'reasoning-delta', text: '', providerMetadata: { signature: delta.signature } };
              break;
            default:
              break;
          }
          break;
        }
        case 'content_block_stop': {
          const call = openTools.get(ev.index);
          if (call) {
            openTools.delete(ev.index);
            yield endOf(call);
          }
          break;
        }
        case 'message_delta': {
          if (ev.delta.stop_reason) stopReason = ev.delta.stop_reason;
          if (ev.usage) {
            takeUsage(usage, ev.usage);
            sawUsage = true;
          }
          break;
        }
        default:
          break;
      }
    }

    // The SDK ends the loop silently when the request is aborted.
    if (stopReason === undefined) {
      throwIfAborted(signal);
      throw new StreamTruncatedError({
        provider: target.provider,
        model: target.model,
        message: 'stream ended before message_delta carried a stop_reason',
        requestId,
      });
    }
    // Blocks are closed before `message_delta`; this only covers a server that skips the stop event.
    for (const call of openTools.values()) yield endOf(call);

    yield {
      type: 'finish',
      finishReason: mapFinishReason(stopReason),
      rawFinishReason: stopReason,
      usage: sawUsage ? mapUsage(usage) : undefined,
      responseId,
      responseModel,
      target,
      requestId,
      raw: undefined,
    };
    if (!ended) {
      ended = true;
      await readTail(it, () => (events as { controller?: AbortController }).controller?.abort());
    }
  } finally {
    // Left early (an error, or the consumer stopped reading): returning the SDK's iterator aborts
    // its request, so the socket closes.
    if (!ended) await it.return?.();
  }
}


function endOf(call: OpenToolCall): StreamEvent {
  return {
    type: 'tool-call-end',
    index: call.index,
    id: call.id,
    name: call.name,
    arguments: parseToolArguments(call.json),
    argumentsText: call.json,
  };
}

function takeUsage(into: UsageCounts, from: Partial<UsageCounts>): void {
  if (from.input_tokens != null) into.input_tokens = from.input_tokens;
  if (from.output_tokens != null) into.output_tokens = from.output_tokens;
  if (from.cache_read_input_tokens != null) into.cache_read_input_tokens = from.cache_read_input_tokens;
  if (from.cache_creation_input_tokens != null) into.cache_creation_input_tokens = from.cache_creation_input_tokens;
  if (from.output_tokens_details != null) into.output_tokens_details = from.output_tokens_details;
}
