import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, createGateway, InvalidRequestError } from '../../src/index.js';
import { mockProvider } from '../../src/testing/index.js';

describe('createGateway config', () => {
  it('rejects a config without providers, naming the field', () => {
    expect(() => createGateway({ providers: {} })).toThrow(ConfigError);
    try {
      createGateway({ providers: {} });
    } catch (e) {
      expect((e as ConfigError).path).toBe('providers');
    }
  });

  it('names the bad provider entry', () => {
    const err = catchError(() => createGateway({ providers: { good: mockProvider(), bad: { nope: true } as never } }));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).path).toBe('providers.bad');
    expect((err as ConfigError).message).toMatch(/provider adapter/);
  });

  it('rejects provider names with a slash', () => {
    const err = catchError(() => createGateway({ providers: { 'a/b': mockProvider() } }));
    expect((err as ConfigError).path).toBe('providers.a/b');
  });

  it('rejects unknown top-level keys', () => {
    const err = catchError(() => createGateway({ providers: { m: mockProvider() }, modles: {} } as never));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(/modles/);
  });

  it('rejects an alias whose target names an unknown provider', () => {
    const err = catchError(() => createGateway({ providers: { m: mockProvider() }, models: { fast: 'nope/x' } }));
    expect((err as ConfigError).path).toBe('models.fast');
    expect((err as ConfigError).message).toMatch(/no provider named 'nope'/);
  });

  it('rejects alias cycles', () => {
    const err = catchError(() => createGateway({ providers: { m: mockProvider() }, models: { a: 'b', b: 'a' } }));
    expect((err as ConfigError).message).toMatch(/cycle/);
  });

  it('rejects a bad middleware entry with its index', () => {
    const err = catchError(() => createGateway({ providers: { m: mockProvider() }, middleware: [42 as never] }));
    expect((err as ConfigError).path).toBe('middleware[0]');
  });
});

describe('model resolution', () => {
  it('splits provider/model at the first slash', async () => {
    const together = mockProvider();
    const gw = createGateway({ providers: { together } });
    const res = await gw.chat({ model: 'together/meta-llama/Llama-3.3-70B', messages: [{ role: 'user', content: 'hi' }] });
    expect(together.calls[0]!.model).toBe('meta-llama/Llama-3.3-70B');
    expect(res.provider).toBe('together');
    expect(res.target.id).toBe('together/meta-llama/Llama-3.3-70B');
  });

  it('resolves aliases, including aliases of aliases', async () => {
    const m = mockProvider();
    const gw = createGateway({ providers: { m }, models: { fast: 'm/small', quick: 'fast' } });
    await gw.chat({ model: 'quick', messages: [{ role: 'user', content: 'hi' }] });
    expect(m.calls[0]!.model).toBe('small');
  });

  it('fails on an unknown model before calling anything', async () => {
    const m = mockProvider();
    const gw = createGateway({ providers: { m } });
    for (const model of ['nothing', 'other/x', 'm/']) {
      const err = await gw.chat({ model, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidRequestError);
      expect((err as InvalidRequestError).path).toBe('model');
    }
    expect(m.calls).toHaveLength(0);
  });
});

describe('request validation', () => {
  const m = mockProvider();
  const gw = createGateway({ providers: { m } });
  const base = { model: 'm/x', messages: [{ role: 'user' as const, content: 'hi' }] };

  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['empty messages', { messages: [] }, 'messages'],
    ['bad role', { messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role'],
    ['temperature out of range', { temperature: 3 }, 'temperature'],
    ['non-integer maxTokens', { maxTokens: 1.5 }, 'maxTokens'],
    ['negative timeout', { timeout: -1 }, 'timeout'],
    ['bad image part', { messages: [{ role: 'user', content: [{ type: 'image', data: 'abc' }] }] }, 'messages[0].content[0].mediaType'],
    ['tool without schema', { tools: [{ name: 'f' }] }, 'tools[0].parameters'],
    ['bad tool name', { tools: [{ name: 'has space', parameters: {} }] }, 'tools[0].name'],
    ['toolChoice naming a missing tool', { tools: [{ name: 'f', parameters: {} }], toolChoice: { type: 'tool', name: 'g' } }, 'toolChoice.name'],
    ['required toolChoice without tools', { toolChoice: 'required' }, 'toolChoice'],
    ['orphan tool result', { messages: [{ role: 'user', content: 'x' }, { role: 'tool', toolCallId: 'c1', content: 'r' }] }, 'messages[1].toolCallId'],
    ['signal that is not a signal', { signal: {} }, 'signal'],
    ['json-schema without schema', { responseFormat: { type: 'json-schema' } }, 'responseFormat.schema'],
  ];

  it.each(cases)('%s → InvalidRequestError at the field', async (_name, patch, path) => {
    const err = await gw.chat({ ...base, ...patch } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect((err as InvalidRequestError).path).toBe(path);
    expect(() => gw.stream({ ...base, ...patch } as never)).toThrow(InvalidRequestError);
    expect(m.calls).toHaveLength(0);
  });

  it('converts zod tool and response schemas to JSON Schema once', async () => {
    const schema = z.object({ city: z.string() });
    await gw.chat({ ...base, tools: [{ name: 'weather', parameters: schema }], responseFormat: { type: 'json-schema', schema } });
    const req = m.calls.at(-1)!.request;
    expect(req.tools![0]!.parameters).toMatchObject({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] });
    expect(req.tools![0]!.parameters).not.toHaveProperty('$schema');
    expect(req.responseFormat).toMatchObject({ type: 'json-schema', name: 'response', schema: { type: 'object' } });
    await gw.chat({ ...base, tools: [{ name: 'weather', parameters: schema }] });
    expect(m.calls.at(-1)!.request.tools![0]!.parameters).toBe(req.tools![0]!.parameters);
  });

  it('normalizes stop to an array', async () => {
    await gw.chat({ ...base, stop: 'END' });
    expect(m.calls.at(-1)!.request.stop).toEqual(['END']);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}
