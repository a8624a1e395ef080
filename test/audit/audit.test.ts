import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { audit, auditHash, type AuditOptions, type AuditRecord } from '../../src/audit/index.js';
import { canonicalJson } from '../../src/audit/hashing.js';
// Straight from the modules rather than src/index.ts, so these tests do not depend on unrelated features.
import { createGateway } from '../../src/gateway/create-gateway.js';
import type { Middleware, MiddlewareInput } from '../../src/types/middleware.js';
import type { NormalizedRequest } from '../../src/types/request.js';
import { redactPII } from '../../src/pii/index.js';
import { recordRouting } from '../../src/routing/record-routing.js';
import { mockProvider } from '../../src/testing/index.js';
import type { ChatResponse } from '../../src/types/response.js';
import { attemptRecord, callContext, tokens } from '../usage/helpers.js';

const messages = [{ role: 'user' as const, content: 'hi' }];
const EMAIL = 'jane.doe@example.com';
const API_KEY = 'sk-live-7f3a9c1e5b2d4f6a8c0e';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const hashOf = (value: unknown) => sha256(canonicalJson(value));

/** Tries each model in turn on any error. */
function tryInTurn(models: readonly string[]): Middleware {
  return {
    name: 'try-in-turn',
    async *handle(_ctx, next) {
      let last: unknown;
      for (const model of models) {
        try {
          yield* next({ model });
          return;
        } catch (err) {
          last = err;
        }
      }
      throw last;
    },
  };
}

function setup(options: Partial<AuditOptions> = {}, middleware: MiddlewareInput[] = []) {
  const records: AuditRecord[] = [];
  const a = mockProvider({ fallback: { text: 'from a', usage: { inputTokens: 100, outputTokens: 10 } } });
  const b = mockProvider({ fallback: { chunks: ['from ', 'b'], usage: { inputTokens: 200, outputTokens: 20 } } });
  const gw = createGateway({
    providers: { a, b },
    models: { smart: [tryInTurn(['a/x', 'b/y'])] },
    middleware,
    instrumentation: [audit({ sink: (r) => void records.push(r), ...options })],
    circuitBreaker: false,
    telemetry: false,
  });
  return { a, b, gw, records };
}

