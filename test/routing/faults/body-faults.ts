// Faults in the body of a non-streaming answer, injected under the real SDK through its `fetch`
// option. The fake servers fault streams frame by frame, but write a JSON answer in one piece; a
// generate call's equivalents of a stall, a cut or a malformed chunk happen here instead: the SDK
// gets a response whose body misbehaves exactly as a broken connection or proxy would make it.

/**
 * - `stall`: the first `afterBytes` bytes of the body, then nothing until the client gives up;
 * - `cut`: the first `afterBytes` bytes, then the body ends (truncated JSON);
 * - `malformed`: a body that is not JSON at all.
 */
export type BodyFault = { type: 'stall'; afterBytes: number } | { type: 'cut'; afterBytes: number } | { type: 'malformed' };

/** A queue of body faults, consumed one per successful JSON answer; empty means a clean pass-through. */
export interface BodyFaults {
  enqueue(...faults: BodyFault[]): void;
  /** Faults not consumed yet (a test that queued one expects it to be used). */
  readonly pending: number;
  clear(): void;
  /** The `fetch` to hand the SDK client. */
  readonly fetch: typeof fetch;
}

export function bodyFaults(): BodyFaults {
  const queue: BodyFault[] = [];
  const faultyFetch = async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]): Promise<Response> => {
    const res = await fetch(input, init);
    const json = res.headers.get('content-type')?.includes('application/json') ?? false;
    if (queue.length === 0 || !res.ok || !json) return res;
    const fault = queue.shift()!;
    // The server has written the whole answer; what reaches the SDK is decided here.
    const bytes = new Uint8Array(await res.arrayBuffer());
    const signal = init?.signal ?? undefined;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        if (fault.type === 'malformed') {
          controller.enqueue(new TextEncoder().encode('{"id": "chatcmpl-x", this is not json'));
          controller.close();
          return;
        }
        controller.enqueue(bytes.slice(0, fault.afterBytes));
        if (fault.type === 'cut') {
          controller.close();
          return;
        }
        // A stall ends only when the SDK aborts the request (its signal), as a socket read would.
        if (!signal) return;
        if (signal.aborted) controller.error(signal.reason);
        else signal.addEventListener('abort', () => controller.error(signal.reason), { once: true });
      },
    });
    const headers = new Headers(res.headers);
    headers.delete('content-length');
    return new Response(body, { status: res.status, statusText: res.statusText, headers });
  };
  return {
    enqueue: (...faults) => {
      queue.push(...faults);
    },
    get pending() {
      return queue.length;
    },
    clear: () => {
      queue.length = 0;
    },
    fetch: faultyFetch as typeof fetch,
  };
}
