import { anthropicWire } from './anthropic-wire.js';
import { startFakeServer, type FakeServer, type FakeServerOptions } from './fake-server.js';

/**
 * Starts a fake Anthropic Messages server. `baseURL` is the bare origin, as `new Anthropic({ baseURL })`
 * wants it: the SDK adds `/v1/messages` itself.
 */
export async function startFakeAnthropic(options?: FakeServerOptions): Promise<FakeServer & { baseURL: string }> {
  const server = await startFakeServer(anthropicWire, options);
  return Object.assign(server, { baseURL: server.origin });
}
