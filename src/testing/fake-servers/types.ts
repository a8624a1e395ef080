/** Token counts a fake reply reports, in switchyard's vocabulary; each wire renders its own arithmetic. */
export interface FakeUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
}

export interface FakeToolCall {
  id?: string;
  name: string;
  arguments: Record<string, unknown>;
}

/**
 * Something going wrong on purpose. Chunk counts refer to SSE frames written before the fault.
 * - `status`: answer with this HTTP status (and an error body in the provider's shape).
 * - `reset`: destroy the socket before any headers.
 * - `no-answer`: accept the request and never answer (until the client gives up).
 * - `slow-first-token`: headers at once, first byte of content after `delayMs`.
 * - `stall`: stop writing after `afterChunks` frames, keep the socket open.
 * - `cut`: after `afterChunks` frames, end the body cleanly (`close`) or destroy the socket (`destroy`).
 * - `malformed-chunk`: put an unparseable frame at position `atChunk` (the rest follows normally).
 * - `missing-terminal`: send the whole answer but leave out the final wire marker
 *   (`[DONE]`, `message_stop`; Gemini has none, so its last chunk loses `finishReason`).
 * - `in-band-error`: after `afterChunks` frames, send the provider's in-stream error event and end.
 */
export type Fault =
  | { type: 'status'; status: number; code?: string; message?: string; headers?: Record<string, string>; body?: unknown }
  | { type: 'reset' }
  | { type: 'no-answer' }
  | { type: 'slow-first-token'; delayMs: number }
  | { type: 'stall'; afterChunks: number }
  | { type: 'cut'; afterChunks: number; mode?: 'close' | 'destroy' }
  | { type: 'malformed-chunk'; atChunk: number }
  | { type: 'missing-terminal' }
  | { type: 'in-band-error'; afterChunks: number; code?: string; message?: string };

/** One scripted answer. Everything is optional: the default echoes the last user message. */
export interface FakeReply {
  text?: string;
  reasoning?: string;
  toolCalls?: FakeToolCall[];
  /** The provider's own finish reason to report (default: derived from content). */
  finishReason?: string;
  usage?: FakeUsage;
  /** Model name to report (default: the requested one). */
  model?: string;
  /** Characters of text per stream chunk (default 8). */
  chunkSize?: number;
  /** Delay between stream frames, ms (default 0). */
  chunkDelayMs?: number;
  /** Delay before the response headers, ms (default 0). */
  delayMs?: number;
  /** Extra response headers. */
  headers?: Record<string, string>;
  fault?: Fault;
}

/** A reply with every default filled in, as a wire renders it. */
export interface ResolvedReply {
  id: string;
  model: string;
  text: string;
  reasoning: string | undefined;
  toolCalls: Array<Required<FakeToolCall>>;
  finishReason: string | undefined;
  usage: Required<FakeUsage>;
  chunkSize: number;
}

export type RequestOutcome = 'pending' | 'completed' | 'client-closed';

export interface RecordedRequest {
  index: number;
  method: string;
  /** Path and query as received. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body (undefined if none or unparseable). */
  body: Record<string, unknown> | undefined;
  stream: boolean;
  /** Model named by the request (body field or URL path). */
  model: string | undefined;
  receivedAt: number;
  /** `client-closed` when the client closed the socket before the server finished answering. */
  outcome: RequestOutcome;
}
