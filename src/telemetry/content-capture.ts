import { diag } from '@opentelemetry/api';
import { resolveImage } from '../providers/shared/content.js';
import type { Message, NormalizedRequest, TextPart } from '../types/request.js';
import type { FinishEvent, StreamEvent } from '../types/stream-event.js';
import { finishReasonValue } from './attributes.js';

// Opt-in message content on attempt spans, as JSON strings in the GenAI conventions' message schema
// (`gen_ai.input.messages`, `gen_ai.output.messages`, `gen_ai.system_instructions`). The input comes
// from the request the attempt actually sent (after every layer, so after PII redaction); the output
// from the events the provider produced.

/**
 * Whether message content goes on spans.
 * - `false` / `'none'` (default): never.
 * - `true` / `'span'` / `'span_only'` / `'span_and_event'`: as attributes on the attempt span.
 * - `'event_only'`: asks for the `gen_ai.client.inference.operation.details` log event only, which
 *   needs the Logs API (not part of `@opentelemetry/api` 1.x); nothing is written on spans.
 */
export type ContentCapture = boolean | 'none' | 'span' | 'span_only' | 'event_only' | 'span_and_event';

export const CAPTURE_CONTENT_ENV = 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT';

/** Env values (case-insensitive) and whether each puts content on spans. Unknown values are ignored. */
const ENV_VALUES: Readonly<Record<string, boolean>> = {
  no_content: false,
  none: false,
  false: false,
  span_only: true,
  span_and_event: true,
  event_only: false,
  true: true,
};

/**
 * Whether content goes on spans. The env var, when set to a recognised value, wins over the option
 * (the convention's recommendation: an operator can turn capture off, or on, without a deploy).
 */
export function resolveContentCapture(option: ContentCapture | undefined, env: Readonly<Record<string, string | undefined>>): boolean {
  const raw = env[CAPTURE_CONTENT_ENV];
  if (raw !== undefined) {
    const fromEnv = ENV_VALUES[raw.trim().toLowerCase()];
    if (fromEnv !== undefined) return fromEnv;
  }
  if (option === undefined || option === false || option === 'none' || option === 'event_only') return false;
  return true;
}

// --- the conventions' message schema ---------------------------------------------------------------

export type MessagePart =
  | { type: 'text'; content: string }
  | { type: 'reasoning'; content: string }
  | { type: 'tool_call'; id?: string; name: string; arguments?: unknown }
  | { type: 'tool_call_response'; id?: string; response: unknown }
  | { type: 'uri'; modality: 'image'; mime_type?: string; uri: string }
  | { type: 'blob'; modality: 'image'; mime_type?: string; content: string };

export interface InputMessage {
  role: string;
  parts: MessagePart[];
  name?: string;
}

export interface OutputMessage {
  role: 'assistant';
  parts: MessagePart[];
  finish_reason: string;
}

/**
 * The JSON string of a content attribute, or undefined (and a diag warning) when the value will not
 * serialise (a BigInt or a cycle in caller-supplied tool arguments): content never fails a call.
 */
export function toJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch (err) {
    diag.warn('switchyard telemetry: message content could not be serialised and was left out', err);
    return undefined;
  }
}

/** Where an adapter kind puts system messages: sent separately (instructions) or kept in the history. */
function systemPlacement(kind: string): 'leading' | 'all' | 'none' {
  // Anthropic's adapter lifts the leading system messages into `system`; Gemini's lifts every one
  // into `systemInstruction`; OpenAI Chat Completions keeps them in the history.
  if (kind === 'anthropic') return 'leading';
  if (kind === 'gemini') return 'all';
  return 'none';
}

/** The request's messages in the conventions' schema, split as the adapter kind sends them. */
export function inputContent(request: NormalizedRequest, kind: string): { system: MessagePart[] | undefined; messages: InputMessage[] } {
  const placement = systemPlacement(kind);
  let system: MessagePart[] | undefined;
  const messages: InputMessage[] = [];
  let leading = true;
  for (const m of request.messages) {
    if (m.role === 'system' && (placement === 'all' || (placement === 'leading' && leading))) {
      (system ??= []).push(...textParts(m.content));
      continue;
    }
    leading = false;
    messages.push(inputMessage(m));
  }
  return { system, messages };
}

function textParts(content: string | TextPart[]): MessagePart[] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  return content.map((p) => ({ type: 'text', content: p.text }));
}

function inputMessage(m: Message): InputMessage {
  switch (m.role) {
    case 'system':
      return { role: 'system', parts: textParts(m.content) };
    case 'user': {
      const out: InputMessage = { role: 'user', parts: [] };
      if (m.name !== undefined) out.name = m.name;
      if (typeof m.content === 'string') out.parts.push({ type: 'text', content: m.content });
      else
        for (const p of m.content) {
          if (p.type === 'text') out.parts.push({ type: 'text', content: p.text });
          else {
            const img = resolveImage(p);
            if (img.kind === 'url') out.parts.push(img.mediaType ? { type: 'uri', modality: 'image', mime_type: img.mediaType, uri: img.url } : { type: 'uri', modality: 'image', uri: img.url });
            else out.parts.push({ type: 'blob', modality: 'image', mime_type: img.mediaType, content: img.data });
          }
        }
      return out;
    }
    case 'assistant': {
      const parts: MessagePart[] = [];
      if (typeof m.content === 'string') parts.push({ type: 'text', content: m.content });
      else
        for (const p of m.content) {
          if (p.type === 'text') parts.push({ type: 'text', content: p.text });
          else if (p.type === 'reasoning') parts.push({ type: 'reasoning', content: p.text });
          else parts.push({ type: 'tool_call', id: p.id, name: p.name, arguments: p.arguments });
        }
      return { role: 'assistant', parts };
    }
    case 'tool': {
      const text = typeof m.content === 'string' ? m.content : m.content.map((p) => p.text).join('');
      return { role: 'tool', parts: [{ type: 'tool_call_response', id: m.toolCallId, response: text }] };
    }
  }
}

/**
 * Collects one attempt's output from its events: consecutive text (and reasoning) deltas merge into
 * one part, tool calls are taken whole from `tool-call-end` with their parsed arguments.
 */
export class OutputCollector {
  private readonly parts: MessagePart[] = [];
  private open: { type: 'text' | 'reasoning'; content: string } | undefined;

  add(ev: StreamEvent): void {
    switch (ev.type) {
      case 'text-delta':
      case 'reasoning-delta': {
        const type = ev.type === 'text-delta' ? 'text' : 'reasoning';
        if (this.open?.type !== type) {
          this.open = { type, content: '' };
          this.parts.push(this.open);
        }
        this.open.content += ev.text;
        return;
      }
      case 'tool-call-end':
        this.open = undefined;
        this.parts.push({ type: 'tool_call', id: ev.id, name: ev.name, arguments: ev.arguments });
        return;
      default:
        return;
    }
  }

  get empty(): boolean {
    return this.parts.length === 0;
  }

  /** One output message (the gateway asks for one choice); `error` when the attempt did not finish. */
  messages(finish: FinishEvent | undefined): OutputMessage[] {
    const reason = finish ? finishReasonValue(finish.finishReason, finish.rawFinishReason) : 'error';
    return [{ role: 'assistant', parts: this.parts, finish_reason: reason }];
  }
}
