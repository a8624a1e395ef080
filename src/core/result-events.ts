import type { AdapterResult } from '../types/provider-adapter.js';
import type { StreamEvent } from '../types/stream-event.js';
import type { Target } from '../types/target.js';

/**
 * Presents a complete (non-streaming) answer as the same events a stream would produce, so every
 * layer handles generate and stream calls with one code path.
 */
export function resultToEvents(result: AdapterResult, target: Target): StreamEvent[] {
  const events: StreamEvent[] = [];
  let toolIndex = 0;
  for (const part of result.content) {
    if (part.type === 'text') {
      if (part.text !== '') events.push({ type: 'text-delta', text: part.text });
    } else if (part.type === 'reasoning') {
      const ev: StreamEvent = { type: 'reasoning-delta', text: part.text };
      if (part.providerMetadata) ev.providerMetadata = part.providerMetadata;
      events.push(ev);
    } else {
      const index = toolIndex++;
      events.push({ type: 'tool-call-start', index, id: part.id, name: part.name });
      if (part.argumentsText !== '') events.push({ type: 'tool-call-delta', index, id: part.id, argumentsDelta: part.argumentsText });
      const end: StreamEvent = {
        type: 'tool-call-end',
        index,
        id: part.id,
        name: part.name,
        arguments: part.arguments,
        argumentsText: part.argumentsText,
      };
      if (part.providerMetadata) end.providerMetadata = part.providerMetadata;
      events.push(end);
    }
  }
  events.push({
    type: 'finish',
    finishReason: result.finishReason,
    rawFinishReason: result.rawFinishReason,
    usage: result.usage,
    responseId: result.id,
    responseModel: result.model,
    target,
    requestId: result.requestId,
    raw: result.raw,
  });
  return events;
}
