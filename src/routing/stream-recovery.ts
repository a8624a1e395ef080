import type { DeliveredContent } from '../errors/call-errors.js';
import { BadRequestError, ProviderError } from '../errors/provider-error.js';
import type { NormalizedRequest } from '../types/request.js';
import type { StreamEvent } from '../types/stream-event.js';

/**
 * What a routing layer should do when a stream breaks after content reached the caller:
 * - `error`: surface a `StreamInterruptedError` that says what was delivered (the default: text on
 *   a screen cannot be taken back, and splicing a second answer onto it would be wrong);
 * - `restart`: emit a `reset` event (the caller's content so far is void) and start the answer
 *   again on the next target;
 * - `continue`: ask the next target to continue the partial answer (sent as a trailing assistant
 *   message, a prefill) and stream the continuation without a reset. Only for targets whose adapter
 *   accepts prefill and only when the partial answer is plain text; otherwise, or when the target
 *   rejects the prefill, it restarts cleanly as with `restart`.
 */
export type InterruptMode = 'error' | 'restart' | 'continue';

/**
 * Tracks the content a stream has delivered to the caller since the last `reset`: what a
 * `StreamInterruptedError` reports and what a continuation sends as prefill. On the per-chunk path,
 * so it only appends.
 */
export class DeliveredTracker {
  private text = '';
  private reasoning = '';
  private toolCalls = 0;
  private events = 0;
  /** Only text so far: the partial answer can be sent back as an assistant prefill. */
  private textOnly = true;

  add(ev: StreamEvent): void {
    switch (ev.type) {
      case 'text-delta':
        this.text += ev.text;
        this.events++;
        return;
      case 'finish':
        return;
      case 'reset':
        this.clear();
        return;
      case 'reasoning-delta':
        this.reasoning += ev.text;
        break;
      case 'tool-call-end':
        this.toolCalls++;
        break;
      default:
        break;
    }
    this.textOnly = false;
    this.events++;
  }

  clear(): void {
    this.text = '';
    this.reasoning = '';
    this.toolCalls = 0;
    this.events = 0;
    this.textOnly = true;
  }

  snapshot(): DeliveredContent {
    return { text: this.text, reasoning: this.reasoning, toolCalls: this.toolCalls, events: this.events };
  }

  /** The partial answer to continue from, when it can be one: non-empty plain text. */
  prefillText(): string | undefined {
    return this.textOnly && this.text !== '' ? this.text : undefined;
  }
}

/**
 * The request that asks a model to continue `partial`: the original conversation with the partial
 * answer as the trailing assistant message. If the caller already ended with an assistant prefill,
 * the partial answer extends it.
 */
export function continuationRequest(request: NormalizedRequest, partial: string): NormalizedRequest {
  const messages = request.messages.slice();
  const last = messages[messages.length - 1];
  if (last?.role === 'assistant') {
    messages[messages.length - 1] =
      typeof last.content === 'string' ? { role: 'assistant', content: last.content + partial } : { role: 'assistant', content: [...last.content, { type: 'text', text: partial }] };
  } else {
    messages.push({ role: 'assistant', content: partial });
  }
  return { ...request, messages };
}

/**
 * A continuation request the target refused as malformed (some models take no prefill, e.g. with
 * extended thinking, or reject trailing whitespace). It is answered with a clean restart, never shown.
 */
export function isPrefillRejection(error: unknown): boolean {
  return error instanceof BadRequestError;
}

/** The target to name in a StreamInterruptedError: the attempt that broke, else the chain entry. */
export function brokenTarget(error: unknown, fallbackName: string): string {
  return error instanceof ProviderError ? `${error.provider}/${error.model}` : fallbackName;
}
