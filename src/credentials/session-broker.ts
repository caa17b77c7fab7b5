// The session broker: credentials of the member role in any account, with ONE AssumeRole per account
// per session lifetime, shared by every Region, client and concurrent request of the process.
//
// - Concurrent callers join the pending AssumeRole; sessions are refreshed `refreshWindowSeconds`
//   before they expire (at most halfway through the lifetime AWS issued), so no caller receives
//   credentials that expire within the window.
// - Failures are never cached as success. Refusals that will not change by retrying (AccessDenied,
//   a duration the role does not allow) are remembered for `negativeCacheSeconds` and returned as
//   the very same error, so one broken account is not hammered; other failures are retried by the
//   next caller.
// - `invalidate` drops a session AWS refused as expired or invalid, if it is still the current one.
// - Bounded by an LRU (default 10,000 accounts); counters for metrics; an injectable clock.
import { LRUCache } from 'lru-cache';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import type { SharedCredentialProvider } from './credential-cell.js';
import { CredentialCell } from './credential-cell.js';
import type { RoleArnTemplate } from './role-arn.js';
import {
  DEFAULT_ROLE_SESSION_NAME,
  isAccountId,
  roleArnTemplate,
  validateExternalId,
  validateRoleSessionName,
} from './role-arn.js';
import type { SessionError } from './session-errors.js';
import { classifyAssumeRoleError } from '../aws/classify.js';
import type { SessionSource } from '../aws/session-retry.js';
import type { AssumeRoleFn, AssumeRoleParams, StsClientOptions } from './sts.js';
import { createStsClient, stsAssumeRole } from './sts.js';
import { nonNegative, positiveInteger } from '../option-checks.js';

export const DEFAULT_DURATION_SECONDS = 3600;
export const ROLE_CHAINING_MAX_SECONDS = 3600;
export const DEFAULT_REFRESH_WINDOW_SECONDS = 300;
export const DEFAULT_NEGATIVE_CACHE_SECONDS = 60;
export const DEFAULT_MAX_SESSIONS = 10_000;

export interface SessionBrokerOptions {
  /** How STS is called. Default: an STSClient built from `sts`. Tests inject a fake. */
  assumeRole?: AssumeRoleFn;
  /** For the default `assumeRole`: Region (regional endpoint), central credentials, endpoint, handler. */
  sts?: StsClientOptions;
  /**
   * For the default `assumeRole`: an AssumeRole without an answer after this long fails (and the next
   * caller tries again) instead of holding the account's session pending forever. The gateway passes
   * `aws.callTimeoutMs`. Default: no limit of its own.
   */
  callTimeoutMs?: number;
  /** Member role ARN = arn:<partition>:iam::<account>:role<path><roleName>. */
  role?: RoleArnTemplate;
  externalId?: string;
  /** 2–64 chars of [\w+=,.@-]; default 'orgraph'. */
  roleSessionName?: string;
  /** Default 3600; capped at 3600 when `roleChaining`. */
  durationSeconds?: number;
  /** The central principal is itself a role session (assumed role, instance role, Roles Anywhere). */
  roleChaining?: boolean;
  refreshWindowSeconds?: number;
  negativeCacheSeconds?: number;
  maxSessions?: number;
  /**
   * The central principal's account and credentials. With `useCentralCredentialsForCentralAccount`
   * that account is served the central credentials directly; otherwise it is a member like any other.
   */
  central?: { accountId: string; credentials: AwsCredentialIdentityProvider };
  useCentralCredentialsForCentralAccount?: boolean;
  clock?: () => number;
  logger?: Logger;
  /** Per-account exceptions to the role, ExternalId and duration; the first whose accounts match wins. */
  overrides?: readonly RoleOverride[];
}

/** The counts of BrokerMetrics before any session was asked for. */
export const NO_SESSION_COUNTS: Readonly<Omit<BrokerMetrics, 'sessions'>> = {
  hit: 0,
  miss: 0,
  join: 0,
  refresh: 0,
  failure: 0,
  negativeHit: 0,
  invalidated: 0,
};

/** What the rest of orgraph asks of a session broker (SessionBroker, DeferredBroker). */
export type MemberSessions = Pick<
  SessionBroker,
  'useUnitsOf' | 'roleArnFor' | 'credentialsFor' | 'providerFor' | 'invalidate' | 'metrics'
> &
  Pick<SessionSource, 'untilReady'>;

/** The units and root above an account, nearest first (Organizations ListParents up to the root). */
export type UnitsOf = (accountId: string) => Promise<readonly string[]>;

