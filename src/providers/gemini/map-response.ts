import type { GenerateContentResponse, GenerateContentResponseUsageMetadata, Part } from '@google/genai';
import { ContentPolicyError, InvalidResponseError, type ProviderError } from '../../errors/provider-error.js';
import type { FinishReason } from '../../types/finish-reason.js';
import type { AdapterResult } from '../../types/provider-adapter.js';
import type { ResponseContentPart, ToolCall } from '../../types/response.js';
import type { Target } from '../../types/target.js';
import type { Usage } from '../../types/usage.js';
import { makeUsage } from '../shared/usage.js';

// Gemini's reasons for withholding or cutting an answer on policy grounds.
const CONTENT_FILTER_REASONS = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

/** Turns a complete `generateContent` response into switchyard's result. */
export function fromGenerateResponse(response: GenerateContentResponse, target: Target): AdapterResult {
  const candidate = response.candidates?.[0];
  if (!candidate) throw noCandidateError(response, target);
  const content: ResponseContentPart[] = [];
  let toolCalls = 0;
  for (const part of candidate.content?.parts ?? []) {
    if (part.functionCall) {
      content.push({ type: 'tool-call', ...toolCallOf(part) });
      toolCalls++;
    } else if (typeof part.text === 'string') {
      if (part.thought) {
        if (part.text === '' && part.thoughtSignature === undefined) continue;
        content.push(
          part.thoughtSignature !== undefined
            ? { type: 'reasoning', text: part.text, providerMetadata: { thoughtSignature: part.thoughtSignature } }
            : { type: 'reasoning', text: part.text },
        );
      } else if (part.text !== '') {
        content.push({ type: 'text', text: part.text });
      }
    }
  }
  const rawFinishReason = candidate.finishReason as string | undefined;
  return {
    id: response.responseId,
    model: response.modelVersion,
    content,
    finishReason: mapFinishReason(rawFinishReason, toolCalls > 0),
    rawFinishReason,
    usage: mapUsage(response.usageMetadata),
    requestId: requestIdOf(response),
    raw: response,
  };
}

/** A `functionCall` part as a tool call. Gemini's Developer API sends no call id, so one is made up. */
export function toolCallOf(part: Part): ToolCall {
  const call = part.functionCall!;
  const args = call.args ?? {};
  const toolCall: ToolCall = { id: call.id || newToolCallId(), name: call.name ?? '', arguments: args, argumentsText: JSON.stringify(args) };
  if (part.thoughtSignature !== undefined) toolCall.providerMetadata = { thoughtSignature: part.thoughtSignature };
  return toolCall;
}

/**
 * Random rather than positional: the id lives on in conversation history, where another provider
 * may get it on fallback (Anthropic rejects repeated tool_use ids; OpenAI caps ids at 40 chars).
 */
function newToolCallId(): string {
  return `call_${globalThis.crypto.randomUUID().replaceAll('-', '').slice(0, 24)}`;
}

/** `STOP` also ends a turn that called functions; only the parts tell the two apart. */
export function mapFinishReason(raw: string | undefined, sawToolCall: boolean): FinishReason {
  if (raw === 'STOP') return sawToolCall ? 'tool-calls' : 'stop';
  if (raw === 'MAX_TOKENS') return 'length';
  if (raw !== undefined && CONTENT_FILTER_REASONS.has(raw)) return 'content-filter';
  return 'other';
}

/**
 * Gemini's `promptTokenCount` already includes cached tokens, and `candidatesTokenCount` excludes
 * thoughts: output is candidates + thoughts. Gemini reports no cache writes.
 */
export function mapUsage(usage: GenerateContentResponseUsageMetadata | undefined): Usage | undefined {
  if (!usage) return undefined;
  const thoughts = usage.thoughtsTokenCount ?? 0;
  return makeUsage({
    inputTokens: (usage.promptTokenCount ?? 0) + (usage.toolUsePromptTokenCount ?? 0),
    outputTokens: (usage.candidatesTokenCount ?? 0) + thoughts,
    cacheReadTokens: usage.cachedContentTokenCount ?? 0,
    reasoningTokens: thoughts,
  });
}

/** The Gemini API sends no request id header; a proxy in front of it may add one. */
export function requestIdOf(response: GenerateContentResponse): string | undefined {
  return response.sdkHttpResponse?.headers?.['x-request-id'];
}

/** A response without candidates: the prompt was blocked, or the answer is unusable. */
export function noCandidateError(response: GenerateContentResponse, target: Target): ProviderError {
  const feedback = response.promptFeedback;
  const blockReason = feedback?.blockReason as string | undefined;
  if (blockReason) {
    const detail = feedback?.blockReasonMessage ? `: ${feedback.blockReasonMessage}` : '';
    return new ContentPolicyError({
      provider: target.provider,
      model: target.model,
      message: `prompt blocked (blockReason ${blockReason})${detail}`,
      providerCode: blockReason,
    });
  }
  return new InvalidResponseError({ provider: target.provider, model: target.model, message: 'response has no candidates' });
}
