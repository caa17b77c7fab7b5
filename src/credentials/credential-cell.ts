// Why it exists: freshness comes from each value's own expiration (refreshed a window before it, at
// most half the issued lifetime) and a refused session is dropped only if still current — lru-cache's
// TTL is fixed when an entry is set and DataLoader never expires, so neither can hold a session.
// One refreshing credential slot: concurrent callers share one pending fetch, credentials are
// refreshed a window before they expire (so no caller receives credentials that expire within the
// window), failures are never stored, and a session AWS refused can be dropped. The window is at most
// half the lifetime AWS actually issued: a 15-minute (or, in a test, 2-second) session under a
// 5-minute window would otherwise be stale at birth and fetched again on every call. The session
// broker keeps one cell per account (in its LRU); the central principal wraps its provider in one, and
// the Roles Anywhere provider keeps its session in one.
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';

/** How a `get` was answered: cached, first fetch, joined a fetch in flight, or refreshed a stale one. */
export type CellStatus = 'hit' | 'miss' | 'join' | 'refresh';

export interface CellOptions {
  clock: () => number;
  refreshWindowMs: number;
}

export class CredentialCell {
  private current: AwsCredentialIdentity | undefined;
  /** The clock when `current` arrived: its lifetime is measured from there. */
  private issuedAt = 0;
  private pending: Promise<AwsCredentialIdentity> | undefined;

  constructor(
    private readonly fetch: () => Promise<AwsCredentialIdentity>,
    private readonly options: CellOptions,
  ) {}

  get(): { status: CellStatus; credentials: Promise<AwsCredentialIdentity> } {
    const current = this.current;
    if (current && this.isFresh(current)) return { status: 'hit', credentials: Promise.resolve(current) };
    if (this.pending) return { status: 'join', credentials: this.pending };
    const status: CellStatus = current ? 'refresh' : 'miss';
    // new Promise turns a fetch that throws synchronously into a rejection like any other.
    const pending = new Promise<AwsCredentialIdentity>((resolve) => resolve(this.fetch())).then(
      (credentials) => {
        if (this.pending === pending) this.pending = undefined;
        this.current = credentials;
        this.issuedAt = this.options.clock();
        return credentials;
      },
      (err: unknown) => {
        if (this.pending === pending) this.pending = undefined;
        throw err;
      },
    );
    this.pending = pending;
    return { status, credentials: pending };
  }

  /**
   * Drops the cached credentials if they are still the ones given (by access key id); a session that
   * was already replaced stays replaced. Without an argument drops whatever is cached. True if dropped.
   */
  invalidate(credentials?: Pick<AwsCredentialIdentity, 'accessKeyId'>): boolean {
    if (!this.current) return false;
    if (credentials && credentials.accessKeyId !== this.current.accessKeyId) return false;
    this.current = undefined;
    return true;
  }

  /** The cached credentials without fetching, fresh or not. */
  peek(): AwsCredentialIdentity | undefined {
    return this.current;
  }

  get inFlight(): boolean {
    return this.pending !== undefined;
  }

  private isFresh(credentials: AwsCredentialIdentity): boolean {
    if (!credentials.expiration) return true; // long-lived keys never need a refresh
    return credentials.expiration.getTime() - this.options.clock() > this.windowFor(credentials.expiration);
  }

  /** The refresh window of a session: the configured one, at most half of the lifetime it was issued with. */
  private windowFor(expiration: Date): number {
    const lifetime = expiration.getTime() - this.issuedAt;
    return Math.max(0, Math.min(this.options.refreshWindowMs, lifetime / 2));
  }
}

/** A provider the AWS SDK uses as is: `memoized` tells the SDK not to wrap it in its own per-client cache. */
export interface SharedCredentialProvider extends AwsCredentialIdentityProvider {
  memoized: true;
  /** Drops the cached credentials if they are still the given ones (see CredentialCell.invalidate). */
  invalidate(credentials?: Pick<AwsCredentialIdentity, 'accessKeyId'>): boolean;
}

/** Wraps any provider in a CredentialCell: one fetch at a time, refreshed `refreshWindowMs` early. */
export function memoizeCredentials(
  provider: AwsCredentialIdentityProvider,
  options: CellOptions,
): SharedCredentialProvider {
  const cell = new CredentialCell(() => provider(), options);
  const memoized = (() => cell.get().credentials) as SharedCredentialProvider;
  memoized.memoized = true;
  memoized.invalidate = (credentials) => cell.invalidate(credentials);
  return memoized;
}
