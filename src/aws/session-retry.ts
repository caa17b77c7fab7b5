// Retry once with a fresh session when AWS refuses broker credentials as expired or invalid.
//
// EC2's AuthFailure is ambiguous: it also means "this Region is not enabled for the account". With a
// `checkSession` (GetCallerIdentity with the same credentials, see session-check.ts) the two are told
// apart first: a session STS accepts is kept, and the AuthFailure is rethrown as the Region's refusal.
// Only when STS refuses the session too (or without a check) is it dropped and the call retried once
// with a new one; a second AuthFailure is then the Region's refusal as well. Concurrent refusals of one
// session drop it once (invalidate only drops the session it was given) and their retries share one
// AssumeRole.
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { isAuthFailure, isSessionRefused } from './classify.js';

/** What withSessionRetry needs from the session broker. */
export interface SessionSource {
  credentialsFor(accountId: string): Promise<AwsCredentialIdentity>;
  invalidate(accountId: string, credentials?: Pick<AwsCredentialIdentity, 'accessKeyId'>): boolean;
  /**
   * While sessions cannot be asked for yet (the central check under way, see DeferredBroker): a
   * promise that settles when they can (rejects with the check's error); undefined once they can.
   */
  untilReady?(): Promise<void> | undefined;
}

/**
 * Whether STS accepts these credentials: true = valid, false = refused as expired or invalid; rejects
 * when it cannot tell.
 */
export type SessionCheck = (credentials: AwsCredentialIdentity, signal?: AbortSignal) => Promise<boolean>;

export interface SessionRetryOptions {
  /** Asked on AuthFailure before the session is dropped. */
  checkSession?: SessionCheck;
  /** For the check's request. */
  signal?: AbortSignal;
  /** Told about the AssumeRole of the fresh session, which the signal cannot stop (see call-runner.ts). */
  hold?: (unabortable: Promise<unknown>) => void;
  /**
   * AuthFailure with a session known to be valid (STS accepted it, or it was just issued): the Region
   * refuses the account. Called with that session before the AuthFailure is rethrown.
   */
  onRegionRefused?: (session: AwsCredentialIdentity) => void;
}

export { isSessionRefused };

/**
 * Runs `call` (which uses clients whose credentials come from `broker.credentialsFor(accountId)`);
 * if AWS refuses the session, drops it and runs `call` once more with a new one.
 */
export async function withSessionRetry<T>(
  broker: SessionSource,
  accountId: string,
  call: () => Promise<T>,
  options: SessionRetryOptions = {},
): Promise<T> {
  // The session the call is about to use: the clients ask the broker for the same current session.
  // Should a refresh slip in between, invalidate() below sees a newer session and leaves it alone.
  const used = await broker.credentialsFor(accountId);
  try {
    return await call();
  } catch (err) {
    if (!isSessionRefused(err)) throw err;
    if (isAuthFailure(err) && options.checkSession) {
      // Could not tell (network, throttling): fall back to a fresh session, as without a check.
      const valid = await options.checkSession(used, options.signal).catch(() => undefined);
      if (valid === true) {
        options.onRegionRefused?.(used);
        throw err;
      }
    }
    broker.invalidate(accountId, used);
    const pending = broker.credentialsFor(accountId);
    options.hold?.(pending);
    const fresh = await pending;
    // Abandoned meanwhile (timeout, caller gone): no request nobody waits for.
    if (options.signal?.aborted) throw options.signal.reason;
    try {
      return await call();
    } catch (again) {
      if (isAuthFailure(again)) options.onRegionRefused?.(fresh);
      throw again;
    }
  }
}
