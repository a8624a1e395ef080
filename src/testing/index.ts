// `switchyard/testing`: deterministic providers and protocol-faithful fake servers for tests.

export { mockProvider, type MockProvider, type MockProviderOptions, type MockResponse, type MockCall } from './mock-provider.js';
export { startFakeServer, type FakeServer, type FakeServerOptions } from './fake-servers/fake-server.js';
export type { WireProtocol } from './fake-servers/wire-protocol.js';
export type { Fault, FakeReply, FakeUsage, FakeToolCall, RecordedRequest, RequestOutcome, ResolvedReply } from './fake-servers/types.js';
