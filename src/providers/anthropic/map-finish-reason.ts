import type { FinishReason } from '../../types/finish-reason.js';

/**
 * Anthropic's `stop_reason` in switchyard's vocabulary. `model_context_window_exceeded` is a
 * truncation like `max_tokens` (the window, not the caller's limit, ran out); `pause_turn` asks the
 * caller to resend the turn, which has no common meaning, so it is `other`.
 */
export function mapFinishReason(raw: string | null | undefined): FinishReason {
  switch (raw) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool-calls';
    case 'refusal':
      return 'content-filter';
    default:
      return 'other';
  }
}
