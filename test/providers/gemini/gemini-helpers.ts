import { GoogleGenAI, type HttpOptions } from '@google/genai';
import { gemini, type GeminiAdapterOptions } from '../../../src/providers/gemini/gemini-adapter.js';
import { startFakeGemini } from '../../../src/testing/fake-servers/start-fake-gemini.js';
import type { AdapterCallOptions, StreamCallOptions, ProviderAdapter } from '../../../src/types/provider-adapter.js';
import type { NormalizedRequest } from '../../../src/types/request.js';
import type { StreamEvent } from '../../../src/types/stream-event.js';
import type { Target } from '../../../src/types/target.js';

export type FakeGemini = Awaited<ReturnType<typeof startFakeGemini>>;

export const MODEL = 'gemini-2.5-flash';
/** Registered under a name other than the kind, to tell the two apart in errors and options. */
export const target: Target = { provider: 'google', model: MODEL, id: `google/${MODEL}` };

/** A real SDK client pointed at the fake, with the SDK's own defaults otherwise. */
export function geminiClient(server: FakeGemini, httpOptions: HttpOptions = {}, apiKey = 'g-test'): GoogleGenAI {
  return new GoogleGenAI({ apiKey, vertexai: false, httpOptions: { ...httpOptions, baseUrl: server.baseURL } });
}

export function geminiAdapter(server: FakeGemini, options?: GeminiAdapterOptions): ProviderAdapter {
  return gemini(geminiClient(server), options);
}

export function callOptions(overrides: Partial<StreamCallOptions> = {}): StreamCallOptions {
  return { target, signal: new AbortController().signal, ...overrides };
}

export function userRequest(text = 'hello', extra: Partial<NormalizedRequest> = {}): NormalizedRequest {
  return { messages: [{ role: 'user', content: text }], ...extra };
}

export async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const ev of events) out.push(ev);
  return out;
}

/** Runs `fn` and returns what it threw; fails when it does not throw. */
export async function caught(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to throw');
}

export function finishOf(events: StreamEvent[]): Extract<StreamEvent, { type: 'finish' }> {
  const finishes = events.filter((e) => e.type === 'finish');
  if (finishes.length !== 1) throw new Error(`expected exactly one finish event, got ${finishes.length}`);
  if (events[events.length - 1]!.type !== 'finish') throw new Error('finish is not the last event');
  return finishes[0] as Extract<StreamEvent, { type: 'finish' }>;
}

export function textOf(events: StreamEvent[]): string {
  return events.map((e) => (e.type === 'text-delta' ? e.text : '')).join('');
}
