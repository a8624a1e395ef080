import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { restartedError, type ChatStream } from '../core/chat-stream.js';
import { toOpenAIFinishReason, toOpenAIUsage, type ChunkDelta } from './to-openai-response.js';

/**
 * What `create({ stream: true })` returns: iterable like the openai SDK's `Stream`, with its
 * `controller` (aborting it cancels the call) and `toReadableStream()`.
 */
export interface OpenAICompatStream extends AsyncIterable<ChatCompletionChunk> {
  readonly controller: AbortController;
  toReadableStream(): ReadableStream<Uint8Array>;
}

/** Re-expresses a switchyard stream as OpenAI `chat.completion.chunk`s. */
export function toOpenAIStream(stream: ChatStream, id: string, model: string, includeUsage: boolean): OpenAICompatStream {
  const controller = new AbortController();
  controller.signal.addEventListener('abort', () => stream.abort(controller.signal.reason), { once: true });
  const created = Math.floor(Date.now() / 1000);

  async function* chunks(): AsyncGenerator<ChatCompletionChunk> {
    const chunk = (delta: ChunkDelta, finish: ChatCompletionChunk.Choice['finish_reason'] = null): ChatCompletionChunk => {
      const c: ChatCompletionChunk = { id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] };
      if (includeUsage) c.usage = null;
      return c;
    };
    yield chunk({ role: 'assistant', content: '' });
    // Chat Completions has no way to take back delivered content, so a restart after content is an error.
    let delivered = '';
    let events = 0;
    for await (const ev of stream) {
      switch (ev.type) {
        case 'reset':
          if (events > 0) throw restartedError(ev, delivered, events);
          break;
        case 'text-delta':
          delivered += ev.text;
          events++;
          yield chunk({ content: ev.text });
          break;
        case 'tool-call-start':
          events++;
          yield chunk({ tool_calls: [{ index: ev.index, id: ev.id, type: 'function', function: { name: ev.name, arguments: '' } }] });
          break;
        case 'tool-call-delta':
          yield chunk({ tool_calls: [{ index: ev.index, function: { arguments: ev.argumentsDelta } }] });
          break;
        case 'finish': {
          const last = chunk({}, toOpenAIFinishReason(ev.finishReason));
          if (ev.responseModel) last.model = ev.responseModel;
          yield last;
          if (includeUsage && ev.usage) {
            yield { id, object: 'chat.completion.chunk', created, model: ev.responseModel ?? model, choices: [], usage: toOpenAIUsage(ev.usage) };
          }
          break;
        }
        default:
          // reasoning and tool-call-end have no Chat Completions chunk of their own
          break;
      }
    }
  }

  return {
    controller,
    [Symbol.asyncIterator]: () => chunks(),
    toReadableStream() {
      const it = chunks();
      const enc = new TextEncoder();
      return new ReadableStream<Uint8Array>({
        async pull(ctrl) {
          const { value, done } = await it.next();
          if (done) ctrl.close();
          else ctrl.enqueue(enc.encode(`${JSON.stringify(value)}\n`));
        },
        async cancel() {
          await it.return(undefined);
        },
      });
    },
  };
}
