import type { GenerateContentResponse, GenerateContentResponseUsageMetadata, GoogleGenAI } from '@google/genai';
import { readTail } from '../shared/read-tail.js';
import { StreamTruncatedError } from '../../errors/provider-error.js';
import type { StreamCallOptions } from '../../types/provider-adapter.js';
import type { NormalizedRequest } from '../../types/request.js';
import type { StreamEvent } from '../../types/stream-event.js';
import { throwIfAborted } from '../shared/transport-error.js';
import { mapGeminiError } from './map-error.js';
import { toGenerateParams } from './map-request.js';
import { mapFinishReason, mapUsage, noCandidateError, requestIdOf, toolCallOf } from './map-response.js';

/**
 * How long a complete stream may take to end its body after the chunk that carried `finishReason`.
 * Reading to the end lets the HTTP connection be reused; a server that stalls instead is hung up on
 * after this, so the stream still ends promptly.
 */

/**
 * Streams one `generateContentStream` call as switchyard events. Gemini has no end-of-stream
 * marker: a candidate's `finishReason` is the only sign the answer is complete, so `finish` is
 * yielded right after the chunk that carries it (with its usage) instead of waiting for the body
 * to end.
 */
export async function* streamGemini(client: GoogleGenAI, request: NormalizedRequest, call: StreamCallOptions): AsyncGenerator<StreamEvent, void, undefined> {
  const { target, signal } = call;
  // Closing the SDK's iterator only releases its reader; the socket stays open until the fetch is
  // aborted. This controller lets a consumer that stops early hang up.
  const hangUp = new AbortController();
  const params = toGenerateParams(request, call, AbortSignal.any([signal, hangUp.signal]));
  let chunks: AsyncGenerator<GenerateContentResponse> | undefined;
  // Set once the SDK's iterator has ended by itself; until then leaving means hanging up.
  let ended = false;
  try {
    try {
      chunks = await client.models.generateContentStream(params);
    } catch (err) {
      ended = true;
      throw mapGeminiError(err, call);
    }

    let rawFinishReason: string | undefined;
    let usage: GenerateContentResponseUsageMetadata | undefined;
    let responseId: string | undefined;
    let responseModel: string | undefined;
    let requestId: string | undefined;
    let toolCalls = 0;
    while (rawFinishReason === undefined) {
      let step: IteratorResult<GenerateContentResponse>;
      try {
        step = await chunks.next();
      } catch (err) {
        ended = true;
        throw mapGeminiError(err, call);
      }
      if (step.done) {
        ended = true;
        break;
      }
      const chunk = step.value;
      responseId ??= chunk.responseId;
      responseModel ??= chunk.modelVersion;
      requestId ??= requestIdOf(chunk);
      if (chunk.usageMetadata) usage = chunk.usageMetadata;
      const candidate = chunk.candidates?.[0];
      if (!candidate) {
        // Usage-only chunks happen; a blocked prompt comes as a chunk with only promptFeedback.
        if (chunk.promptFeedback?.blockReason) throw noCandidateError(chunk, target);
        continue;
      }
      for (const part of candidate.content?.parts ?? []) {
        if (part.functionCall) {
          // Gemini sends each call whole, so its arguments are one delta.
          const toolCall = toolCallOf(part);
          const index = toolCalls++;
          yield { type: 'tool-call-start', index, id: toolCall.id, name: toolCall.name };
          yield { type: 'tool-call-delta', index, id: toolCall.id, argumentsDelta: toolCall.argumentsText };
          yield toolCall.providerMetadata
            ? { type: 'tool-call-end', index, id: toolCall.id, name: toolCall.name, arguments: toolCall.arguments, argumentsText: toolCall.argumentsText, providerMetadata: toolCall.providerMetadata }
            : { type: 'tool-call-end', index, id: toolCall.id, name: toolCall.name, arguments: toolCall.arguments, argumentsText: toolCall.argumentsText };
        } else if (typeof part.text === 'string') {
          if (part.thought) {
            if (part.thoughtSignature !== undefined) {
              yield { type: 'reasoning-delta', text: part.text, providerMetadata: { thoughtSignature: part.thoughtSignature } };
            } else if (part.text !== '') {
              yield { type: 'reasoning-delta', text: part.text };
            }
          } else if (part.text !== '') {
            yield { type: 'text-delta', text: part.text };
          }
        }
      }
      // The finish reason may come in a later chunk than the function calls it ends; it completes
      // the answer (the loop stops after this chunk).
      if (candidate.finishReason !== undefined) rawFinishReason = candidate.finishReason as string;
    }

    if (rawFinishReason === undefined) {
      throwIfAborted(signal);
      throw new StreamTruncatedError({
        provider: target.provider,
        model: target.model,
        message: 'stream ended before any candidate reported a finishReason',
      });
    }
    yield {
      type: 'finish',
      finishReason: mapFinishReason(rawFinishReason, toolCalls > 0),
      rawFinishReason,
      usage: mapUsage(usage),
      responseId,
      responseModel,
      target,
      requestId,
      raw: undefined,
    };
    if (!ended) {
      ended = true;
      await readTail(chunks, () => hangUp.abort());
    }
  } finally {
    if (!ended) {
      hangUp.abort();
      await chunks?.return(undefined).catch(() => undefined);
    }
  }
}

