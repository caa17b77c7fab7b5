// Why its own single-flight: concurrent AuthFailures of one session share one GetCallerIdentity, and
// the answer is forgotten as soon as it arrives (the next AuthFailure must ask again) — a Map of
// pending promises does exactly that; DataLoader and lru-cache would keep the answer.
// Is a member session still good? Asked when EC2 answers AuthFailure, which means either "these
// credentials are not valid" or "this Region is not enabled for the account". One GetCallerIdentity
// with the very same credentials, at the broker's regional STS endpoint, tells the two apart without
// throwing a good session away (and paying an AssumeRole for it) in every disabled Region.
import { GetCallerIdentityCommand } from './sdk-clients.js';
import type { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { isSessionRefused } from './classify.js';
import type { SessionCheck } from './session-retry.js';

/**
 * A SessionCheck through GetCallerIdentity (allowed to every principal, so a refusal can only be about
 * the credentials). Resolves true when STS accepts the session, false when it refuses it as expired
 * or invalid; rejects when it could not tell (network, throttling, abort). Concurrent checks of one
 * session share one request.
 */
export function callerIdentityCheck(
  clientFor: (credentials: AwsCredentialIdentity) => STSClient,
  onRequest: () => void = () => {},
): SessionCheck {
  const pending = new Map<string, Promise<boolean>>();
  return (credentials, signal) => {
    const key = credentials.accessKeyId;
    let check = pending.get(key);
    if (!check) {
      onRequest();
      check = clientFor(credentials)
        .send(new GetCallerIdentityCommand({}), signal ? { abortSignal: signal } : {})
        .then(
          () => true,
          (err: unknown) => {
            if (isSessionRefused(err)) return false;
            throw err;
          },
        )
        .finally(() => pending.delete(key));
      pending.set(key, check);
    }
    return check;
  };
}
