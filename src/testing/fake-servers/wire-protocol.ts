import type { Fault, RecordedRequest, ResolvedReply } from './types.js';

/** What one provider's fake server must know about its wire format. The HTTP mechanics are shared. */
export interface WireProtocol {
  readonly name: string;
  /**
   * Recognises a request for the chat endpoint. Returns whether it asks for a stream and which model
   * it names, or undefined for any other path (the server answers 404).
   */
  route(method: string, url: string, body: Record<string, unknown> | undefined): { stream: boolean; model: string | undefined } | undefined;
  /** True when the request carries credentials this wire accepts. */
  authorized(headers: RecordedRequest['headers']): boolean;
  /** Text of the last user message, for the default echo reply. */
  lastUserText(body: Record<string, unknown> | undefined): string;
  /** Rough prompt size in characters, for default usage. */
  promptChars(body: Record<string, unknown> | undefined): number;
  /** Full non-streaming JSON body. */
  json(reply: ResolvedReply, request: RecordedRequest): unknown;
  /**
   * Complete SSE frames (each ending in a blank line) for a streamed answer. `terminal` is the number
   * of trailing frames that are only the end-of-stream marker (e.g. 1 for `data: [DONE]`).
   */
  frames(reply: ResolvedReply, request: RecordedRequest): { frames: string[]; terminal: number };
  /** Error response for a status fault: body and extra headers. */
  errorResponse(fault: Extract<Fault, { type: 'status' }>, request: RecordedRequest): { body: unknown; headers?: Record<string, string> };
  /** One SSE frame carrying the provider's in-band error event. */
  inBandErrorFrame(fault: Extract<Fault, { type: 'in-band-error' }>): string;
  /** Response headers every answer carries (e.g. a request id). */
  responseHeaders(request: RecordedRequest): Record<string, string>;
  /** Frames for Gemini-style missing-terminal, when leaving out trailing frames is not enough. */
  framesWithoutFinish?(reply: ResolvedReply, request: RecordedRequest): string[];
  /**
   * An unparseable frame the SDK will still try to parse (e.g. with the `event:` line Anthropic's
   * SDK needs). Default: `data: {"this is": not json`.
   */
  malformedFrame?(): string;
}

/** Formats one SSE frame. `event` is omitted when undefined. */
export function sseFrame(data: unknown, event?: string): string {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  return `${event !== undefined ? `event: ${event}\n` : ''}data: ${payload}\n\n`;
}

/** Splits text into pieces of at most `size` characters without breaking surrogate pairs. */
export function chunkText(text: string, size: number): string[] {
  if (text === '') return [];
  const chars = Array.from(text);
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}
