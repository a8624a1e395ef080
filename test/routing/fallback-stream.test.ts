import { describe, expect, it } from 'vitest';
import { FallbackExhaustedError, StreamInterruptedError } from '../../src/errors/call-errors.js';
import { AttemptTimeoutError, ContentPolicyError, ServerError } from '../../src/errors/provider-error.js';
import { createGateway, type Gateway } from '../../src/index.js';
import { fallback, type FallbackOptions, type FallbackTarget } from '../../src/routing/fallback.js';
import { mockProvider, type MockProvider, type MockResponse } from '../../src/testing/index.js';
import type { AttemptRecord } from '../../src/types/attempt.js';
import type { Message } from '../../src/types/request.js';
import type { StreamEvent } from '../../src/types/stream-event.js';

const user = [{ role: 'user' as const, content: 'tell me' }];
const FAST: FallbackOptions = { backoff: { minDelayMs: 1, maxDelayMs: 4 } };

function chainGateway(providers: Record<string, MockProvider>, targets: Array<string | FallbackTarget>, options: FallbackOptions = {}): Gateway {
  return createGateway({ providers, models: { chain: [fallback(targets, { ...FAST, ...options })] }, circuitBreaker: false });
}

/** Streams the call, keeping every event, and returns them with the error (if any) and the response. */
async function run(gw: Gateway, messages: Message[] = user) {
  const stream = gw.stream({ model: 'chain', messages });
  const events: StreamEvent[] = [];
  let error: unknown;
  try {
    for await (const ev of stream) events.push(ev);
  } catch (err) {
    error = err;
  }
  const response = error === undefined ? await stream.response : undefined;
  return { events, error, response };
}

const shape = (events: StreamEvent[]) => events.map((e) => (e.type === 'text-delta' ? e.text : e.type === 'reset' ? `<reset ${e.reason} ${e.target}>` : `<${e.type}>`));
const outcomes = (attempts: AttemptRecord[] | undefined) => (attempts ?? []).map((a) => `${a.target.id}:${a.outcome}${a.error ? `(${a.error.name})` : ''}`);
/** `a` streams two pieces, then fails with a 503. */
const breaksMidStream: MockResponse = { chunks: ['Hel', 'lo ', 'world'], failAfterChunks: 2, error: { status: 503, message: 'upstream went away' } };
const lastMessage = (p: MockProvider, call = 0) => p.calls[call]!.request.messages.at(-1);

describe('fallback on streams: before the first content event', () => {
  it('fails over freely: nothing had reached the caller, so no reset', async () => {
    const a = mockProvider({ fallback: { error: { status: 503 } } });
    const b = mockProvider({ fallback: { chunks: ['The backup ', 'answered.'] } });
    const { events, error, response } = await run(chainGateway({ a, b }, ['a/x', 'b/y']));
    expect(error).toBeUndefined();
    expect(shape(events)).toEqual(['The backup ', 'answered.', '<finish>']);
    expect(response!.target.id).toBe('b/y');
    expect(outcomes(response!.attempts)).toEqual(['a/x:error(ServerError)', 'b/y:success']);
  });

  it('a stream that breaks before its first chunk is retried on the same target', async () => {
    const a = mockProvider({ responses: [{ chunks: ['never'], failAfterChunks: 0, error: { status: 500 } }], fallback: { chunks: ['second ', 'try'] } });
    const { events, response } = await run(chainGateway({ a, b: mockProvider() }, ['a/x', 'b/y']));
    expect(shape(events)).toEqual(['second ', 'try', '<finish>']);
    expect(outcomes(response!.attempts)).toEqual(['a/x:error(ServerError)', 'a/x:success']);
  });

  it('a first-token limit fails a silent stream over at once', async () => {
    const a = mockProvider({ fallback: { chunks: ['late'], latencyMs: 5_000 } });
    const b = mockProvider({ fallback: { chunks: ['on time'] } });
    const t0 = performance.now();
    const { events, response } = await run(chainGateway({ a, b }, ['a/x', 'b/y'], { limits: { firstTokenMs: 40 } }));
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(shape(events)).toEqual(['on time', '<finish>']);
    expect(outcomes(response!.attempts)).toEqual(['a/x:error(AttemptTimeoutError)', 'b/y:success']);
    expect(a.calls[0]!.aborted).toBe(true);
  });
});

