import { type FakeServer, type FakeServerOptions, startFakeServer } from './fake-server.js';
import { openaiWire } from './openai-wire.js';

/**
 * Starts a fake OpenAI Chat Completions server. `baseURL` (origin + `/v1`) is what `new OpenAI({ baseURL })`
 * wants; for `AzureOpenAI` pass `endpoint: server.origin` instead.
 */
export async function startFakeOpenAI(options?: FakeServerOptions): Promise<FakeServer & { baseURL: string }> {
  const server = await startFakeServer(openaiWire, options);
  return { ...server, baseURL: `${server.origin}/v1` };
}
