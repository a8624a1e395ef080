import type { AttemptRecord } from './attempt.js';
import type { RoutingEvent } from './routing.js';
import type { FinishReason } from './finish-reason.js';
import type { ReasoningPart, TextPart } from './request.js';
import type { Target } from './target.js';
import type { Cost } from './cost.js';
import type { Usage } from './usage.js';

export interface ToolCall {
  id: string;
  name: string;
  /** Arguments parsed from JSON. */
  arguments: unknown;
  /** The JSON text as the provider produced it. */
  argumentsText: string;
  /** Opaque provider data to echo back when the call goes into history (Gemini `thoughtSignature`). */
  providerMetadata?: Record<string, unknown>;
}

export type ResponseContentPart = TextPart | ReasoningPart | ({ type: 'tool-call' } & ToolCall);

export interface ResponseTiming {
  /** Epoch ms when the gateway call started. */
  startedAt: number;
  /** Whole-call latency in ms (until the last event for streams). */
  latencyMs: number;
  /** Time from call start to the first content event, in ms. */
  timeToFirstTokenMs?: number;
}

/** The one response shape every call returns. */
export interface ChatResponse {
  /** Provider response id. */
  id: string | undefined;
  /** The provider that served the call (its registered name). */
  provider: string;
  /** The model that served the call as the provider reported it (falls back to the requested one). */
  model: string;
  /** The target that served the call. */
  target: Target;
  /** All text parts joined. */
  text: string;
  /** Reasoning text joined, when the provider returned any. */
  reasoning: string | undefined;
  content: ResponseContentPart[];
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  rawFinishReason: string | undefined;
  usage: Usage | undefined;
  /**
   * What the whole call cost: every attempt that reported usage, the failed and abandoned ones
   * included (each attempt's own cost is on `attempts`). Undefined when no price was known.
   */
  cost: Cost | undefined;
  requestId: string | undefined;
  raw: unknown;
  timing: ResponseTiming;
  /** Every provider attempt made for this call, in order of completion; the successful one served it. */
  attempts: AttemptRecord[];
  /** Routing decisions made for this call (split arm, retries, fail-overs, hedges, circuit skips). */
  routing: RoutingEvent[];
}
