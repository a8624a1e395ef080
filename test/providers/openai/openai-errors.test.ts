import OpenAI, { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  ContentPolicyError,
  ContextLengthError,
  NotFoundError,
  OverloadedError,
  PermissionDeniedError,
  ProviderError,
  ProviderTimeoutError,
  QuotaExceededError,
  RateLimitError,
  ServerError,
} from '../../../src/errors/provider-error.js';
import { openai } from '../../../src/providers/openai/openai-adapter.js';
import { startFakeOpenAI } from '../../../src/testing/fake-servers/start-fake-openai.js';
import type { Fault } from '../../../src/testing/fake-servers/types.js';
import type { StreamEvent } from '../../../src/types/stream-event.js';
import type { Target } from '../../../src/types/target.js';

const target: Target = { provider: 'openai', model: 'gpt-4o-mini', id: 'openai/gpt-4o-mini' };
const call = () => ({ target, signal: new AbortController().signal });
const ask = { messages: [{ role: 'user' as const, content: 'hello there' }] };

async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const ev of events) out.push(ev);
  return out;
}

describe('openai adapter: errors', () => {
  let server: Awaited<ReturnType<typeof startFakeOpenAI>>;
  // Default SDK retries (2): the adapter must turn them off per request.
  let client: OpenAI;

  beforeAll(async () => {
    server = await startFakeOpenAI();
    client = new OpenAI({ apiKey: 'sk-test', baseURL: server.baseURL });
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  const generateError = async (fault: Fault, headers?: Record<string, string>) => {
    server.enqueue({ fault, ...(headers ? { headers } : {}) });
    const err = await openai(client).generate(ask, call()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ProviderError);
    return err as ProviderError;
  };

  it.each([
    [400, undefined, BadRequestError, false, 'invalid_request_error'],
    [401, undefined, AuthenticationError, false, 'invalid_api_key'],
    [403, undefined, PermissionDeniedError, false, 'unsupported_country_region_territory'],
    [404, undefined, NotFoundError, false, 'model_not_found'],
    [409, undefined, ConflictError, true, 'invalid_request_error'],
    [422, undefined, BadRequestError, false, 'invalid_request_error'],
    [429, undefined, RateLimitError, true, 'rate_limit_exceeded'],
    [500, undefined, ServerError, true, 'server_error'],
    [502, undefined, ServerError, true, 'server_error'],
    [503, undefined, OverloadedError, true, 'server_is_overloaded'],
    [400, 'context_length_exceeded', ContextLengthError, false, 'context_length_exceeded'],
    [400, 'content_filter', ContentPolicyError, false, 'content_filter'],
  ] as const)('status %i (code %s) -> %o', async (status, code, cls, retryable, providerCode) => {
    const err = await generateError({ type: 'status', status, ...(code ? { code } : {}) }, { 'x-request-id': `req_status${status}` });
    expect(err).toBeInstanceOf(cls);
    expect(err.constructor).toBe(cls);
    expect(err).toMatchObject({ status, retryable, providerCode, requestId: `req_status${status}`, provider: 'openai', model: 'gpt-4o-mini' });
    // Exactly one request: the SDK's own retries are off even though the client has maxRetries 2.
    expect(server.requests).toHaveLength(1);
  });

  it('uses the inner error message, not the SDK-prefixed one', async () => {
    const err = await generateError({ type: 'status', status: 404 });
    expect(err.message).toBe('openai/gpt-4o-mini: The model `gpt-4o-mini` does not exist or you do not have access to it.');
  });

  it('429 insufficient_quota is QuotaExceededError and not retryable', async () => {
    const err = await generateError({ type: 'status', status: 429, code: 'insufficient_quota' });
    expect(err).toBeInstanceOf(QuotaExceededError);
    expect(err).toMatchObject({ retryable: false, status: 429, providerCode: 'insufficient_quota' });
  });

  it('reads retry-after (seconds) and retry-after-ms', async () => {
    expect((await generateError({ type: 'status', status: 429, headers: { 'retry-after': '7' } })).retryAfterMs).toBe(7000);
    server.reset();
    expect((await generateError({ type: 'status', status: 429, headers: { 'retry-after-ms': '644', 'retry-after': '1' } })).retryAfterMs).toBe(644);
    server.reset();
    expect((await generateError({ type: 'status', status: 429 })).retryAfterMs).toBeUndefined();
  });

  it('a 500 on a stream is one request and a ServerError', async () => {
    server.enqueue({ fault: { type: 'status', status: 500 } });
    await expect(collect(openai(client).stream(ask, call()))).rejects.toBeInstanceOf(ServerError);
    expect(server.requests).toHaveLength(1);
  });

  it('a 429 with retry-after on a stream keeps the hint', async () => {
    server.enqueue({ fault: { type: 'status', status: 429, headers: { 'retry-after': '2' } } });
    const err = await collect(openai(client).stream(ask, call())).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).toMatchObject({ retryAfterMs: 2000, retryable: true });
    expect(server.requests).toHaveLength(1);
  });

  it('a missing API key gets the 401 shape and AuthenticationError', async () => {
    const noKey = new OpenAI({ apiKey: 'unused', baseURL: server.baseURL, defaultHeaders: { authorization: null } });
    const err = await openai(noKey).generate(ask, call()).catch((e: unknown) => e);
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).toMatch(/didn't provide an API key/);
  });

  it('Azure 401 and content_filter bodies map too', async () => {
    const azure = new AzureOpenAI({ apiKey: 'azure-key', endpoint: server.origin, apiVersion: '2024-10-21' });
    const azureTarget = { target: { provider: 'azure', model: 'dep', id: 'azure/dep' }, signal: new AbortController().signal };
    server.enqueue({ fault: { type: 'status', status: 401 } });
    expect(await openai(azure).generate(ask, azureTarget).catch((e: unknown) => e)).toBeInstanceOf(AuthenticationError);
    server.enqueue({ fault: { type: 'status', status: 400, code: 'content_filter' } });
    const err = await openai(azure).generate(ask, azureTarget).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContentPolicyError);
    expect(err).toMatchObject({ provider: 'azure', model: 'dep', providerCode: 'content_filter', retryable: false });
  });

  it('a non-JSON error body still maps by status', async () => {
    const err = await generateError({ type: 'status', status: 502, body: '<html>Bad gateway</html>' });
    expect(err).toBeInstanceOf(ServerError);
  });

  it('a reset before headers is ConnectionError after exactly one request', async () => {
    const err = await generateError({ type: 'reset' });
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.retryable).toBe(true);
    expect(server.requests).toHaveLength(1);
    server.reset();
    server.enqueue({ fault: { type: 'reset' } });
    await expect(collect(openai(client).stream(ask, call()))).rejects.toBeInstanceOf(ConnectionError);
    expect(server.requests).toHaveLength(1);
  });

  it('a refused connection is ConnectionError', async () => {
    const closed = await startFakeOpenAI();
    await closed.close();
    const dead = new OpenAI({ apiKey: 'sk-test', baseURL: closed.baseURL });
    await expect(openai(dead).generate(ask, call())).rejects.toBeInstanceOf(ConnectionError);
  });

  it('the SDK timeout (timeoutMs) is ProviderTimeoutError', async () => {
    server.enqueue({ fault: { type: 'no-answer' } });
    const err = await openai(client).generate(ask, { ...call(), timeoutMs: 50 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderTimeoutError);
    expect((err as ProviderTimeoutError).retryable).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('errors caused by the signal are left for the core to classify', async () => {
    server.enqueue({ fault: { type: 'no-answer' } });
    const controller = new AbortController();
    const pending = openai(client).generate(ask, { target, signal: controller.signal }).catch((e: unknown) => e);
    await new Promise<void>((resolve) => {
      const poll = () => (server.requests.length > 0 ? resolve() : setTimeout(poll, 5));
      poll();
    });
    controller.abort(new Error('deadline'));
    const err = await pending;
    expect(err).not.toBeInstanceOf(ProviderError);
    expect((err as Error).name).not.toBe('ProviderTimeoutError');
    expect((await server.settled(0)).outcome).toBe('client-closed');
  });

  it('an already-aborted signal sends nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const err = await openai(client).generate(ask, { target, signal: controller.signal }).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(ProviderError);
    expect(server.requests).toHaveLength(0);
  });
});
