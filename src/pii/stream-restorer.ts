import type { RedactionSession } from './redactor.js';

export interface StreamRestorerOptions {
  /** The stream is JSON text (tool-call arguments): insert originals JSON-escaped. */
  json?: boolean;
}

export interface StreamRestorer {
  /** Takes the next chunk; returns the restored text that can be emitted now (possibly ''). */
  push(delta: string): string;
  /** Returns whatever is still held back (a trailing `<EMA` that never completed). Call at the end. */
  flush(): string;
}

/**
 * Restores placeholders in a stream whose chunks may split them (`…<EMA` + `IL_1>…`). Text is
 * emitted as soon as it cannot be part of a placeholder; only a trailing run that is a proper
 * prefix of a placeholder the session issued is held back, so at most one placeholder's length
 * waits. The concatenation of every `push` and the `flush` equals restoring the whole text at once.
 */
export function createStreamRestorer(session: RedactionSession, options: StreamRestorerOptions = {}): StreamRestorer {
  const restore = options.json ? (s: string) => session.restoreJson(s) : (s: string) => session.restore(s);
  let held = '';
  return {
    push(delta) {
      if (delta.length === 0) return '';
      const buf = held + delta;
      held = '';
      // A placeholder holds no `<` after its first character, so only the last `<` can open one
      // that runs past the end of the buffer.
      const lt = buf.lastIndexOf('<');
      if (lt !== -1 && buf.length - lt < session.longestPlaceholder && session.isPlaceholderPrefix(buf.slice(lt))) {
        held = buf.slice(lt);
        return lt === 0 ? '' : restore(buf.slice(0, lt));
      }
      return restore(buf);
    },
    flush() {
      const rest = held;
      held = '';
      return rest === '' ? '' : restore(rest);
    },
  };
}