export interface BrokerMetrics {
  /** A fresh cached session was returned. */
  hit: number;
  /** No session yet: an AssumeRole was started. */
  miss: number;
  /** Joined an AssumeRole already in flight. */
  join: number;
  /** The cached session was within the refresh window: an AssumeRole was started. */
  refresh: number;
  /** AssumeRole calls that failed. */
  failure: number;
  /** Answered from the negative cache (a remembered refusal), without calling STS. */
  negativeHit: number;
  /** Sessions dropped by `invalidate`. */
  invalidated: number;
  /** Accounts currently held in the LRU. */
  sessions: number;
}

interface AccountEntry {
  cell: CredentialCell;
  /** A remembered refusal and when it stops being returned (clock ms). */
  denied?: { error: SessionError; until: number };
}

/** A different member role, ExternalId or session duration for some accounts (legacy accounts, one ExternalId per account). */
export interface RoleOverride {
  accountIds?: readonly string[];
  /** Units or roots: every account anywhere below them matches. */
  unitIds?: readonly string[];
  roleName?: string;
  rolePath?: string;
  externalId?: string;
  durationSeconds?: number;
}

/** What AssumeRole is called with in one account. */
interface AccountRoleSettings {
  roleArnOf: (accountId: string) => string;
  externalId: string | undefined;
  durationSeconds: number;
}

export class SessionBroker {
  /** The DurationSeconds actually requested (after the role-chaining cap). */
  readonly durationSeconds: number;
  readonly roleSessionName: string;
  private readonly roleArnOf: (accountId: string) => string;
  private readonly assumeRole: AssumeRoleFn;
  private readonly externalId: string | undefined;
  private readonly overrides: {
    accountIds: ReadonlySet<string>;
    unitIds: ReadonlySet<string>;
    settings: AccountRoleSettings;
  }[];
  private readonly needsUnits: boolean;
  private unitsOf: UnitsOf | undefined;
  /** The units above each account, once read (an account moved between units is seen after a restart). */
  private readonly unitsByAccount = new Map<string, Promise<ReadonlySet<string>>>();
  private readonly refreshWindowMs: number;
  private readonly negativeCacheMs: number;
  private readonly clock: () => number;
  private readonly logger: Logger;
  private readonly centralDirect:
    { accountId: string; credentials: AwsCredentialIdentityProvider } | undefined;
  private readonly entries: LRUCache<string, AccountEntry>;
  private readonly counters = { ...NO_SESSION_COUNTS };
  private warnedShortLifetime = false;

  constructor(options: SessionBrokerOptions) {
    this.clock = options.clock ?? Date.now;
    this.logger = options.logger ?? silentLogger;
    this.roleArnOf = roleArnTemplate(options.role);
    this.roleSessionName = options.roleSessionName ?? DEFAULT_ROLE_SESSION_NAME;
    validateRoleSessionName(this.roleSessionName);
    if (options.externalId !== undefined) validateExternalId(options.externalId);
    this.externalId = options.externalId;
    this.durationSeconds = this.effectiveDuration(
      options.durationSeconds ?? DEFAULT_DURATION_SECONDS,
      options.roleChaining ?? false,
    );
    this.refreshWindowMs =
      nonNegative('refreshWindowSeconds', options.refreshWindowSeconds ?? DEFAULT_REFRESH_WINDOW_SECONDS) *
      1000;
    this.negativeCacheMs =
      nonNegative('negativeCacheSeconds', options.negativeCacheSeconds ?? DEFAULT_NEGATIVE_CACHE_SECONDS) *
      1000;
    if (this.refreshWindowMs >= this.durationSeconds * 1000) {
      throw new TypeError(
        `refreshWindowSeconds (${this.refreshWindowMs / 1000}) must be shorter than the session duration (${this.durationSeconds})`,
      );
    }
    this.overrides = (options.overrides ?? []).map((o, i) => {
      const where = `overrides[${i}]`;
      for (const id of o.accountIds ?? [])
        if (!isAccountId(id))
          throw new TypeError(`${where}.accountIds: '${id}' is not a 12-digit account id`);
      if ((o.accountIds ?? []).length + (o.unitIds ?? []).length === 0)
        throw new TypeError(`${where}: names no accountIds and no unitIds, so it matches no account`);
      if (o.externalId !== undefined) validateExternalId(o.externalId);
      const durationSeconds =
        o.durationSeconds === undefined
          ? this.durationSeconds
          : this.effectiveDuration(o.durationSeconds, options.roleChaining ?? false);
      if (this.refreshWindowMs >= durationSeconds * 1000)
        throw new TypeError(
          `${where}.durationSeconds (${durationSeconds}) must be longer than refreshWindowSeconds (${this.refreshWindowMs / 1000})`,
        );
      return {
        accountIds: new Set(o.accountIds ?? []),
        unitIds: new Set(o.unitIds ?? []),
        settings: {
          roleArnOf: roleArnTemplate({
            ...options.role,
            ...(o.roleName !== undefined ? { roleName: o.roleName } : {}),
            ...(o.rolePath !== undefined ? { path: o.rolePath } : {}),
          }),
          externalId: o.externalId ?? this.externalId,
          durationSeconds,
        },
      };
    });
    this.needsUnits = this.overrides.some((o) => o.unitIds.size > 0);
    const maxSessions = positiveInteger('maxSessions', options.maxSessions ?? DEFAULT_MAX_SESSIONS);
    this.entries = new LRUCache<string, AccountEntry>({ max: maxSessions });
    if (options.assumeRole) this.assumeRole = options.assumeRole;
    else if (options.sts)
      this.assumeRole = stsAssumeRole(createStsClient(options.sts), options.callTimeoutMs);
    else throw new TypeError('SessionBroker needs either `assumeRole` or `sts` options');
    this.centralDirect = options.useCentralCredentialsForCentralAccount ? options.central : undefined;
    if (options.useCentralCredentialsForCentralAccount && !options.central) {
      throw new TypeError(
        'useCentralCredentialsForCentralAccount needs the central account id and credentials (`central`)',
      );
    }
  }

