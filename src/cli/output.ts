// stdout for commands that may write a lot: writes wait for the stream to drain (so a slow reader
// keeps memory flat), and a reader that goes away (`| head -1`, EPIPE) ends the command quietly
// instead of with a stack trace: the first write error aborts `closed` and later writes reject with
// OutputClosedError, which main() turns into a silent exit.
import type { Writable } from 'node:stream';
import { OutputClosedError } from './errors.js';

export class Output {
  readonly #stream: Writable;
  readonly #closed = new AbortController();

  constructor(stream: Writable) {
    this.#stream = stream;
    stream.on('error', (err: NodeJS.ErrnoException) => {
      // EPIPE (reader gone) or any other write failure of stdout: nothing more can be said there.
      this.#closed.abort(err);
    });
  }

  /** Aborted once the reader has gone away. */
  get closed(): AbortSignal {
    return this.#closed.signal;
  }

  /** Writes `text`; resolves when the stream can take more. */
  async write(text: string): Promise<void> {
    if (this.#closed.signal.aborted) throw new OutputClosedError();
    if (this.#stream.write(text)) return;
    await new Promise<void>((resolve, reject) => {
      const onDrain = () => {
        this.#closed.signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        this.#stream.off('drain', onDrain);
        reject(new OutputClosedError());
      };
      this.#stream.once('drain', onDrain);
      this.#closed.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Resolves once everything written so far has been handed to the OS (or the reader is gone). */
  async end(): Promise<void> {
    if (this.#closed.signal.aborted) return;
    await new Promise<void>((resolve) => {
      if (this.#stream.writableNeedDrain) this.#stream.once('drain', () => resolve());
      else resolve();
    });
  }
}
