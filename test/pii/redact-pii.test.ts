import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { createGateway, openai, type StreamEvent } from '../../src/index.js';
import { PIIBlockedError, redactPII } from '../../src/pii/index.js';
import { mockProvider, startFakeOpenAI } from '../../src/testing/index.js';

const EMAIL = 'jane.doe@example.com';
const CARD = '4111 1111 1111 1111';
const KEY = 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd';

describe('redactPII middleware', () => {
  it('redacts every role before the provider sees it and restores the answer', async () => {
    // The provider echoes what it received, placeholders included.
    const m = mockProvider({
      fallback: (req) => ({ text: `Noted: ${JSON.stringify(req.messages.map((x) => (typeof x.content === 'string' ? x.content : '')))}` }),
    });
    const gw = createGateway({ providers: { m }, middleware: [redactPII()], telemetry: false });
    const res = await gw.chat({
      model: 'm/x',
      messages: [
        { role: 'system', content: `Escalate to ${EMAIL}` },
        { role: 'user', content: `My card is ${CARD} and my email is ${EMAIL}` },
      ],
    });
    const sent = JSON.stringify(m.calls[0]!.request);
    expect(sent).not.toContain(EMAIL);
    expect(sent).not.toContain('4111');
    expect(sent).toContain('<EMAIL_1>');
    // One value, one placeholder within the call.
    expect(sent.match(/<EMAIL_\d+>/g)!.every((p) => p === '<EMAIL_1>')).toBe(true);
    expect(res.text).toContain(EMAIL);
    expect(res.text).toContain(CARD);
    expect(res.text).not.toContain('<EMAIL_1>');
    const decision = res.routing.find((r) => r.layer === 'redact-pii')!;
    expect(decision.detail).toEqual({ email: 2, credit_card: 1 });
    expect(JSON.stringify(res.routing)).not.toContain(EMAIL);
  });

  it('restores placeholders split across stream chunks', async () => {
    const m = mockProvider({ fallback: { chunks: ['Write to <EM', 'AIL_', '1> to', 'day.'] } });
    const gw = createGateway({ providers: { m }, middleware: [redactPII()], telemetry: false });
    const s = gw.stream({ model: 'm/x', messages: [{ role: 'user', content: `mail ${EMAIL}` }] });
    const deltas: string[] = [];
    for await (const t of s.textStream) deltas.push(t);
    expect(deltas.join('')).toBe(`Write to ${EMAIL} today.`);
    expect(deltas.some((d) => d.includes('<'))).toBe(false);
    expect((await s.response).text).toBe(`Write to ${EMAIL} today.`);
  });

  it('redacts earlier tool-call arguments and tool results, restores new tool-call arguments', async () => {
    const m = mockProvider({ fallback: { toolCalls: [{ id: 't2', name: 'send', arguments: { to: '<EMAIL_1>', note: 'ok' } }] } });
    const gw = createGateway({ providers: { m }, middleware: [redactPII()], telemetry: false });
    const events: StreamEvent[] = [];
    for await (const ev of gw.stream({
      model: 'm/x',
      tools: [{ name: 'send', parameters: { type: 'object' } }],
      messages: [
        { role: 'user', content: `email ${EMAIL}` },
        { role: 'assistant', content: [{ type: 'tool-call', id: 't1', name: 'lookup', arguments: { key: KEY } }] },
        { role: 'tool', toolCallId: 't1', content: `owner is ${EMAIL}` },
      ],
    })) {
      events.push(ev);
    }
    const sent = JSON.stringify(m.calls[0]!.request);
    expect(sent).not.toContain(EMAIL);
    expect(sent).not.toContain(KEY);
    const end = events.find((e) => e.type === 'tool-call-end');
    expect(end).toMatchObject({ arguments: { to: EMAIL, note: 'ok' } });
    expect(JSON.parse((end as { argumentsText: string }).argumentsText)).toEqual({ to: EMAIL, note: 'ok' });
    const streamed = events.filter((e) => e.type === 'tool-call-delta').map((e) => (e as { argumentsDelta: string }).argumentsDelta).join('');
    expect(JSON.parse(streamed)).toEqual({ to: EMAIL, note: 'ok' });
  });

  it('block: a typed error naming the type, and nothing is sent', async () => {
    const m = mockProvider();
    const gw = createGateway({ providers: { m }, middleware: [redactPII({ actions: { api_key: 'block' } })], telemetry: false });
    const err = await gw.chat({ model: 'm/x', messages: [{ role: 'user', content: `use ${KEY}` }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PIIBlockedError);
    expect(String((err as Error).message)).toContain('api_key');
    expect(String((err as Error).message)).not.toContain(KEY);
    expect(m.calls).toHaveLength(0);
  });

  it('mask leaves a type label and nothing to restore', async () => {
    const m = mockProvider({ fallback: (req) => ({ text: String(req.messages[0]!.content) }) });
    const gw = createGateway({ providers: { m }, middleware: [redactPII({ defaultAction: 'mask' })], telemetry: false });
    const res = await gw.chat({ model: 'm/x', messages: [{ role: 'user', content: `hi ${EMAIL}` }] });
    expect(res.text).toBe('hi [EMAIL]');
  });

  it('originals never reach a real provider over the wire (OpenAI SDK against the fake server)', async () => {
    const server = await startFakeOpenAI();
    try {
      const gw = createGateway({
        providers: { openai: openai(new OpenAI({ apiKey: 'sk-test', baseURL: server.baseURL })) },
        middleware: [redactPII()],
        telemetry: false,
      });
      // The fake echoes the last user message: the echo comes back with the placeholder, restored here.
      const res = await gw.chat({ model: 'openai/gpt-4.1-mini', messages: [{ role: 'user', content: `card ${CARD}, mail ${EMAIL}` }] });
      const wire = JSON.stringify(server.requests[0]!.body);
      expect(wire).not.toContain(EMAIL);
      expect(wire).not.toContain('4111');
      expect(res.text).toBe(`Echo: card ${CARD}, mail ${EMAIL}`);
    } finally {
      await server.close();
    }
  });
});
