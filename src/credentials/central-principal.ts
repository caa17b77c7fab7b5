// The central principal: the one identity the gateway starts from, which assumes the member role in
// every account. Three sources — the SDK's default chain, a named profile, or native IAM Roles
// Anywhere — each turned into one shared, memoized credentials provider, and validated at start-up
// (credentials resolve, STS GetCallerIdentity accepts them) with an error that says what to fix.
import { GetCallerIdentityCommand } from '../aws/sdk-clients.js';
import { fromIni, fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCallObserver } from '../aws/call-observer.js';
import type { Env, EndpointOverrides } from '../aws/endpoints.js';
import { resolveEndpoint } from '../aws/endpoints.js';
import type { Logger } from '../log.js';
import { redactText, silentLogger } from '../log.js';
import type { SharedCredentialProvider } from './credential-cell.js';
import { memoizeCredentials } from './credential-cell.js';
import { fromRolesAnywhere } from './roles-anywhere/provider.js';
import type { RolesAnywhereOptions } from './roles-anywhere/options.js';
import { accountOfArn, partitionOfArn } from './role-arn.js';
import { awsErrorFacts, centralRefusal } from '../aws/classify.js';
import type { RetryPolicy, Sleep } from '../aws/throttle-retry.js';
import { backoffDelay, mayRetry, realSleep, retryKind } from '../aws/throttle-retry.js';
import { CallTimeoutError, cancelledBy, withTimeout } from '../aws/timeout.js';
import { profileExists, sharedFilePaths } from './shared-config-files.js';
import { createStsClient } from './sts.js';
import { parseAwsOptions } from '../config/aws.js';

export type CentralPrincipalConfig =
  | { source: 'default' }
  | { source: 'profile'; profile: string }
  | { source: 'rolesAnywhere'; rolesAnywhere: RolesAnywhereOptions };

export type CentralSource = CentralPrincipalConfig['source'];

export interface CentralPrincipal {
  source: CentralSource;
  /** For messages: "the default credential chain", "profile 'ops'", "Roles Anywhere profile arn:...". */
  description: string;
  /** The profile name, for source 'profile'. */
  profile?: string;
  /** Shared by every consumer (STS client of the broker, Organizations client, central account). */
  credentials: SharedCredentialProvider;
}

export interface CentralPrincipalDeps {
  clock?: () => number;
  /** Told about each Roles Anywhere CreateSession request (the other sources' SDK-internal calls are not AWS API calls of the gateway's). */
  observer?: AwsCallObserver;
  /** Refresh this long before expiry; default 300. */
  refreshWindowSeconds?: number;
  endpoints?: EndpointOverrides;
  env?: Env;
}

/** What was wrong with the central principal, in words an operator can act on. Never holds secrets. */
export class CentralPrincipalError extends Error {
  readonly code = 'UNAUTHENTICATED';
  constructor(
    message: string,
    readonly source: CentralSource,
    readonly awsErrorCode?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CentralPrincipalError';
  }
}

