// Per-request access checks: whether orgraph can assume an account's member role, as data (the
// session broker caches the session, so a second check in the process costs no AssumeRole). Each
// check carries the request's call options, so the query deadline and a client going away end it.
import type { AwsData, CallOptions } from '../../aws/contract.js';
import type { AwsCallErrorFacts } from '../../aws/errors.js';
import { failureFacts } from '../errors.js';
import { Memo } from './memo.js';

export type AccessResult = { ok: true } | { ok: false; failure: AwsCallErrorFacts };

export class AccessLoaders {
  readonly #data: AwsData;
  readonly #call: () => CallOptions;
  readonly #memo = new Memo<AccessResult>();

  /** `call`: the request's call options (its signal); absent, checks run without one. */
  constructor(data: AwsData, call: () => CallOptions = () => ({})) {
    this.#data = data;
    this.#call = call;
  }

  check(accountId: string): Promise<AccessResult> {
    return this.#memo.get(accountId, async () => {
      try {
        await this.#data.sessions.ensureSession(accountId, this.#call());
        return { ok: true };
      } catch (error) {
        const failure = failureFacts(error, { accountId });
        if (!failure) throw error;
        return { ok: false, failure };
      }
    });
  }
}
