import type { FinishReason } from './finish-reason.js';
import type { Target } from './target.js';
import type { Cost } from './cost.js';
import type { Usage } from './usage.js';

export interface TextDeltaEvent {
  type: 'text-delta';
  text: string;
}

export interface ReasoningDeltaEvent {
  type: 'reasoning-delta';
  text: string;
  /** Opaque provider data for the reasoning block (e.g. Anthropic's signature), sent once. */
  providerMetadata?: Record<string, unknown>;
}

export interface ToolCallStartEvent {
  type: 'tool-call-start';
  /** Position of the call among this response's tool calls. */
  index: number;
  id: string;
  name: string;
}

export interface ToolCallDeltaEvent {
  type: 'tool-call-delta';
  index: number;
  id: string;
  /** A fragment of the JSON arguments text. */
  argumentsDelta: string;
}

export interface ToolCallEndEvent {
  type: 'tool-call-end';
  index: number;
  id: string;
  name: string;
  /** Parsed arguments (`{}` for an empty string). */
  arguments: unknown;
  /** The JSON text the arguments were parsed from. */
  argumentsText: string;
  providerMetadata?: Record<string, unknown>;
}

/** The last event of every successful stream. */
export interface FinishEvent {
  type: 'finish';
  finishReason: FinishReason;
  /** The provider's own finish reason (e.g. `end_turn`, `STOP`). */
  rawFinishReason: string | undefined;
  /** Absent when the provider reported none. */
  usage: Usage | undefined;
  /** The provider's response id. */
  responseId: string | undefined;
  /** The model that answered, as the provider reported it. */
  responseModel: string | undefined;
  /** The target that served this stream. */
  target: Target;
  /** Provider request id (from `x-request-id` / `request-id`), when exposed. */
  requestId: string | undefined;
  /** The raw provider response (generate calls) or undefined for streams. */
  raw: unknown;
  /** What this attempt cost (set by the attempt core when the model's price is known). */
  cost?: Cost;
}

/**
 * The content streamed so far is void: a routing layer restarted the answer on another target after
 * content had reached the caller. A UI should clear what it showed; the aggregated response does.
 */
export interface ResetEvent {
  type: 'reset';
  /** Why the answer restarted (e.g. the error class that interrupted it). */
  reason: string;
  /** The target the answer restarts on. */
  target: string;
}

export type StreamEvent =
  | ResetEvent
  | TextDeltaEvent
  | ReasoningDeltaEvent
  | ToolCallStartEvent
  | ToolCallDeltaEvent
  | ToolCallEndEvent
  | FinishEvent;

/** Events that carry content the caller sees. */
export type ContentEvent = Exclude<StreamEvent, FinishEvent | ResetEvent>;
