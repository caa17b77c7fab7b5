// Per-request access checks: whether orgraph can assume an account's member role, as data (the
// session broker caches the session, so a second check in the process costs no AssumeRole).
import type { AwsData } from '../../aws/data.js';
import type { AwsCallErrorFacts } from '../../aws/errors.js';
import { failureFacts } from '../errors.js';
import { Memo } from './memo.js';

export type AccessResult = { ok: true } | { ok: false; failure: AwsCallErrorFacts };

export class AccessLoaders {
  readonly #data: AwsData;
  readonly #memo = new Memo<AccessResult>();

  constructor(data: AwsData) {
    this.#data = data;
  }

  check(accountId: string): Promise<AccessResult> {
    return this.#memo.get(accountId, async () => {
      try {
        await this.#data.access.checkAccess(accountId);
        return { ok: true };
      } catch (error) {
        const failure = failureFacts(error, { accountId });
        if (!failure) throw error;
        return { ok: false, failure };
      }
    });
  }
}
