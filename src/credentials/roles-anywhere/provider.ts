// The native IAM Roles Anywhere credential provider: validates the configuration up front, then calls
// CreateSession on demand. One session at a time is shared by every caller through a CredentialCell:
// concurrent callers join the pending call, and the session is renewed `refreshWindowSeconds` (at most
// half its lifetime) before it expires. Failures are never remembered; the next caller tries again.
import type { AwsCallObserver } from '../../aws/call-observer.js';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { CredentialCell } from '../credential-cell.js';
import { createSession } from './create-session.js';
import type { HttpTransport } from './create-session.js';
import type { RolesAnywhereOptions } from './options.js';
import { loadRolesAnywhere } from './validate.js';
import type { RolesAnywhereSummary } from './validate.js';

export type { RolesAnywhereOptions } from './options.js';
export { validateRolesAnywhere } from './validate.js';
export type { RolesAnywhereSummary } from './validate.js';
export { RolesAnywhereConfigError, RolesAnywhereServiceError } from './errors.js';

export interface RolesAnywhereCredentials extends AwsCredentialIdentity {
  readonly sessionToken: string;
  readonly expiration: Date;
}

export interface RolesAnywhereProviderStats {
  /** CreateSession calls started (each may make several HTTP attempts). */
  createSessionCalls: number;
  /** Calls answered from the current session. */
  hits: number;
  /** Calls that joined a pending CreateSession. */
  joins: number;
  /** CreateSession calls that replaced an existing session. */
  refreshes: number;
  failures: number;
}

/** An AwsCredentialIdentityProvider (usable as any SDK client's `credentials`) with a few extras. */
export interface RolesAnywhereProvider {
  (identityProperties?: { forceRefresh?: boolean }): Promise<RolesAnywhereCredentials>;
  /** Roles Anywhere credentials are a role session: what they assume is role chaining (≤ 1 hour). */
  readonly isRoleSession: true;
  /** What was validated at construction (nothing secret). */
  readonly summary: RolesAnywhereSummary;
  /** Drops the current session (e.g. after AWS refused it as expired); the next call fetches a new one. */
  invalidate(): void;
  stats(): RolesAnywhereProviderStats;
}

// Compile-time proof that the provider fits wherever the SDK expects credentials.
type Assignable<T extends AwsCredentialIdentityProvider> = T;
export type _RolesAnywhereProviderIsAnSdkProvider = Assignable<RolesAnywhereProvider>;

export interface RolesAnywhereDeps {
  /** Epoch ms. */
  clock?: () => number;
  env?: NodeJS.ProcessEnv;
  transport?: HttpTransport;
  sleep?: (ms: number) => Promise<void>;
  maxAttempts?: number;
  /** Told about each CreateSession request (see src/aws/call-observer.ts). */
  observer?: AwsCallObserver;
}

/**
 * Validates `options` now (throws RolesAnywhereConfigError naming the option or file) and returns a
 * memoizing provider. Each CreateSession re-reads the files, so a rotated certificate is picked up.
 */
export function fromRolesAnywhere(
  options: RolesAnywhereOptions,
  deps: RolesAnywhereDeps = {},
): RolesAnywhereProvider {
  const clock = deps.clock ?? Date.now;
  const { summary, settings } = loadRolesAnywhere(options, deps);
  const windowMs = settings.refreshWindowSeconds * 1000;
  const stats: RolesAnywhereProviderStats = {
    createSessionCalls: 0,
    hits: 0,
    joins: 0,
    refreshes: 0,
    failures: 0,
  };
  const fetchSession = async (): Promise<RolesAnywhereCredentials> => {
    // Checked again at call time: the certificate may have expired or been replaced since start-up.
    const loaded = loadRolesAnywhere(options, deps);
    const session = await createSession(loaded.settings, loaded.material, deps);
    return {
      accessKeyId: session.accessKeyId,
      secretAccessKey: session.secretAccessKey,
      sessionToken: session.sessionToken,
      expiration: session.expiration,
    };
  };
  // The same refreshing slot as every other session of the gateway (see credential-cell.ts).
  const cell = new CredentialCell(fetchSession, { clock, refreshWindowMs: windowMs });

  const provider = (identityProperties?: { forceRefresh?: boolean }): Promise<RolesAnywhereCredentials> => {
    if (identityProperties?.forceRefresh) cell.invalidate();
    const hadSession = cell.peek() !== undefined;
    const { status, credentials } = cell.get();
    if (status === 'hit') stats.hits++;
    else if (status === 'join') stats.joins++;
    else {
      stats.createSessionCalls++;
      if (hadSession) stats.refreshes++;
      credentials.catch(() => {
        stats.failures++;
      });
    }
    // The cell holds what fetchSession returned: always RolesAnywhereCredentials.
    return credentials as Promise<RolesAnywhereCredentials>;
  };

  return Object.assign(provider, {
    isRoleSession: true as const,
    summary,
    invalidate(): void {
      cell.invalidate();
    },
    stats: (): RolesAnywhereProviderStats => ({ ...stats }),
  });
}
