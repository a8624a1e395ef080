/** How long a stream may take to deliver what follows its completion signal before we hang up. */
export const STREAM_TAIL_GRACE_MS = 50;

/**
 * Reads what follows a stream's completion signal (`[DONE]`, `message_stop`, the end of the body) for
 * at most STREAM_TAIL_GRACE_MS, passing each chunk to `onChunk`, then hangs up if the server has not
 * finished. A healthy stream reads to its end (so the connection can be reused); a stalled one costs
 * 50 ms, not an idle limit. Errors there are moot: the answer is already complete.
 */
export async function readTail(it: AsyncIterator<unknown>, hangUp: () => void, onChunk?: (chunk: unknown) => void): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, STREAM_TAIL_GRACE_MS, undefined);
  });
  try {
    for (;;) {
      const pending = it.next();
      const step = await Promise.race([pending, late]);
      if (step === undefined) {
        pending.catch(() => undefined);
        hangUp();
        return;
      }
      if (step.done) return;
      onChunk?.(step.value);
    }
  } catch {
    hangUp();
  } finally {
    clearTimeout(timer);
  }
}