describe("fallback on streams: after content, onInterrupt 'error' (default)", () => {
  it('throws StreamInterruptedError saying what was delivered, with the provider error as cause', async () => {
    const a = mockProvider({ fallback: breaksMidStream });
    const b = mockProvider();
    const { events, error } = await run(chainGateway({ a, b }, ['a/x', 'b/y']));
    expect(shape(events)).toEqual(['Hel', 'lo ']);
    expect(error).toBeInstanceOf(StreamInterruptedError);
    const err = error as StreamInterruptedError;
    expect(err.delivered).toEqual({ text: 'Hello ', reasoning: '', toolCalls: 0, events: 2 });
    expect(err.target).toBe('a/x');
    expect(err.cause).toBeInstanceOf(ServerError);
    expect((err.cause as ServerError).message).toContain('upstream went away');
    expect(b.calls).toHaveLength(0);
    expect(outcomes(err.attempts)).toEqual(['a/x:error(ServerError)']);
  });

  it('counts reasoning and complete tool calls in what was delivered', async () => {
    const a = mockProvider({ fallback: { reasoning: 'thinking', chunks: ['Sure'], toolCalls: [{ name: 'lookup', arguments: { q: 1 } }], failAfterChunks: 3, error: { status: 500 } } });
    const { error } = await run(chainGateway({ a, b: mockProvider() }, ['a/x', 'b/y']));
    expect((error as StreamInterruptedError).delivered).toEqual({ text: 'Sure', reasoning: 'thinking', toolCalls: 1, events: 5 });
  });

  it('an idle stall after content is an interruption too (the idle limit fired)', async () => {
    const a = mockProvider({ fallback: { chunks: ['a', 'b', 'c'], chunkDelayMs: 2_000 } });
    const t0 = performance.now();
    const { events, error } = await run(chainGateway({ a, b: mockProvider() }, ['a/x', 'b/y'], { limits: { idleMs: 40 } }));
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(shape(events)).toEqual(['a']);
    expect((error as StreamInterruptedError).cause).toBeInstanceOf(AttemptTimeoutError);
  });
});

describe("fallback on streams: onInterrupt 'restart'", () => {
  it('emits a reset, then the next target’s answer; the response is the restarted answer', async () => {
    const a = mockProvider({ fallback: breaksMidStream });
    const b = mockProvider({ fallback: { chunks: ['Fresh ', 'answer.'] } });
    const { events, error, response } = await run(chainGateway({ a, b }, ['a/x', 'b/y'], { onInterrupt: 'restart' }));
    expect(error).toBeUndefined();
    expect(shape(events)).toEqual(['Hel', 'lo ', '<reset ServerError b/y>', 'Fresh ', 'answer.', '<finish>']);
    expect(response!.text).toBe('Fresh answer.');
    expect(response!.target.id).toBe('b/y');
    expect(outcomes(response!.attempts)).toEqual(['a/x:error(ServerError)', 'b/y:success']);
    expect(response!.routing).toEqual([expect.objectContaining({ layer: 'fallback', action: 'restart', target: 'b/y', detail: { from: 'a/x', reason: 'ServerError' } })]);
    // A restart sends the original request, not the partial answer.
    expect(b.calls[0]!.request.messages).toEqual(user);
  });

  it('the restarted target fails over before content like any other: still one reset', async () => {
    const a = mockProvider({ fallback: breaksMidStream });
    const b = mockProvider({ fallback: { error: { status: 529 } } });
    const c = mockProvider({ fallback: { chunks: ['From c.'] } });
    const { events, response } = await run(chainGateway({ a, b, c }, ['a/x', 'b/y', 'c/z'], { onInterrupt: 'restart' }));
    expect(shape(events)).toEqual(['Hel', 'lo ', '<reset ServerError c/z>', 'From c.', '<finish>']);
    expect(response!.text).toBe('From c.');
    // Until a replacement answers, each move says what the new target is sent: a fresh request.
    expect(response!.routing.map((r) => `${r.action}:${r.target}:${String(r.detail?.from)}`)).toEqual(['restart:b/y:a/x', 'restart:c/z:b/y']);
  });

  it('when no target can restart, the caller keeps the partial answer and gets StreamInterruptedError (cause: FallbackExhaustedError)', async () => {
    const a = mockProvider({ fallback: breaksMidStream });
    const b = mockProvider({ fallback: { error: { status: 503 } } });
    const { events, error } = await run(chainGateway({ a, b }, ['a/x', 'b/y'], { onInterrupt: 'restart' }));
    expect(shape(events)).toEqual(['Hel', 'lo ']);
    const err = error as StreamInterruptedError;
    expect(err).toBeInstanceOf(StreamInterruptedError);
    expect(err.delivered.text).toBe('Hello ');
    expect(err.cause).toBeInstanceOf(FallbackExhaustedError);
    expect((err.cause as FallbackExhaustedError).errors.map((e) => e.name)).toEqual(['ServerError', 'ServerError']);
  });

  it('an error class the policy stops on is not restarted', async () => {
    const a = mockProvider({ fallback: { chunks: ['Hel', 'lo'], failAfterChunks: 1, error: { status: 400, code: 'content_filter', message: 'filtered' } } });
    const b = mockProvider();
    const { error } = await run(chainGateway({ a, b }, ['a/x', 'b/y'], { onInterrupt: 'restart' }));
    expect((error as StreamInterruptedError).cause).toBeInstanceOf(ContentPolicyError);
    expect(b.calls).toHaveLength(0);
  });

  it("the hook may restart on the same target ('retry' after content)", async () => {
    const a = mockProvider({ responses: [breaksMidStream], fallback: { chunks: ['Again.'] } });
    const b = mockProvider();
    const phases: string[] = [];
    const { events, response } = await run(
      chainGateway({ a, b }, ['a/x', 'b/y'], {
        onInterrupt: 'restart',
        policy: (_e, info) => {
          phases.push(info.phase);
          return 'retry';
        },
      }),
    );
    expect(phases).toEqual(['after-content']);
    expect(shape(events)).toEqual(['Hel', 'lo ', '<reset ServerError a/x>', 'Again.', '<finish>']);
    expect(response!.target.id).toBe('a/x');
    expect(b.calls).toHaveLength(0);
  });

  it('a generate call is never interrupted: the answer arrives whole, and a failure is a plain fail-over', async () => {
    const a = mockProvider({ fallback: { error: { status: 503 } } });
    const b = mockProvider({ fallback: { text: 'whole' } });
    const res = await chainGateway({ a, b }, ['a/x', 'b/y'], { onInterrupt: 'restart' }).chat({ model: 'chain', messages: user });
    expect(res.text).toBe('whole');
    expect(res.routing.map((r) => r.action)).toEqual(['fail-over']);
  });
});

