import { type FakeServer, type FakeServerOptions, startFakeServer } from './fake-server.js';
import { geminiWire } from './gemini-wire.js';

/**
 * Starts a fake Gemini Developer API server. `baseURL` (the origin, no version path) is what
 * `new GoogleGenAI({ apiKey, vertexai: false, httpOptions: { baseUrl } })` wants.
 */
export async function startFakeGemini(options?: FakeServerOptions): Promise<FakeServer & { baseURL: string }> {
  const server = await startFakeServer(geminiWire, options);
  return { ...server, baseURL: server.origin };
}