  /**
   * Where overrides that name `unitIds` learn the units and root above an account (the composition
   * root gives it once the Organizations data exists, after the broker).
   */
  useUnitsOf(unitsOf: UnitsOf): void {
    this.unitsOf = unitsOf;
  }

  async roleArnFor(accountId: string): Promise<string> {
    return (await this.settingsFor(accountId)).roleArnOf(accountId);
  }

  /** The first override naming the account or a unit above it; else the broker's own settings. */
  private async settingsFor(accountId: string): Promise<AccountRoleSettings> {
    const units = this.needsUnits ? await this.unitsAbove(accountId) : undefined;
    for (const o of this.overrides)
      if (o.accountIds.has(accountId) || (units && [...o.unitIds].some((u) => units.has(u))))
        return o.settings;
    return { roleArnOf: this.roleArnOf, externalId: this.externalId, durationSeconds: this.durationSeconds };
  }

  private unitsAbove(accountId: string): Promise<ReadonlySet<string>> {
    let found = this.unitsByAccount.get(accountId);
    if (!found) {
      const unitsOf = this.unitsOf;
      if (!unitsOf)
        return Promise.reject(
          new TypeError(
            'credentials.broker.overrides name unitIds, which needs the Organizations account source',
          ),
        );
      found = unitsOf(accountId).then((units) => new Set(units));
      // A failed read is not remembered: the next call asks again.
      found.catch(() => this.unitsByAccount.delete(accountId));
      this.unitsByAccount.set(accountId, found);
    }
    return found;
  }

  /** Credentials of the member role in `accountId`; rejects with a SessionError (or a TypeError for a bad id). */
  async credentialsFor(accountId: string): Promise<AwsCredentialIdentity> {
    if (!isAccountId(accountId)) throw new TypeError(`account id must be 12 digits (got '${accountId}')`);
    if (this.centralDirect && accountId === this.centralDirect.accountId)
      return this.centralDirect.credentials();
    const entry = this.entryFor(accountId);
    if (entry.denied) {
      if (this.clock() < entry.denied.until) {
        this.counters.negativeHit++;
        throw entry.denied.error;
      }
      delete entry.denied;
    }
    const { status, credentials } = entry.cell.get();
    this.counters[status]++;
    return credentials;
  }

  /**
   * A credentials function for an SDK client of `accountId`. Marked `memoized` so the SDK does not
   * put its own per-client cache in front: every request asks the broker, which is one map lookup
   * when the session is fresh, and a dropped session is never kept alive inside a client.
   */
  providerFor(accountId: string): SharedCredentialProvider {
    return sessionProvider(this, accountId);
  }