describe("fallback on streams: onInterrupt 'continue'", () => {
  it('sends the partial answer as an assistant prefill and streams the continuation without a reset', async () => {
    const a = mockProvider({ fallback: breaksMidStream });
    const b = mockProvider({ capabilities: { assistantPrefill: true }, fallback: { chunks: ['world', '!'] } });
    const { events, error, response } = await run(chainGateway({ a, b }, ['a/x', 'b/y'], { onInterrupt: 'continue' }));
    expect(error).toBeUndefined();
    expect(shape(events)).toEqual(['Hel', 'lo ', 'world', '!', '<finish>']);
    expect(lastMessage(b)).toEqual({ role: 'assistant', content: 'Hello ' });
    expect(b.calls[0]!.request.messages).toHaveLength(2);
    expect(response!.text).toBe('Hello world!');
    expect(response!.target.id).toBe('b/y');
    expect(response!.routing).toEqual([expect.objectContaining({ action: 'continue', target: 'b/y', detail: { from: 'a/x', reason: 'ServerError' } })]);
  });

  it("extends the caller's own assistant prefill", async () => {
    const a = mockProvider({ fallback: breaksMidStream });
    const b = mockProvider({ capabilities: { assistantPrefill: true }, fallback: { chunks: ['world'] } });
    await run(chainGateway({ a, b }, ['a/x', 'b/y'], { onInterrupt: 'continue' }), [...user, { role: 'assistant', content: 'Answer: ' }]);
    expect(lastMessage(b)).toEqual({ role: 'assistant', content: 'Answer: Hello ' });
  });

  it('a continuation that breaks too is continued again from everything delivered', async () => {
    const a = mockProvider({ fallback: breaksMidStream });
    const b = mockProvider({ capabilities: { assistantPrefill: true }, fallback: { chunks: ['wor', 'ld'], failAfterChunks: 1, error: { status: 503 } } });
    const c = mockProvider({ capabilities: { assistantPrefill: true }, fallback: { chunks: ['ld!'] } });
    const { events, response } = await run(chainGateway({ a, b, c }, ['a/x', 'b/y', 'c/z'], { onInterrupt: 'continue' }));
    expect(shape(events)).toEqual(['Hel', 'lo ', 'wor', 'ld!', '<finish>']);
    expect(lastMessage(c)).toEqual({ role: 'assistant', content: 'Hello wor' });
    expect(response!.text).toBe('Hello world!');
  });

  it('restarts cleanly on a target that does not accept prefill', async () => {
    const a = mockProvider({ fallback: breaksMidStream });
    const b = mockProvider({ capabilities: { assistantPrefill: false }, fallback: { chunks: ['Fresh.'] } });
    const { events, response } = await run(chainGateway({ a, b }, ['a/x', 'b/y'], { onInterrupt: 'continue' }));
    expect(shape(events)).toEqual(['Hel', 'lo ', '<reset ServerError b/y>', 'Fresh.', '<finish>']);
    expect(b.calls[0]!.request.messages).toEqual(user);
    expect(response!.text).toBe('Fresh.');
    expect(response!.routing.map((r) => r.action)).toEqual(['restart']);
  });

  it('restarts cleanly when the target rejects the prefill: the rejection is never the error the caller sees', async () => {
    const a = mockProvider({ fallback: breaksMidStream });
    const b = mockProvider({
      capabilities: { assistantPrefill: true },
      responses: [{ error: { status: 400, message: 'This model does not support assistant message prefill.' } }],
      fallback: { chunks: ['Fresh.'] },
    });
    const { events, error, response } = await run(chainGateway({ a, b }, ['a/x', 'b/y'], { onInterrupt: 'continue' }));
    expect(error).toBeUndefined();
    expect(shape(events)).toEqual(['Hel', 'lo ', '<reset ServerError b/y>', 'Fresh.', '<finish>']);
    expect(b.calls).toHaveLength(2);
    expect(lastMessage(b, 0)).toEqual({ role: 'assistant', content: 'Hello ' });
    expect(b.calls[1]!.request.messages).toEqual(user);
    expect(response!.text).toBe('Fresh.');
    expect(outcomes(response!.attempts)).toEqual(['a/x:error(ServerError)', 'b/y:error(BadRequestError)', 'b/y:success']);
    expect(response!.routing.map((r) => `${r.action}:${String(r.detail?.reason)}`)).toEqual(['continue:ServerError', 'restart:prefill-rejected']);
  });

  it('a prefill rejection followed by failures still surfaces the failures, not the rejection', async () => {
    const a = mockProvider({ fallback: breaksMidStream });
    const b = mockProvider({ capabilities: { assistantPrefill: true }, responses: [{ error: { status: 400 } }], fallback: { error: { status: 503 } } });
    const { error } = await run(chainGateway({ a, b }, ['a/x', 'b/y'], { onInterrupt: 'continue' }));
    const cause = (error as StreamInterruptedError).cause as FallbackExhaustedError;
    expect(cause).toBeInstanceOf(FallbackExhaustedError);
    expect(cause.cause).toBeInstanceOf(ServerError);
  });

  it('restarts on an alias target: only a provider/model says whether it accepts prefill', async () => {
    const a = mockProvider({ fallback: breaksMidStream });
    const b = mockProvider({ capabilities: { assistantPrefill: true }, fallback: { chunks: ['Fresh.'] } });
    const gw = createGateway({ providers: { a, b }, models: { backup: 'b/y', chain: [fallback(['a/x', 'backup'], { ...FAST, onInterrupt: 'continue' })] }, circuitBreaker: false });
    const { events } = await run(gw);
    expect(shape(events)).toEqual(['Hel', 'lo ', '<reset ServerError backup>', 'Fresh.', '<finish>']);
    expect(b.calls[0]!.request.messages).toEqual(user);
  });

  it('restarts instead of continuing when the partial answer is not plain text', async () => {
    const a = mockProvider({ fallback: { reasoning: 'hmm', chunks: ['Hel', 'lo'], failAfterChunks: 2, error: { status: 503 } } });
    const b = mockProvider({ capabilities: { assistantPrefill: true }, fallback: { chunks: ['Fresh.'] } });
    const { events } = await run(chainGateway({ a, b }, ['a/x', 'b/y'], { onInterrupt: 'continue' }));
    expect(shape(events)).toEqual(['<reasoning-delta>', 'Hel', '<reset ServerError b/y>', 'Fresh.', '<finish>']);
    expect(b.calls[0]!.request.messages).toEqual(user);
  });
});

describe('fallback on streams: the consumer leaving', () => {
  it('closes the branch: the attempt is recorded as aborted and its signal fires', async () => {
    const a = mockProvider({ fallback: { chunks: ['a', 'b', 'c'], chunkDelayMs: 20 } });
    const gw = chainGateway({ a, b: mockProvider() }, ['a/x', 'b/y']);
    const stream = gw.stream({ model: 'chain', messages: user });
    for await (const ev of stream) if (ev.type === 'text-delta') break;
    const err = (await stream.response.catch((e: unknown) => e)) as { attempts?: AttemptRecord[] };
    expect(a.calls[0]!.aborted).toBe(true);
    expect(outcomes(err.attempts)).toEqual(['a/x:aborted(AbortError)']);
  });
});