describe('audit', () => {
  it('a successful call: one record with who, what, when, tokens, attempts and hashes of what was sent and received', async () => {
    const { a, gw, records } = setup();
    const before = Date.now();
    const res = await gw.chat({ model: 'a/x', messages, metadata: { user: 'u1', team: 'search', feature: 'faq', session: 's9', tags: ['beta'] } });
    expect(records).toHaveLength(1);
    const r = records[0]!;
    expect(r).toMatchObject({
      version: 1,
      status: 'success',
      error: undefined,
      metadata: { user: 'u1', team: 'search', feature: 'faq', session: 's9', tags: ['beta'] },
      mode: 'generate',
      requestedModel: 'a/x',
      served: { provider: 'a', model: 'x' },
      responseModel: 'x',
      finishReason: 'stop',
      usage: { inputTokens: 100, outputTokens: 10, totalTokens: 110 },
      attemptCount: 1,
      attempts: [{ target: { provider: 'a', model: 'x' }, outcome: 'success', error: undefined }],
      policies: { redaction: undefined, budget: [], rateLimit: [], routing: [] },
      hashAlgorithm: 'sha256',
    });
    expect(r.id).toMatch(/\S/);
    expect(Date.parse(r.startedAt)).toBeGreaterThanOrEqual(before - 1);
    expect(r.startedAt).toBe(new Date(Date.parse(r.startedAt)).toISOString());
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    expect(r.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    // The request exactly as the provider received it, and the answer as it produced it.
    expect(r.promptHash).toBe(hashOf(a.calls[0]!.request));
    expect(r.responseHash).toBe(hashOf({ text: res.text, toolCalls: [] }));
    // Plain JSON data: a round trip (what a JSONL sink writes) loses nothing.
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('a stream: recorded once when it finishes, with its time to first token and the streamed answer hashed', async () => {
    const { gw, records } = setup();
    const s = gw.stream({ model: 'b/y', messages });
    for await (const _ of s) expect(records).toHaveLength(0);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ mode: 'stream', status: 'success', served: { provider: 'b', model: 'y' }, usage: { inputTokens: 200 } });
    expect(records[0]!.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(records[0]!.responseHash).toBe(hashOf({ text: 'from b', toolCalls: [] }));
  });

  it('a provider error: status, error name, code, status and retryable, never the message', async () => {
    const { a, gw, records } = setup();
    a.enqueue({ error: { status: 400, message: `cannot process "${EMAIL}" in your prompt` } });
    await expect(gw.chat({ model: 'a/x', messages })).rejects.toThrow(EMAIL);
    expect(records).toHaveLength(1);
    const r = records[0]!;
    expect(r).toMatchObject({ status: 'error', served: undefined, responseHash: undefined, attemptCount: 1 });
    expect(r.error).toEqual({ name: 'BadRequestError', code: 'bad_request', status: 400, retryable: false });
    expect(r.attempts[0]!.error).toEqual(r.error);
    expect(r.promptHash).toBe(hashOf(a.calls[0]!.request));
    expect(JSON.stringify(r)).not.toContain(EMAIL);
  });

  it('a fallen-over call: two attempts summarised, served by the second', async () => {
    const { a, b, gw, records } = setup();
    a.enqueue({ error: { status: 503, message: 'overloaded' } });
    await gw.chat({ model: 'smart', messages });
    expect(records).toHaveLength(1);
    const r = records[0]!;
    expect(r).toMatchObject({ requestedModel: 'smart', served: { provider: 'b', model: 'y' }, status: 'success', attemptCount: 2 });
    expect(r.attempts.map((x) => [x.target.model, x.outcome, x.error?.status])).toEqual([
      ['x', 'error', 503],
      ['y', 'success', undefined],
    ]);
    expect(r.attempts[0]!.error).toMatchObject({ name: 'OverloadedError', code: 'overloaded', status: 503, retryable: true });
    expect(r.promptHash).toBe(hashOf(b.calls[0]!.request));
    expect(r.responseHash).toBe(hashOf({ text: 'from b', toolCalls: [] }));
  });

  it('a stream the caller stops reading: one record, aborted, no response hash', async () => {
    const { b, gw, records } = setup();
    b.enqueue({ chunks: ['a', 'b', 'c'] });
    for await (const ev of gw.stream({ model: 'b/y', messages })) if (ev.type === 'text-delta') break;
    await vi.waitFor(() => expect(records).toHaveLength(1));
    const r = records[0]!;
    expect(r).toMatchObject({ status: 'aborted', mode: 'stream', served: undefined, responseHash: undefined });
    expect(r.error).toMatchObject({ name: 'AbortError', code: 'aborted' });
    expect(r.attempts.map((x) => x.outcome)).toEqual(['aborted']);
    expect(r.promptHash).toMatch(/^[0-9a-f]{64}$/);
    // Nothing more arrives later.
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(records).toHaveLength(1);
  });

  it('an abort mid-stream by the caller signal is recorded as aborted too', async () => {
    const { b, gw, records } = setup();
    b.enqueue({ chunks: ['a', 'b', 'c'], chunkDelayMs: 20 });
    const controller = new AbortController();
    const s = gw.stream({ model: 'b/y', messages, signal: controller.signal });
    await expect(
      (async () => {
        for await (const ev of s) if (ev.type === 'text-delta') controller.abort();
      })(),
    ).rejects.toThrow();
    await vi.waitFor(() => expect(records).toHaveLength(1));
    expect(records[0]!.status).toBe('aborted');
  });

  it('PII redaction: counts per type in policies; the record holds no planted secret, the prompt hash is of the redacted request', async () => {
    const records: AuditRecord[] = [];
    const m = mockProvider({
      fallback: (req) => ({
        text: `Noted: ${JSON.stringify(req.messages.map((x) => x.content))}`,
        toolCalls: [{ id: 't1', name: 'send', arguments: { to: '<EMAIL_1>' } }],
      }),
    });
    const gw = createGateway({ providers: { m }, middleware: [redactPII()], instrumentation: [audit({ sink: (r) => void records.push(r) })], telemetry: false });
    const res = await gw.chat({
      model: 'm/x',
      messages: [
        { role: 'system', content: `Escalate to ${EMAIL}` },
        { role: 'user', content: `My card is 4111 1111 1111 1111 and my email is ${EMAIL}` },
      ],
      metadata: { user: 'u1', apiKey: API_KEY },
    });
    // The caller gets the originals back...
    expect(res.text).toContain(EMAIL);
    expect(res.toolCalls[0]!.arguments).toEqual({ to: EMAIL });
    // ...the record none of them.
    const r = records[0]!;
    expect(r.policies.redaction).toEqual({ email: 2, credit_card: 1 });
    const json = JSON.stringify(r);
    for (const secret of [EMAIL, 'jane.doe', '4111', API_KEY, 'Escalate', 'Noted']) expect(json).not.toContain(secret);
    // Hashes are of what the provider saw and produced: placeholders, not originals.
    const sent = m.calls[0]!.request;
    expect(JSON.stringify(sent)).not.toContain(EMAIL);
    expect(r.promptHash).toBe(hashOf(sent));
    const produced = `Noted: ${JSON.stringify(sent.messages.map((x) => x.content))}`;
    expect(r.responseHash).toBe(hashOf({ text: produced, toolCalls: [{ name: 'send', arguments: { to: '<EMAIL_1>' } }] }));
  });

  it('the prompt hash follows the prompt: same request, same hash; another prompt, another hash', async () => {
    const { gw, records } = setup();
    await gw.chat({ model: 'a/x', messages: [{ role: 'user', content: 'what is 2+2?' }] });
    await gw.chat({ model: 'a/x', messages: [{ role: 'user', content: 'what is 2+2?' }], metadata: { user: 'other' } });
    await gw.chat({ model: 'a/x', messages: [{ role: 'user', content: 'what is 2+3?' }] });
    await gw.chat({ model: 'a/x', messages: [{ role: 'user', content: 'what is 2+2?' }], temperature: 0 });
    const [h1, h2, h3, h4] = records.map((r) => r.promptHash);
    expect(h1).toMatch(/^[0-9a-f]{64}$/);
    expect(h2).toBe(h1);
    expect(h3).not.toBe(h1);
    expect(h4).not.toBe(h1);
  });

  it('canonical JSON: key order does not change the hash', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, undefined, 'x'], c: undefined } })).toBe('{"a":{"d":[1,null,"x"]},"b":1}');
    const req1: NormalizedRequest = { messages, temperature: 0.5, maxTokens: 10 };
    const req2: NormalizedRequest = { maxTokens: 10, temperature: 0.5, messages };
    expect(hashOf(req1)).toBe(hashOf(req2));
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cycle/);
  });

  it('apiKey is always a fingerprint; hashMetadataKeys adds keys; clear values are scrubbed from decisions too', async () => {
    const scoped: Middleware = {
      name: 'scoped',
      async *handle(ctx, next) {
        recordRouting(ctx, 'budget', 'reserve', 'a/x', { scope: `apiKey=${API_KEY}`, usd: 0.01 });
        yield* next();
      },
    };
    const { gw, records } = setup({ hashMetadataKeys: ['user'] }, [scoped]);
    await gw.chat({ model: 'a/x', messages, metadata: { user: 'alice@corp.example', team: 't', apiKey: API_KEY } });
    const r = records[0]!;
    expect(r.metadata).toEqual({ user: `sha256:${sha256('alice@corp.example').slice(0, 16)}`, team: 't', apiKey: `sha256:${sha256(API_KEY).slice(0, 16)}` });
    expect(r.policies.budget[0]!.detail).toEqual({ scope: `apiKey=sha256:${sha256(API_KEY).slice(0, 16)}`, usd: 0.01 });
    const json = JSON.stringify(r);
    expect(json).not.toContain(API_KEY);
    expect(json).not.toContain('alice');
  });

  it('a salt turns hashes and fingerprints into HMACs', async () => {
    const plain = setup();
    const salted = setup({ hashSalt: 'pepper-1' });
    const other = setup({ hashSalt: 'pepper-2' });
    const request = { model: 'a/x', messages, metadata: { apiKey: API_KEY } };
    for (const s of [plain, salted, other]) await s.gw.chat(request);
    const [p, s1, s2] = [plain.records[0]!, salted.records[0]!, other.records[0]!];
    expect(s1.hashAlgorithm).toBe('hmac-sha256');
    expect(s1.promptHash).toBe(createHmac('sha256', 'pepper-1').update(canonicalJson(salted.a.calls[0]!.request)).digest('hex'));
    expect(new Set([p.promptHash, s1.promptHash, s2.promptHash]).size).toBe(3);
    expect(new Set([p.responseHash, s1.responseHash, s2.responseHash]).size).toBe(3);
    // auditHash recomputes a record's hash from a request kept elsewhere.
    expect(auditHash(salted.a.calls[0]!.request, 'pepper-1')).toBe(s1.promptHash);
    expect(auditHash(plain.a.calls[0]!.request)).toBe(p.promptHash);
    expect(s1.metadata.apiKey).toBe(`hmac-sha256:${createHmac('sha256', 'pepper-1').update(API_KEY).digest('hex').slice(0, 16)}`);
  });

  it('hash: false leaves the hashes out, never the fingerprints', async () => {
    const { gw, records } = setup({ hash: false });
    await gw.chat({ model: 'a/x', messages, metadata: { apiKey: API_KEY } });
    expect(records[0]).toMatchObject({ hashAlgorithm: undefined, promptHash: undefined, responseHash: undefined });
    expect(records[0]!.metadata.apiKey).toMatch(/^sha256:[0-9a-f]{16}$/);
  });

  it('groups decisions by policy; unknown layers stay under routing', async () => {
    const policies: Middleware = {
      name: 'policies',
      async *handle(ctx, next) {
        recordRouting(ctx, 'budget', 'reserve', 'b/y', { budget: 'monthly', usd: 0.02 });
        recordRouting(ctx, 'rate-limit', 'wait', 'b/y', { limiter: 'rpm', ms: 3 });
        recordRouting(ctx, 'my-layer', 'tag', undefined, { reason: 'vip' });
        yield* next();
      },
    };
    const { a, gw, records } = setup({}, [policies]);
    a.enqueue({ error: { status: 503 } });
    await gw.chat({ model: 'smart', messages });
    const { policies: p } = records[0]!;
    expect(p.redaction).toBeUndefined();
    expect(p.budget).toMatchObject([{ layer: 'budget', action: 'reserve', target: 'b/y', detail: { budget: 'monthly', usd: 0.02 } }]);
    expect(p.rateLimit).toMatchObject([{ layer: 'rate-limit', action: 'wait', detail: { ms: 3 } }]);
    expect(p.routing).toMatchObject([{ layer: 'my-layer', action: 'tag', detail: { reason: 'vip' } }]);
    expect(p.budget[0]!.atMs).toBeGreaterThanOrEqual(0);
  });

  it('a throwing or rejecting sink never fails the call; onError gets the error and the record', async () => {
    const onError = vi.fn();
    const { gw } = setup({
      sink: () => {
        throw new Error('sink down');
      },
      onError,
    });
    await expect(gw.chat({ model: 'a/x', messages })).resolves.toMatchObject({ text: 'from a' });
    expect((await gw.stream({ model: 'b/y', messages }).response).text).toBe('from b');
    expect(onError).toHaveBeenCalledTimes(2);
    expect(onError.mock.calls[0]![0]).toMatchObject({ message: 'sink down' });
    expect(onError.mock.calls[0]![1]).toMatchObject({ requestedModel: 'a/x', version: 1 });

    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const rejecting = setup({ sink: async () => Promise.reject(new Error('async sink down')) });
      await rejecting.gw.chat({ model: 'a/x', messages });
      await rejecting.gw.chat({ model: 'a/x', messages });
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(warn.mock.calls.filter((c) => String(c[0]).includes('audit sink failed'))).toHaveLength(1);
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
      warn.mockRestore();
    }
  });

  it('metadata that will not serialise is left out rather than failing the record', async () => {
    const { gw, records } = setup();
    const cyclic: Record<string, unknown> = { n: 1 };
    cyclic.self = cyclic;
    await gw.chat({ model: 'a/x', messages, metadata: { user: 'u1', big: 10n, fn: () => 1, cyclic } });
    expect(records[0]!.metadata).toEqual({ user: 'u1', big: '10' });
    expect(() => JSON.stringify(records[0])).not.toThrow();
  });

  it('waits for an attempt that ends after the call (a hedge loser) and hashes the winner', () => {
    const records: AuditRecord[] = [];
    const inst = audit({ sink: (r) => void records.push(r) });
    const ctx = callContext({ team: 'ads' });
    const call = inst.startCall(ctx)!;
    const winner = attemptRecord('b/y', 'success', tokens(1, 1));
    const loser = attemptRecord('a/x', 'aborted', tokens(2, 2));
    const loserRequest: NormalizedRequest = { ...ctx.request, temperature: 1 };
    const w = call.startAttempt({ ctx, target: winner.target, kind: 'mock', server: undefined })!;
    const l = call.startAttempt({ ctx: { ...ctx, request: loserRequest }, target: loser.target, kind: 'mock', server: undefined })!;
    w.event?.({ type: 'text-delta', text: 'won' });
    l.event?.({ type: 'text-delta', text: 'lost' });
    ctx.attempts.push(winner);
    w.end(winner, { type: 'finish', finishReason: 'stop', rawFinishReason: undefined, usage: winner.usage, responseId: undefined, responseModel: 'y', target: winner.target, requestId: undefined, raw: undefined });
    call.end({ target: winner.target, model: 'y', finishReason: 'stop', timing: { startedAt: 0, latencyMs: 1 } } as unknown as ChatResponse, undefined);
    expect(records).toHaveLength(0);
    ctx.attempts.push(loser);
    l.end(loser, undefined);
    expect(records).toHaveLength(1);
    const r = records[0]!;
    expect(r.attempts.map((x) => x.outcome)).toEqual(['success', 'aborted']);
    expect(r.usage?.inputTokens).toBe(3);
    expect(r.promptHash).toBe(hashOf(ctx.request));
    expect(r.responseHash).toBe(hashOf({ text: 'won', toolCalls: [] }));
  });

  it('rejects bad options before any call', () => {
    expect(() => audit({} as AuditOptions)).toThrow(/sink/);
    expect(() => audit({ sink: () => undefined, hashSalt: '' })).toThrow(/hashSalt/);
    expect(() => audit({ sink: () => undefined, hashMetadataKeys: 'apiKey' as unknown as string[] })).toThrow(/hashMetadataKeys/);
  });
});
