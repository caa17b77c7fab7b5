// Retry once with a fresh session when AWS refuses broker credentials as expired or invalid.
//
// EC2's AuthFailure is ambiguous: it also means "this Region is not enabled for the account". So it
// gets the same single retry with a new session, and if the retry fails again its error is rethrown
// for the caller to classify (then as a disabled Region). Concurrent refusals of one session drop it
// once (invalidate only drops the session it was given) and their retries share one AssumeRole.
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { awsErrorFacts } from '../credentials/session-errors.js';

/** What withSessionRetry needs from the session broker. */
export interface SessionSource {
  credentialsFor(accountId: string): Promise<AwsCredentialIdentity>;
  invalidate(accountId: string, credentials?: Pick<AwsCredentialIdentity, 'accessKeyId'>): boolean;
}

/** AWS error codes that mean "these credentials are expired or not (any longer) valid". */
export const SESSION_REFUSED_CODES: ReadonlySet<string> = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'AuthFailure',
]);

export function isSessionRefused(err: unknown): boolean {
  return SESSION_REFUSED_CODES.has(awsErrorFacts(err).code);
}

/**
 * Runs `call` (which uses clients whose credentials come from `broker.credentialsFor(accountId)`);
 * if AWS refuses the session, drops it and runs `call` once more with a new one.
 */
export async function withSessionRetry<T>(
  broker: SessionSource,
  accountId: string,
  call: () => Promise<T>,
): Promise<T> {
  // The session the call is about to use: the clients ask the broker for the same current session.
  // Should a refresh slip in between, invalidate() below sees a newer session and leaves it alone.
  const used = await broker.credentialsFor(accountId);
  try {
    return await call();
  } catch (err) {
    if (!isSessionRefused(err)) throw err;
    broker.invalidate(accountId, used);
    return await call();
  }
}
