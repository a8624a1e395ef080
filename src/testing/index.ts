// `switchyard/testing`: deterministic providers and protocol-faithful fake servers for tests.

export { mockProvider, type MockProvider, type MockProviderOptions, type MockResponse, type MockCall } from './mock-provider.js';
export { startFakeServer, type FakeServer, type FakeServerOptions } from './fake-servers/fake-server.js';
export type { WireProtocol } from './fake-servers/wire-protocol.js';
export type { Fault, FakeReply, FakeUsage, FakeToolCall, RecordedRequest, RequestOutcome, ResolvedReply } from './fake-servers/types.js';
export { startFakeOpenAI } from './fake-servers/start-fake-openai.js';
export { openaiWire } from './fake-servers/openai-wire.js';
export { startFakeAnthropic } from './fake-servers/start-fake-anthropic.js';
export { anthropicWire } from './fake-servers/anthropic-wire.js';
export { sseFrame, chunkText } from './fake-servers/wire-protocol.js';
export { startFakeGemini } from './fake-servers/start-fake-gemini.js';
export { geminiWire } from './fake-servers/gemini-wire.js';
