import type { AttemptRecord } from '../types/attempt.js';
import type { RoutingEvent } from '../types/routing.js';
import { sumCosts } from './instrumentation.js';
import type { ChatResponse, ResponseContentPart, ToolCall } from '../types/response.js';
import type { FinishEvent, StreamEvent } from '../types/stream-event.js';

/**
 * Folds events into the final ChatResponse. The events are the single source of truth, so a layer
 * that rewrites them (PII restore) changes the response too. `add` is on the per-chunk path: it
 * reads the clock once per call, not once per event.
 */
export class ResponseBuilder {
  private readonly content: ResponseContentPart[] = [];
  private readonly toolCalls: ToolCall[] = [];
  finish: FinishEvent | undefined;
  /** ms from the call's start to the first content event. */
  private firstContentAt: number | undefined;

  constructor(private readonly t0: number) {}

  add(ev: StreamEvent): void {
    if (ev.type === 'finish') {
      this.finish = ev;
      return;
    }
    if (ev.type === 'reset') {
      // A routing layer restarted the answer elsewhere: what came before is void.
      this.content.length = 0;
      this.toolCalls.length = 0;
      return;
    }
    if (this.firstContentAt === undefined) this.firstContentAt = performance.now() - this.t0;
    switch (ev.type) {
      case 'text-delta': {
        const last = this.content[this.content.length - 1];
        if (last?.type === 'text') last.text += ev.text;
        else this.content.push({ type: 'text', text: ev.text });
        return;
      }
      case 'reasoning-delta': {
        const last = this.content[this.content.length - 1];
        // Provider metadata (a signature) closes a reasoning block: the next delta starts a new one.
        if (last?.type === 'reasoning' && !last.providerMetadata) {
          last.text += ev.text;
          if (ev.providerMetadata) last.providerMetadata = ev.providerMetadata;
        } else {
          const part: ResponseContentPart = { type: 'reasoning', text: ev.text };
          if (ev.providerMetadata) part.providerMetadata = ev.providerMetadata;
          this.content.push(part);
        }
        return;
      }
      case 'tool-call-end': {
        const call: ToolCall = { id: ev.id, name: ev.name, arguments: ev.arguments, argumentsText: ev.argumentsText };
        if (ev.providerMetadata) call.providerMetadata = ev.providerMetadata;
        this.toolCalls.push(call);
        this.content.push({ type: 'tool-call', ...call });
        return;
      }
      default:
        return;
    }
  }

  build(finish: FinishEvent, startedAt: number, attempts: AttemptRecord[], routing: RoutingEvent[]): ChatResponse {
    const timing: ChatResponse['timing'] = { startedAt, latencyMs: performance.now() - this.t0 };
    if (this.firstContentAt !== undefined) timing.timeToFirstTokenMs = this.firstContentAt;
    let text = '';
    let reasoning: string | undefined;
    for (const p of this.content) {
      if (p.type === 'text') text += p.text;
      else if (p.type === 'reasoning') reasoning = (reasoning ?? '') + p.text;
    }
    return {
      id: finish.responseId,
      provider: finish.target.provider,
      model: finish.responseModel ?? finish.target.model,
      target: finish.target,
      text,
      reasoning,
      content: this.content,
      toolCalls: this.toolCalls,
      finishReason: finish.finishReason,
      rawFinishReason: finish.rawFinishReason,
      usage: finish.usage,
      cost: sumCosts(attempts.map((a) => a.cost)) ?? finish.cost,
      requestId: finish.requestId,
      raw: finish.raw,
      timing,
      attempts,
      routing,
    };
  }
}
