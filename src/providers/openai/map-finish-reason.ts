import type { FinishReason } from '../../types/finish-reason.js';

/**
 * OpenAI's `finish_reason` in switchyard's vocabulary. `hasToolCalls` covers OpenAI-compatible
 * servers (older vLLM, Ollama) that report `stop` on an answer that is only tool calls.
 */
export function mapFinishReason(raw: string | null | undefined, hasToolCalls: boolean): FinishReason {
  switch (raw) {
    case 'stop':
      return hasToolCalls ? 'tool-calls' : 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool-calls';
    case 'content_filter':
      return 'content-filter';
    default:
      return 'other';
  }
}
