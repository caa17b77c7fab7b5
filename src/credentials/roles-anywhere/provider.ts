// The native IAM Roles Anywhere credential provider: validates the configuration up front, then calls
// CreateSession on demand. One session at a time is shared by every caller: concurrent callers join the
// pending call, and the session is renewed `refreshWindowSeconds` before it expires. Failures are never
// remembered; the next caller tries again.
import type { AwsCallObserver } from '../../aws/call-observer.js';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
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
  let current: RolesAnywhereCredentials | undefined;
  let pending: Promise<RolesAnywhereCredentials> | undefined;

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

  const provider = (identityProperties?: { forceRefresh?: boolean }): Promise<RolesAnywhereCredentials> => {
    if (!identityProperties?.forceRefresh && current && current.expiration.getTime() - clock() > windowMs) {
      stats.hits++;
      return Promise.resolve(current);
    }
    if (pending) {
      stats.joins++;
      return pending;
    }
    stats.createSessionCalls++;
    if (current) stats.refreshes++;
    const call = fetchSession().then(
      (credentials) => {
        current = credentials;
        return credentials;
      },
      (err: unknown) => {
        stats.failures++;
        throw err;
      },
    );
    pending = call;
    const clear = () => {
      if (pending === call) pending = undefined;
    };
    call.then(clear, clear);
    return call;
  };

  return Object.assign(provider, {
    isRoleSession: true as const,
    summary,
    invalidate(): void {
      current = undefined;
    },
    stats: (): RolesAnywhereProviderStats => ({ ...stats }),
  });
}
