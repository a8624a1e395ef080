import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AuthenticationError,
  BadRequestError,
  ContentPolicyError,
  ContextLengthError,
  NotFoundError,
  OverloadedError,
  PermissionDeniedError,
  ProviderError,
  RateLimitError,
  ServerError,
} from '../../../src/errors/provider-error.js';
import { gemini } from '../../../src/providers/gemini/gemini-adapter.js';
import type { FakeReply } from '../../../src/testing/fake-servers/types.js';
import { startFakeGemini } from '../../../src/testing/fake-servers/start-fake-gemini.js';
import { callOptions, caught, collect, type FakeGemini, geminiAdapter, geminiClient, userRequest } from './gemini-helpers.js';

let server: FakeGemini;

beforeAll(async () => {
  server = await startFakeGemini();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.reset();
});

type Mode = 'generate' | 'stream';

async function failure(reply: FakeReply, mode: Mode): Promise<ProviderError> {
  server.enqueue(reply);
  const adapter = geminiAdapter(server);
  const err = await caught(() =>
    mode === 'generate' ? adapter.generate(userRequest(), callOptions()) : collect(adapter.stream(userRequest(), callOptions())),
  );
  expect(err).toBeInstanceOf(ProviderError);
  expect(server.requests).toHaveLength(1);
  return err as ProviderError;
}

interface Case {
  name: string;
  reply: FakeReply;
  cls: new (...args: never[]) => ProviderError;
  status: number;
  retryable: boolean;
  code?: string;
  retryAfterMs?: number;
  text?: string;
}

const CASES: Case[] = [
  { name: '400 INVALID_ARGUMENT', reply: { fault: { type: 'status', status: 400 } }, cls: BadRequestError, status: 400, retryable: false, code: 'INVALID_ARGUMENT' },
  {
    name: '400 API_KEY_INVALID',
    reply: { fault: { type: 'status', status: 400, code: 'API_KEY_INVALID' } },
    cls: AuthenticationError,
    status: 400,
    retryable: false,
    code: 'API_KEY_INVALID',
    text: 'API key not valid',
  },
  { name: '401', reply: { fault: { type: 'status', status: 401 } }, cls: AuthenticationError, status: 401, retryable: false },
  { name: '403 PERMISSION_DENIED', reply: { fault: { type: 'status', status: 403 } }, cls: PermissionDeniedError, status: 403, retryable: false, code: 'PERMISSION_DENIED' },
  { name: '404 NOT_FOUND', reply: { fault: { type: 'status', status: 404 } }, cls: NotFoundError, status: 404, retryable: false, code: 'NOT_FOUND', text: 'is not found' },
  {
    name: '429 with RetryInfo',
    reply: { fault: { type: 'status', status: 429, headers: { 'retry-after': '43' } } },
    cls: RateLimitError,
    status: 429,
    retryable: true,
    code: 'RESOURCE_EXHAUSTED',
    retryAfterMs: 43_000,
  },
  {
    name: '429 with fractional RetryInfo',
    reply: { fault: { type: 'status', status: 429, headers: { 'retry-after-ms': '1500' } } },
    cls: RateLimitError,
    status: 429,
    retryable: true,
    retryAfterMs: 1500,
  },
  { name: '500 INTERNAL', reply: { fault: { type: 'status', status: 500 } }, cls: ServerError, status: 500, retryable: true, code: 'INTERNAL' },
  { name: '503 overloaded', reply: { fault: { type: 'status', status: 503 } }, cls: OverloadedError, status: 503, retryable: true, code: 'UNAVAILABLE', text: 'overloaded' },
  { name: '504 DEADLINE_EXCEEDED', reply: { fault: { type: 'status', status: 504 } }, cls: ServerError, status: 504, retryable: true, code: 'DEADLINE_EXCEEDED' },
  {
    name: 'context length',
    reply: { fault: { type: 'status', status: 400, message: 'The input token count (1048577) exceeds the maximum number of tokens allowed (1048576).' } },
    cls: ContextLengthError,
    status: 400,
    retryable: false,
  },
  {
    name: 'content policy',
    reply: { fault: { type: 'status', status: 400, code: 'PROHIBITED_CONTENT', message: 'The request was blocked.' } },
    cls: ContentPolicyError,
    status: 400,
    retryable: false,
    code: 'PROHIBITED_CONTENT',
  },
];

describe.each(['generate', 'stream'] as const)('gemini %s error mapping', (mode) => {
  it.each(CASES)('$name', async (c) => {
    const err = await failure(c.reply, mode);
    expect(err).toBeInstanceOf(c.cls);
    if (c.cls === ServerError) expect(err).not.toBeInstanceOf(OverloadedError);
    expect(err.status).toBe(c.status);
    expect(err.retryable).toBe(c.retryable);
    expect(err.retryAfterMs).toBe(c.retryAfterMs);
    if (c.code !== undefined) expect(err.providerCode).toBe(c.code);
    if (c.text !== undefined) expect(err.message).toContain(c.text);
    // ApiError carries no headers, and the API sends no request id.
    expect(err.requestId).toBeUndefined();
    expect(err.provider).toBe('google');
    expect((err.cause as Error).name).toBe('ApiError');
  });
});

describe('gemini error bodies', () => {
  it('reads streaming errors whether the SDK wrapped the body once or twice', async () => {
    // Streaming error responses are text/event-stream, so the SDK stores the raw body as the message.
    const err = await failure({ fault: { type: 'status', status: 429, headers: { 'retry-after': '5' } } }, 'stream');
    const outer = JSON.parse((err.cause as Error).message) as { error: { message: string; status: string } };
    expect(outer.error.status).toBe('Too Many Requests');
    expect(JSON.parse(outer.error.message).error.status).toBe('RESOURCE_EXHAUSTED');
    expect(err.retryAfterMs).toBe(5000);
    expect(err.message).toContain('You exceeded your current quota');
  });

  it('maps a request without credentials to AuthenticationError', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const adapter = gemini(geminiClient(server, {}, ''));
      const err = await caught(() => adapter.generate(userRequest(), callOptions()));
      expect(err).toBeInstanceOf(AuthenticationError);
      expect((err as AuthenticationError).providerCode).toBe('API_KEY_INVALID');
      expect((err as AuthenticationError).retryable).toBe(false);
    } finally {
      warn.mockRestore();
    }
  });

  it('uses a custom error body as given', async () => {
    const err = await failure(
      { fault: { type: 'status', status: 400, body: { error: { code: 400, message: 'User location is not supported for the API use.', status: 'FAILED_PRECONDITION' } } } },
      'generate',
    );
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.providerCode).toBe('FAILED_PRECONDITION');
    expect(err.message).toContain('User location is not supported');
  });
});
