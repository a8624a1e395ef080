import type { ContentBlock, Message } from '@anthropic-ai/sdk/resources/messages';
import { InvalidResponseError } from '../../errors/provider-error.js';
import type { AdapterResult } from '../../types/provider-adapter.js';
import type { ResponseContentPart } from '../../types/response.js';
import type { Target } from '../../types/target.js';
import { mapFinishReason } from './map-finish-reason.js';
import { mapUsage } from './map-usage.js';

/** Turns a non-streaming Message into the adapter's result. */
export function fromAnthropicMessage(message: Message, target: Target, requestId: string | undefined): AdapterResult {
  // The SDK hands back the body as a string when the server did not send JSON.
  if (message === null || typeof message !== 'object' || !Array.isArray(message.content)) {
    throw new InvalidResponseError({
      provider: target.provider,
      model: target.model,
      message: 'response is not an Anthropic Message',
      requestId,
    });
  }
  const content: ResponseContentPart[] = [];
  for (const block of message.content) {
    const part = mapBlock(block);
    if (part) content.push(part);
  }
  return {
    id: message.id,
    model: message.model,
    content,
    finishReason: mapFinishReason(message.stop_reason),
    rawFinishReason: message.stop_reason ?? undefined,
    usage: mapUsage(message.usage),
    requestId,
    raw: message,
  };
}

/**
 * Thinking keeps its signature (and redacted thinking its opaque data) in `providerMetadata`, so
 * the request mapper can echo the blocks back unchanged when the conversation continues.
 * Server-tool blocks have no unified shape and are left in `raw`.
 */
function mapBlock(block: ContentBlock): ResponseContentPart | undefined {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text };
    case 'thinking':
      return { type: 'reasoning', text: block.thinking, providerMetadata: { signature: block.signature } };
    case 'redacted_thinking':
      return { type: 'reasoning', text: '', providerMetadata: { redactedData: block.data } };
    case 'tool_use': {
      const input = block.input ?? {};
      return { type: 'tool-call', id: block.id, name: block.name, arguments: input, argumentsText: JSON.stringify(input) };
    }
    default:
      return undefined;
  }
}
