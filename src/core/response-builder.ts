import type { AttemptRecord } from '../types/attempt.js';
import type { ChatResponse, ResponseContentPart, ToolCall } from '../types/response.js';
import type { FinishEvent, StreamEvent } from '../types/stream-event.js';

/** Folds events into the final ChatResponse. The events are the single source of truth. */
export class ResponseBuilder {
  private readonly content: ResponseContentPart[] = [];
  private readonly toolCalls: ToolCall[] = [];
  private text = '';
  private reasoning: string | undefined;
  finish: FinishEvent | undefined;
  /** ms since the call started when the first content event arrived. */
  firstContentAt: number | undefined;

  add(ev: StreamEvent, elapsedMs: number): void {
    switch (ev.type) {
      case 'text-delta': {
        this.firstContentAt ??= elapsedMs;
        this.text += ev.text;
        const last = this.content[this.content.length - 1];
        if (last?.type === 'text') last.text += ev.text;
        else this.content.push({ type: 'text', text: ev.text });
        return;
      }
      case 'reasoning-delta': {
        this.firstContentAt ??= elapsedMs;
        this.reasoning = (this.reasoning ?? '') + ev.text;
        const last = this.content[this.content.length - 1];
        if (last?.type === 'reasoning') {
          last.text += ev.text;
          if (ev.providerMetadata) last.providerMetadata = { ...last.providerMetadata, ...ev.providerMetadata };
        } else {
          const part: ResponseContentPart = { type: 'reasoning', text: ev.text };
          if (ev.providerMetadata) part.providerMetadata = ev.providerMetadata;
          this.content.push(part);
        }
        return;
      }
      case 'tool-call-start':
      case 'tool-call-delta':
        this.firstContentAt ??= elapsedMs;
        return;
      case 'tool-call-end': {
        const call: ToolCall = { id: ev.id, name: ev.name, arguments: ev.arguments, argumentsText: ev.argumentsText };
        if (ev.providerMetadata) call.providerMetadata = ev.providerMetadata;
        this.toolCalls.push(call);
        this.content.push({ type: 'tool-call', ...call });
        return;
      }
      case 'finish':
        this.finish = ev;
        return;
    }
  }

  build(finish: FinishEvent, startedAt: number, latencyMs: number, attempts: AttemptRecord[]): ChatResponse {
    const timing: ChatResponse['timing'] = { startedAt, latencyMs };
    if (this.firstContentAt !== undefined) timing.timeToFirstTokenMs = this.firstContentAt;
    return {
      id: finish.responseId,
      provider: finish.target.provider,
      model: finish.responseModel ?? finish.target.model,
      target: finish.target,
      text: this.text,
      reasoning: this.reasoning,
      content: this.content,
      toolCalls: this.toolCalls,
      finishReason: finish.finishReason,
      rawFinishReason: finish.rawFinishReason,
      usage: finish.usage,
      requestId: finish.requestId,
      raw: finish.raw,
      timing,
      attempts,
    };
  }
}