export function createCentralPrincipal(
  config: CentralPrincipalConfig,
  deps: CentralPrincipalDeps = {},
): CentralPrincipal {
  const clock = deps.clock ?? Date.now;
  const env = deps.env ?? process.env;
  const cell = { clock, refreshWindowMs: (deps.refreshWindowSeconds ?? 300) * 1000 };
  // The SDK's own inner clients (STS for profiles with role_arn, SSO) read AWS_ENDPOINT_URL* by
  // themselves; a configured STS override is handed to them explicitly.
  const stsOverride = deps.endpoints?.sts ?? deps.endpoints?.default;
  const clientConfig = stsOverride ? { clientConfig: { endpoint: stsOverride } } : {};
  switch (config.source) {
    case 'default':
      return {
        source: 'default',
        description: 'the default credential chain',
        credentials: memoizeCredentials(fromNodeProviderChain({ ...clientConfig }), cell),
      };
    case 'profile': {
      if (!config.profile)
        throw new CentralPrincipalError('centralPrincipal.profile must name a profile', 'profile');
      return {
        source: 'profile',
        profile: config.profile,
        description: `profile '${config.profile}'`,
        credentials: memoizeCredentials(fromIni({ profile: config.profile, ...clientConfig }), cell),
      };
    }
    case 'rolesAnywhere': {
      const options = config.rolesAnywhere;
      const endpoint = options.endpoint ?? resolveEndpoint('rolesanywhere', deps.endpoints, env);
      let provider: ReturnType<typeof fromRolesAnywhere>;
      try {
        provider = fromRolesAnywhere(
          { ...options, ...(endpoint !== undefined ? { endpoint } : {}) },
          { clock, env: env as NodeJS.ProcessEnv, ...(deps.observer ? { observer: deps.observer } : {}) },
        );
      } catch (err) {
        throw new CentralPrincipalError(
          `central principal (Roles Anywhere): ${redactText(messageOf(err))}`,
          'rolesAnywhere',
          undefined,
          { cause: err },
        );
      }
      // The provider already shares one session and refreshes it; it only needs the SDK-facing shape.
      const credentials = ((identityProperties?: { forceRefresh?: boolean }) =>
        provider(identityProperties)) as SharedCredentialProvider;
      credentials.memoized = true;
      credentials.invalidate = () => {
        provider.invalidate();
        return true;
      };
      return {
        source: 'rolesAnywhere',
        description: `Roles Anywhere profile ${options.profileArn}`,
        credentials,
      };
    }
  }
}

export interface CentralIdentity {
  source: CentralSource;
  accountId: string;
  arn: string;
  userId: string;
  partition: string;
  /**
   * The principal is itself a role session (an assumed role — instance/container/SSO roles included —
   * or Roles Anywhere): what it assumes is role chaining, capped at one hour.
   */
  isRoleSession: boolean;
}

export interface ValidateOptions {
  /** The Region whose STS endpoint is asked (the broker's STS Region). */
  stsRegion: string;
  endpoints?: EndpointOverrides;
  env?: Env;
  requestHandler?: NodeHttpHandler;
  logger?: Logger;
  /**
   * The same per-attempt time limit and retry policy as every other AWS call (`aws.callTimeoutMs`,
   * `aws.retry`): an STS that never answers fails the start-up instead of hanging it.
   */
  callTimeoutMs?: number;
  retry?: RetryPolicy;
  /** Told about each GetCallerIdentity request. */
  observer?: AwsCallObserver;
  sleep?: Sleep;
  random?: () => number;
  /**
   * Abandons the check with a CallCancelledError: it stops waiting for the credentials (a source
   * still resolving them goes on by itself), aborts its call, and retries no more.
   */
  signal?: AbortSignal;
}

