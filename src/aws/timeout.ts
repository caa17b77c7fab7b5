// Time limits and cancellation of AWS calls. One attempt of a call gets its own AbortController, which
// aborts when the call's timeout passes or the caller's signal (query deadline, client gone) fires; the
// controller's signal goes to the SDK (`client.send(cmd, { abortSignal })`) so the HTTP request is cut.
// The attempt rejects the moment either fires, even if the work ignores the signal (e.g. a credentials
// lookup that is still waiting for STS).

/** The call did not finish within its time limit. */
export class CallTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'CallTimeoutError';
  }
}

/** The caller's signal fired (query deadline, or the client went away) before the call finished. */
export class CallCancelledError extends Error {
  constructor(reason?: unknown) {
    super(
      `cancelled before AWS answered${describeReason(reason)}`,
      reason === undefined ? undefined : { cause: reason },
    );
    this.name = 'CallCancelledError';
  }
}

export function isCancellation(err: unknown): boolean {
  return err instanceof CallCancelledError || err instanceof CallTimeoutError;
}

/** A CallCancelledError for an aborted signal (its reason as cause). */
export function cancelledBy(signal: AbortSignal): CallCancelledError {
  const reason: unknown = signal.reason;
  return reason instanceof CallCancelledError ? reason : new CallCancelledError(reason);
}

/**
 * `promise`, or a CallCancelledError as soon as `signal` aborts (the promise itself goes on);
 * `onCancel` is told when that happens (also when the signal had already aborted).
 */
export function untilCancelled<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  onCancel?: () => void,
): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined); // it goes on, and its failure is nobody's to report
    onCancel?.();
    return Promise.reject(cancelledBy(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      onCancel?.();
      reject(cancelledBy(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** One attempt started by `startWithTimeout`. */
export interface TimedWork<T> {
  /** Settles with the work, or rejects with CallTimeoutError / CallCancelledError as soon as either fires. */
  result: Promise<T>;
  /** Resolves when the work itself has settled (it may outlive `result`, e.g. a shared AssumeRole). */
  settled: Promise<void>;
  /** Whether the work itself has settled. */
  isSettled(): boolean;
}

/**
 * Runs `work` with a signal that aborts after `timeoutMs` or when `parent` aborts; `result` rejects
 * with CallTimeoutError or CallCancelledError as soon as that happens, while `settled` tells when the
 * work underneath has really stopped (callers that count requests in flight wait for that).
 */
export function startWithTimeout<T>(
  timeoutMs: number,
  parent: AbortSignal | undefined,
  work: (signal: AbortSignal) => Promise<T>,
): TimedWork<T> {
  if (parent?.aborted) {
    const result = Promise.reject(cancelledBy(parent));
    return { result, settled: Promise.resolve(), isSettled: () => true };
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new CallTimeoutError(timeoutMs)), timeoutMs);
  const onParentAbort = () => controller.abort(parent ? cancelledBy(parent) : new CallCancelledError());
  parent?.addEventListener('abort', onParentAbort, { once: true });
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(controller.signal.reason);
    controller.signal.addEventListener('abort', onAbort, { once: true });
  });
  // new Promise turns a synchronous throw of `work` into a rejection like any other.
  const running = new Promise<T>((resolve) => resolve(work(controller.signal)));
  let done = false;
  const settled = running.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  const result = (async () => {
    try {
      return await Promise.race([running, aborted]);
    } catch (err) {
      // The SDK rejects an aborted request with its own AbortError; report why it was aborted instead.
      if (controller.signal.aborted) throw controller.signal.reason;
      throw err;
    } finally {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
      if (onAbort) controller.signal.removeEventListener('abort', onAbort);
    }
  })();
  return { result, settled, isSettled: () => done };
}

/**
 * Runs `work` with a signal that aborts after `timeoutMs` or when `parent` aborts; rejects with
 * CallTimeoutError or CallCancelledError as soon as that happens.
 */
export function withTimeout<T>(
  timeoutMs: number,
  parent: AbortSignal | undefined,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  return startWithTimeout(timeoutMs, parent, work).result;
}

function describeReason(reason: unknown): string {
  if (reason instanceof Error) return `: ${reason.message}`;
  if (typeof reason === 'string' && reason !== '') return `: ${reason}`;
  return '';
}
