import { recordRouting } from '../routing/record-routing.js';
import type { Message, NormalizedRequest, TextPart } from '../types/request.js';
import type { Middleware } from '../types/middleware.js';
import type { StreamEvent } from '../types/stream-event.js';
import { createRedactor, type RedactionSession, type RedactorOptions } from './redactor.js';
import { createStreamRestorer, type StreamRestorer } from './stream-restorer.js';

/** Options of `redactPII`: which types to detect, what to do with each, custom detectors, allow-list. */
export type RedactPIIOptions = RedactorOptions;

/**
 * Redacts PII in every message (all roles, tool calls' arguments, tool results, system prompts)
 * before the rest of the onion runs, so originals never reach the provider, telemetry's content
 * capture or an audit record; restores placeholders in the answer — text, reasoning and tool-call
 * arguments, streamed or not, even when a placeholder is split across chunks. A `block` action
 * throws PIIBlockedError before anything is sent. Counts per type (never values) are recorded on
 * `response.routing` (and so on the call span) as a `redact-pii` decision.
 *
 * Put it outermost among the layers that read content, so every layer after it sees redacted text.
 */
export function redactPII(options: RedactPIIOptions = {}): Middleware {
  // Detectors compiled and the hash salt chosen once, not per call.
  const redactor = createRedactor(options);
  return {
    name: 'redact-pii',
    async *handle(ctx, next) {
      const session = redactor.session();
      const request = redactRequest(ctx.request, session);
      const counts = session.counts;
      if (Object.keys(counts).length > 0) recordRouting(ctx, 'redact-pii', 'redact', undefined, { ...counts });
      if (session.size === 0) {
        // Nothing was replaced, so nothing can need restoring.
        yield* next({ request });
        return;
      }
      yield* restoreEvents(next({ request }), session);
    },
  };
}

function redactText(text: string, session: RedactionSession): string {
  return text === '' ? text : session.redact(text).text;
}

function redactParts<P extends { type: string }>(parts: P[], session: RedactionSession): P[] {
  return parts.map((p) => (p.type === 'text' ? { ...p, text: redactText((p as unknown as TextPart).text, session) } : p));
}

function redactMessage(m: Message, session: RedactionSession): Message {
  switch (m.role) {
    case 'system':
      return { ...m, content: typeof m.content === 'string' ? redactText(m.content, session) : redactParts(m.content, session) };
    case 'user':
      return { ...m, content: typeof m.content === 'string' ? redactText(m.content, session) : redactParts(m.content, session) };
    case 'tool':
      return { ...m, content: typeof m.content === 'string' ? redactText(m.content, session) : redactParts(m.content, session) };
    case 'assistant':
      if (typeof m.content === 'string') return { ...m, content: redactText(m.content, session) };
      return {
        ...m,
        content: m.content.map((p) => {
          if (p.type === 'text' || p.type === 'reasoning') return { ...p, text: redactText(p.text, session) };
          return { ...p, arguments: session.redactValue(p.arguments) };
        }),
      };
  }
}

/** Every message of every role, through one session so a value gets one placeholder per call. */
export function redactRequest(request: NormalizedRequest, session: RedactionSession): NormalizedRequest {
  return { ...request, messages: request.messages.map((m) => redactMessage(m, session)) };
}

/** Puts the originals back into the answer's events, holding back placeholders split across chunks. */
async function* restoreEvents(events: AsyncIterable<StreamEvent>, session: RedactionSession): AsyncGenerator<StreamEvent, void, undefined> {
  let text = createStreamRestorer(session);
  let reasoning = createStreamRestorer(session);
  let tools = new Map<number, StreamRestorer>();
  // Held-back text must come out before an event of another kind, to keep the order of content.
  function* flushText(): Generator<StreamEvent> {
    const t = text.flush();
    if (t) yield { type: 'text-delta', text: t };
    const r = reasoning.flush();
    if (r) yield { type: 'reasoning-delta', text: r };
  }
  for await (const ev of events) {
    switch (ev.type) {
      case 'text-delta': {
        const r = reasoning.flush();
        if (r) yield { type: 'reasoning-delta', text: r };
        const out = text.push(ev.text);
        if (out) yield { ...ev, text: out };
        break;
      }
      case 'reasoning-delta': {
        const t = text.flush();
        if (t) yield { type: 'text-delta', text: t };
        const out = reasoning.push(ev.text);
        // Provider metadata (a signature) must not be lost even when the text is held back.
        if (out || ev.providerMetadata) yield { ...ev, text: out };
        break;
      }
      case 'tool-call-start':
        yield* flushText();
        tools.set(ev.index, createStreamRestorer(session, { json: true }));
        yield ev;
        break;
      case 'tool-call-delta': {
        const out = tools.get(ev.index)?.push(ev.argumentsDelta) ?? session.restoreJson(ev.argumentsDelta);
        if (out) yield { ...ev, argumentsDelta: out };
        break;
      }
      case 'tool-call-end': {
        const rest = tools.get(ev.index)?.flush();
        tools.delete(ev.index);
        if (rest) yield { type: 'tool-call-delta', index: ev.index, id: ev.id, argumentsDelta: rest };
        yield { ...ev, argumentsText: session.restoreJson(ev.argumentsText), arguments: session.restoreValue(ev.arguments) };
        break;
      }
      case 'reset':
        // The answer restarts: whatever was held back belongs to the voided one.
        text = createStreamRestorer(session);
        reasoning = createStreamRestorer(session);
        tools = new Map();
        yield ev;
        break;
      case 'finish':
        yield* flushText();
        yield ev;
        break;
    }
  }
}