/** Resolves the credentials, asks STS who they belong to, and says whether AssumeRole will be chaining. */
export async function validateCentralPrincipal(
  principal: CentralPrincipal,
  options: ValidateOptions,
): Promise<CentralIdentity> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? silentLogger;
  // Callers without a configuration get its defaults (aws.callTimeoutMs, aws.retry); the gateway
  // passes its already-parsed aws section, so nothing is parsed again.
  const defaults =
    options.callTimeoutMs === undefined || options.retry === undefined
      ? parseAwsOptions(undefined)
      : undefined;
  const timeoutMs = options.callTimeoutMs ?? defaults!.callTimeoutMs;
  const policy = options.retry ?? defaults!.retry;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  try {
    // A credential source that never answers (a Roles Anywhere endpoint, instance metadata) is cut too.
    await withTimeout(timeoutMs, options.signal, () => principal.credentials());
  } catch (err) {
    if (options.signal?.aborted) throw cancelledBy(options.signal);
    if (err instanceof CallTimeoutError) {
      throw new CentralPrincipalError(
        `the credentials of ${principal.description} did not resolve within ${timeoutMs} ms (aws.callTimeoutMs)`,
        principal.source,
        undefined,
        { cause: err },
      );
    }
    throw resolutionError(principal, err, env);
  }
  const endpoint = resolveEndpoint('sts', options.endpoints, env);
  const sts = createStsClient({
    region: options.stsRegion,
    credentials: principal.credentials,
    // Retried below, under the call timeout, as every AWS call is (see call-runner.ts).
    maxAttempts: 1,
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(options.requestHandler !== undefined ? { requestHandler: options.requestHandler } : {}),
    ...(options.observer ? { observer: options.observer } : {}),
  });
  const where = endpoint ?? `https://sts.${options.stsRegion}.amazonaws.com`;
  let out;
  let attempts = 0;
  let throttleWaitedMs = 0;
  try {
    for (;;) {
      attempts++;
      try {
        out = await withTimeout(timeoutMs, options.signal, (abortSignal) =>
          sts.send(new GetCallerIdentityCommand({}), { abortSignal }),
        );
        break;
      } catch (err) {
        const kind = retryKind(err);
        if (!mayRetry(policy, kind, attempts, throttleWaitedMs)) throw err;
        const delay = backoffDelay(policy, attempts, random);
        // Throttling may outlast maxAttempts only within aws.retry.throttleBudgetMs, as for every call.
        if (kind === 'throttled') throttleWaitedMs += delay;
        await sleep(delay, options.signal);
      }
    }
  } catch (err) {
    if (options.signal?.aborted) throw cancelledBy(options.signal);
    throw stsRefusal(principal, err, where, { attempts, timeoutMs });
  } finally {
    // Only when the client owns its handler: destroying a shared one would cut everyone's sockets.
    if (options.requestHandler === undefined) sts.destroy();
  }
  const arn = out.Arn ?? '';
  const accountId = out.Account ?? accountOfArn(arn) ?? '';
  if (!arn || !accountId) {
    throw new CentralPrincipalError(
      `STS GetCallerIdentity for ${principal.description} answered without an ARN or account`,
      principal.source,
    );
  }
  const identity: CentralIdentity = {
    source: principal.source,
    accountId,
    arn,
    userId: out.UserId ?? '',
    partition: partitionOfArn(arn) ?? 'aws',
    isRoleSession: principal.source === 'rolesAnywhere' || arn.includes(':assumed-role/'),
  };
  logger.info('central principal validated', {
    source: identity.source,
    arn,
    accountId,
    roleChaining: identity.isRoleSession,
  });
  return identity;
}

function resolutionError(principal: CentralPrincipal, err: unknown, env: Env): CentralPrincipalError {
  const detail = redactText(messageOf(err));
  if (principal.source === 'profile' && principal.profile !== undefined) {
    const profile = principal.profile;
    const files = sharedFilePaths(env);
    if (!profileExists(profile, files)) {
      return new CentralPrincipalError(
        `profile '${profile}' not found in ${files.configFile} or ${files.credentialsFile}`,
        'profile',
        undefined,
        { cause: err },
      );
    }
    return new CentralPrincipalError(
      `profile '${profile}' did not yield credentials: ${detail}`,
      'profile',
      undefined,
      { cause: err },
    );
  }
  if (principal.source === 'default') {
    return new CentralPrincipalError(
      `no credentials from the default chain (environment, shared config and credentials files, SSO, credential_process, container and instance metadata): ${detail}`,
      'default',
      undefined,
      { cause: err },
    );
  }
  return new CentralPrincipalError(
    `central principal (Roles Anywhere): ${detail}`,
    'rolesAnywhere',
    awsErrorFacts(err).code,
    { cause: err },
  );
}

function stsRefusal(
  principal: CentralPrincipal,
  err: unknown,
  endpoint: string,
  tried: { attempts: number; timeoutMs: number },
): CentralPrincipalError {
  const refusal = centralRefusal(err, { who: principal.description, endpoint, ...tried });
  return new CentralPrincipalError(refusal.message, principal.source, refusal.awsErrorCode, { cause: err });
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
