// The central principal: the one identity the gateway starts from, which assumes the member role in
// every account. Three sources — the SDK's default chain, a named profile, or native IAM Roles
// Anywhere — each turned into one shared, memoized credentials provider, and validated at start-up
// (credentials resolve, STS GetCallerIdentity accepts them) with an error that says what to fix.
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { fromIni, fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Env, EndpointOverrides } from '../aws/endpoints.js';
import { resolveEndpoint } from '../aws/endpoints.js';
import type { Logger } from '../log.js';
import { redactText, silentLogger } from '../log.js';
import type { SharedCredentialProvider } from './credential-cell.js';
import { memoizeCredentials } from './credential-cell.js';
import { fromRolesAnywhere } from './roles-anywhere/provider.js';
import type { RolesAnywhereOptions } from './roles-anywhere/options.js';
import { accountOfArn, partitionOfArn } from './role-arn.js';
import { awsErrorFacts } from './session-errors.js';
import { profileExists, sharedFilePaths } from './shared-config-files.js';
import { createStsClient } from './sts.js';

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
          { clock, env: env as NodeJS.ProcessEnv },
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
}

/** Resolves the credentials, asks STS who they belong to, and says whether AssumeRole will be chaining. */
export async function validateCentralPrincipal(
  principal: CentralPrincipal,
  options: ValidateOptions,
): Promise<CentralIdentity> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? silentLogger;
  try {
    await principal.credentials();
  } catch (err) {
    throw resolutionError(principal, err, env);
  }
  const endpoint = resolveEndpoint('sts', options.endpoints, env);
  const sts = createStsClient({
    region: options.stsRegion,
    credentials: principal.credentials,
    maxAttempts: 2,
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(options.requestHandler !== undefined ? { requestHandler: options.requestHandler } : {}),
  });
  let out;
  try {
    out = await sts.send(new GetCallerIdentityCommand({}));
  } catch (err) {
    throw stsRefusal(principal, err, endpoint ?? `https://sts.${options.stsRegion}.amazonaws.com`);
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

function stsRefusal(principal: CentralPrincipal, err: unknown, endpoint: string): CentralPrincipalError {
  const facts = awsErrorFacts(err);
  const who = principal.description;
  const reasons: Record<string, string> = {
    InvalidClientTokenId: `STS does not know the access key of ${who} (InvalidClientTokenId): it was deleted, deactivated, or belongs to another partition`,
    UnrecognizedClientException: `STS does not know the access key of ${who} (UnrecognizedClientException)`,
    SignatureDoesNotMatch: `STS rejected the signature of ${who} (SignatureDoesNotMatch): the secret key does not belong to the access key, or the clock is off`,
    ExpiredToken: `the session credentials of ${who} have expired (ExpiredToken); renew them (e.g. aws sso login) and start again`,
    ExpiredTokenException: `the session credentials of ${who} have expired (ExpiredTokenException)`,
    AccessDenied: `STS refused ${who} (AccessDenied)`,
  };
  const known = reasons[facts.code];
  if (known) return new CentralPrincipalError(known, principal.source, facts.code, { cause: err });
  if (facts.status === undefined) {
    return new CentralPrincipalError(
      `could not reach STS at ${endpoint} to validate ${who}: ${redactText(facts.message)} [${facts.code}]`,
      principal.source,
      facts.code,
      { cause: err },
    );
  }
  return new CentralPrincipalError(
    `STS GetCallerIdentity failed for ${who}: ${redactText(facts.message)} [${facts.code}]`,
    principal.source,
    facts.code,
    { cause: err },
  );
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