  /**
   * Drops the account's session because AWS refused it as expired or invalid — only if `credentials`
   * (by access key id) is still the current session; a newer one stays. Returns true if dropped.
   */
  invalidate(accountId: string, credentials?: Pick<AwsCredentialIdentity, 'accessKeyId'>): boolean {
    let dropped: boolean;
    if (this.centralDirect && accountId === this.centralDirect.accountId) {
      const central = this.centralDirect.credentials as Partial<SharedCredentialProvider>;
      dropped = typeof central.invalidate === 'function' ? central.invalidate(credentials) : false;
    } else {
      dropped = this.entries.peek(accountId)?.cell.invalidate(credentials) ?? false;
    }
    if (dropped) {
      this.counters.invalidated++;
      this.logger.info('session dropped after AWS refused it', {
        accountId,
        accessKeyId: credentials?.accessKeyId,
      });
    }
    return dropped;
  }

  metrics(): BrokerMetrics {
    return { ...this.counters, sessions: this.entries.size };
  }

  private entryFor(accountId: string): AccountEntry {
    let entry = this.entries.get(accountId);
    if (!entry) {
      const created: AccountEntry = {
        cell: new CredentialCell(() => this.assume(accountId, created), {
          clock: this.clock,
          refreshWindowMs: this.refreshWindowMs,
        }),
      };
      this.entries.set(accountId, created);
      entry = created;
    }
    return entry;
  }

  private async assume(accountId: string, entry: AccountEntry): Promise<AwsCredentialIdentity> {
    const settings = await this.settingsFor(accountId);
    const roleArn = settings.roleArnOf(accountId);
    const params: AssumeRoleParams = {
      RoleArn: roleArn,
      RoleSessionName: this.roleSessionName,
      DurationSeconds: settings.durationSeconds,
    };
    if (settings.externalId !== undefined) params.ExternalId = settings.externalId;
    let credentials: AwsCredentialIdentity;
    try {
      credentials = await this.assumeRole(params);
    } catch (err) {
      this.counters.failure++;
      const error = classifyAssumeRoleError(err, {
        accountId,
        roleArn,
        durationSeconds: settings.durationSeconds,
        externalIdConfigured: settings.externalId !== undefined,
      });
      const remembered = error.kind === 'notAuthorized' || error.kind === 'durationTooLong';
      if (remembered && this.negativeCacheMs > 0)
        entry.denied = { error, until: this.clock() + this.negativeCacheMs };
      this.logger.warn('AssumeRole failed', {
        accountId,
        roleArn,
        code: error.code,
        awsErrorCode: error.awsErrorCode,
        requestId: error.requestId,
        remembered,
      });
      throw error;
    }
    this.noteLifetime(credentials, accountId);
    this.logger.debug('assumed role', {
      accountId,
      roleArn,
      accessKeyId: credentials.accessKeyId,
      expiration: credentials.expiration,
    });
    return credentials;
  }

  /**
   * A session issued for no longer than twice the refresh window is refreshed halfway through its
   * life instead (credential-cell.ts): say so once, as AWS (or a policy) cut the duration asked for.
   */
  private noteLifetime(credentials: AwsCredentialIdentity, accountId: string): void {
    if (this.warnedShortLifetime || !credentials.expiration) return;
    const lifetimeMs = credentials.expiration.getTime() - this.clock();
    if (lifetimeMs <= 2 * this.refreshWindowMs) {
      this.warnedShortLifetime = true;
      this.logger.warn(
        'issued session is short for the refresh window; it is renewed halfway through its lifetime instead',
        {
          accountId,
          lifetimeSeconds: Math.round(lifetimeMs / 1000),
          refreshWindowSeconds: this.refreshWindowMs / 1000,
        },
      );
    }
  }

  private effectiveDuration(requested: number, roleChaining: boolean): number {
    if (!Number.isInteger(requested) || requested < 900 || requested > 43_200) {
      throw new TypeError(`durationSeconds must be an integer from 900 to 43200 (got ${requested})`);
    }
    if (roleChaining && requested > ROLE_CHAINING_MAX_SECONDS) {
      this.logger.warn(
        'session duration capped at 3600 seconds: the central principal is itself a role session (role chaining)',
        {
          requestedDurationSeconds: requested,
          durationSeconds: ROLE_CHAINING_MAX_SECONDS,
        },
      );
      return ROLE_CHAINING_MAX_SECONDS;
    }
    return requested;
  }
}

/** `broker`'s session of `accountId` as an SDK credentials provider (see SessionBroker.providerFor). */
export function sessionProvider(
  broker: Pick<MemberSessions, 'credentialsFor' | 'invalidate'>,
  accountId: string,
): SharedCredentialProvider {
  const provider = (() => broker.credentialsFor(accountId)) as SharedCredentialProvider;
  provider.memoized = true;
  provider.invalidate = (credentials) => broker.invalidate(accountId, credentials);
  return provider;
}
