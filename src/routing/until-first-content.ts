import type { StreamEvent } from '../types/stream-event.js';

/** A branch whose first content event (or its finish) has arrived: safe to commit to. */
export interface OpenedBranch {
  /** Events received so far, ending with the first content event or `finish`. Not yet yielded. */
  head: StreamEvent[];
  /** The rest of the branch (already started). Call `return()` to abandon it. */
  rest: AsyncIterator<StreamEvent>;
  /** True when `head` already ends with `finish` (a complete answer, e.g. any generate call). */
  finished: boolean;
}

/**
 * Reads a branch until it has produced content the caller would see, without yielding anything.
 * Errors before that point reject (and nothing has reached the caller, so a layer may still retry or
 * fail over). This is the commit point every routing layer shares.
 */
export async function untilFirstContent(events: AsyncIterable<StreamEvent>): Promise<OpenedBranch> {
  const rest = events[Symbol.asyncIterator]();
  const head: StreamEvent[] = [];
  try {
    for (;;) {
      const r = await rest.next();
      if (r.done) return { head, rest, finished: false };
      head.push(r.value);
      if (r.value.type === 'finish') return { head, rest, finished: true };
      if (r.value.type !== 'reset') return { head, rest, finished: false };
    }
  } catch (err) {
    await rest.return?.().catch(() => undefined);
    throw err;
  }
}
