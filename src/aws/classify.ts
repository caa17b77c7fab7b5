// The one place where a failure of any AWS call becomes our facts: a code from the gateway's enum
// (errors.ts), whether trying again can help, and the service and operation that actually failed. It
// covers service errors of STS, Organizations, EC2 and Roles Anywhere, bare HTTP statuses (429, 5xx),
// network failures (resets, hang-ups, DNS, TLS, timeouts) and bodies the SDK could not parse.
//
// Throttling and transient failures are decided by the SDK's own rules
// (@smithy/service-error-classification: the throttling codes, HTTP 429 and 5xx, the `$retryable`
// trait, Node's network codes); the codes AWS gives to access, input and session refusals are listed
// below. Every other module asks these functions; none reads an AWS error's name or `$metadata`.
// AWS's own wording is quoted after redaction; no credential ever reaches a message.
import {
  isRetryableByTrait,
  isServerError,
  isThrottlingError,
  isTransientError,
} from '@smithy/service-error-classification';
import type { SdkError } from '@smithy/types';
import { AwsCallError } from './errors.js';
import type { GatewayErrorCode } from './errors.js';
import type { SessionErrorDetails } from '../credentials/session-errors.js';
import {
  AssumeRoleFailedError,
  RoleNotAuthorizedError,
  SessionDurationTooLongError,
  SessionError,
  StsThrottledError,
} from '../credentials/session-errors.js';
import { RolesAnywhereServiceError } from '../credentials/roles-anywhere/errors.js';
import { redactText } from '../log.js';
import { CallCancelledError, CallTimeoutError } from './timeout.js';

export type AwsService = 'ec2' | 'organizations' | 'sts' | 'rolesanywhere';

/** Where a call went; filled into every classified error. */
export interface CallContext {
  service: AwsService;
  operation: string;
  accountId?: string;
  region?: string;
  /** Attempts made (for the wording of a throttling that outlasted its retries). */
  attempts?: number;
}

/** The parts of an AWS SDK (or network) error the rules read. */
export interface AwsErrorFacts {
  /** The AWS error code (the SDK error's name), or Node's error code for a network error. */
  code: string;
  message: string;
  status?: number;
  requestId?: string;
  fault?: string;
  /** The SDK got an HTTP answer whose body it could not parse (an HTML error page, a proxy's text). */
  unparseable?: boolean;
}

/** What kind of failure it is; the gateway code and the retry decision follow from it. */
export type FailureKind =
  | 'throttled'
  | 'timeout'
  | 'network'
  | 'transient'
  | 'sessionRefused'
  | 'accessDenied'
  | 'badInput'
  | 'notFound'
  | 'aborted'
  | 'tls'
  | 'other';

const ACCESS_DENIED_CODES: ReadonlySet<string> = new Set([
  'UnauthorizedOperation',
  'AccessDenied',
  'AccessDeniedException',
  'AWSOrganizationsNotInUseException',
]);

/** AWS says the session's credentials are expired or not (any longer) valid. */
const SESSION_REFUSED_CODES: ReadonlySet<string> = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'AuthFailure',
]);

/** An Organizations resource the request named does not exist. */
const NOT_FOUND_CODES: ReadonlySet<string> = new Set([
  'ParentNotFoundException',
  'ChildNotFoundException',
  'OrganizationalUnitNotFoundException',
  'AccountNotFoundException',
]);

/**
 * EC2's way of saying an id does not exist or could never be issued, for every resource type alike:
 * InvalidInstanceID.NotFound, InvalidVpcID.Malformed, InvalidGroup.NotFound, InvalidGroupId.Malformed …
 */
const EC2_NOT_FOUND = /^Invalid[A-Za-z]+\.(NotFound|Malformed)$/;

const notFoundCode = (code: string): boolean => NOT_FOUND_CODES.has(code) || EC2_NOT_FOUND.test(code);

/** The request itself is wrong: a bad token from a client cursor, an id or filter value AWS refuses. */
const BAD_INPUT_CODES: ReadonlySet<string> = new Set([
  'InvalidParameterValue',
  'InvalidInputException',
  'InvalidNextToken',
  'InvalidPaginationToken',
  'InvalidFilter',
  // "The maximum number of filter values specified on a single call is 200": the query asks too much.
  'FilterLimitExceeded',
]);

/** Network codes that mean "no answer in time" rather than "the connection broke". */
const TIMEOUT_CODES: ReadonlySet<string> = new Set([
  // The SDK's HTTP handler: "Connection timed out after … ms" / socket timeout (no Node code).
  'TimeoutError',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'RequestTimeout',
  'RequestTimeoutException',
]);

/** TLS failures: the peer is not who it should be; another attempt would meet the same certificate. */
const TLS_CODE = /^(CERT_|ERR_TLS_|ERR_SSL_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_(GET|VERIFY)_)/;

/** Reads an SDK or network error without trusting its shape. */
export function awsErrorFacts(err: unknown): AwsErrorFacts {
  // Roles Anywhere's own client (not the SDK) reports the code, HTTP status (0: no answer) and id.
  if (err instanceof RolesAnywhereServiceError) {
    return {
      code: err.code,
      message: err.serviceMessage,
      ...(err.status !== 0 ? { status: err.status } : {}),
      ...(err.requestId !== undefined ? { requestId: err.requestId } : {}),
    };
  }
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    $fault?: unknown;
    $metadata?: { httpStatusCode?: number; requestId?: string };
    $response?: { statusCode?: number };
  };
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const message = typeof e.message === 'string' ? e.message : String(err);
  // AWS SDK errors carry the AWS code as their name; Node network errors have a code, and the SDK's
  // HTTP handler renames some of them 'TimeoutError' (a reset connection too): the code says which.
  const nodeCode = typeof e.code === 'string' ? e.code : undefined;
  const code = (name === 'Error' || name === 'TimeoutError') && nodeCode !== undefined ? nodeCode : name;
  const facts: AwsErrorFacts = { code, message };
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  if (status !== undefined) facts.status = status;
  if (e.$metadata?.requestId !== undefined) facts.requestId = e.$metadata.requestId;
  if (typeof e.$fault === 'string') facts.fault = e.$fault;
  if (status !== undefined && /Deserialization error/.test(message)) facts.unparseable = true;
  return facts;
}

/** The kind of a raw SDK or network error (not one of ours). */
function kindOf(err: unknown, facts: AwsErrorFacts): FailureKind {
  if (typeof err !== 'object' || err === null) return 'other';
  // The SDK's rules read an SDK error's shape; an answer read outside the SDK is put in that shape.
  const sdk = (
    err instanceof RolesAnywhereServiceError
      ? {
          name: facts.code,
          message: facts.message,
          ...(facts.status !== undefined
            ? { $metadata: { httpStatusCode: facts.status } }
            : { code: facts.code }),
        }
      : err
  ) as SdkError;
  if (facts.code === 'AbortError') return 'aborted';
  if (isThrottlingError(sdk)) return 'throttled';
  if (SESSION_REFUSED_CODES.has(facts.code)) return 'sessionRefused';
  if (ACCESS_DENIED_CODES.has(facts.code)) return 'accessDenied';
  if (notFoundCode(facts.code)) return 'notFound';
  if (BAD_INPUT_CODES.has(facts.code)) return 'badInput';
  if (TIMEOUT_CODES.has(facts.code)) return 'timeout';
  if (facts.status === undefined) {
    // No HTTP answer at all: a reset, hang-up, refused connection or DNS failure is worth another
    // attempt; a TLS failure is not (the same certificate would be met again).
    if (TLS_CODE.test(facts.code)) return 'tls';
    if (isTransientError(sdk)) return 'network';
  }
  if (isTransientError(sdk) || isServerError(sdk) || isRetryableByTrait(sdk)) return 'transient';
  if (facts.fault === 'server' || (facts.status !== undefined && facts.status >= 500)) return 'transient';
  return 'other';
}

/**
 * Retried within the call. 'timeout' is AWS's or the HTTP handler's (RequestTimeout, ETIMEDOUT), which
 * the SDK retries too; our own per-call time limit (CallTimeoutError) is not a kind and never retried.
 */
const RETRIED: ReadonlySet<FailureKind> = new Set(['throttled', 'network', 'transient', 'timeout']);

/** AWS said "slow down": to the call itself, or to the AssumeRole behind it (StsThrottledError). */
export function isThrottling(err: unknown): boolean {
  if (err instanceof StsThrottledError) return true;
  if (isOurs(err)) return false;
  return kindOf(err, awsErrorFacts(err)) === 'throttled';
}

/**
 * A failure a later attempt may not have: AWS 5xx or a server fault, a dropped or refused connection,
 * a DNS hiccup, the `$retryable` trait — of the call or of the AssumeRole behind it. Not our own
 * timeouts (each retry would cost another full timeout; the query deadline bounds the work instead).
 */
export function isTransient(err: unknown): boolean {
  if (err instanceof SessionError) return err.transient;
  if (isOurs(err)) return false;
  const kind = kindOf(err, awsErrorFacts(err));
  return kind === 'network' || kind === 'transient' || kind === 'timeout';
}

/**
 * Whether an AWS error answer read outside the SDK (the Roles Anywhere client's own HTTP exchange)
 * is worth another attempt: the same throttling and transient rules as every SDK call.
 */
export function isRetryableAnswer(answer: { code: string; status: number }): boolean {
  const err = { name: answer.code, message: '', $metadata: { httpStatusCode: answer.status } };
  return RETRIED.has(kindOf(err, awsErrorFacts(err)));
}

/** AWS refused the credentials as expired or invalid (EC2's AuthFailure included, see session-retry.ts). */
export function isSessionRefused(err: unknown): boolean {
  return !isOurs(err) && SESSION_REFUSED_CODES.has(awsErrorFacts(err).code);
}

/** EC2's AuthFailure: the session is refused, or the Region is not enabled for the account. */
export function isAuthFailure(err: unknown): boolean {
  return !isOurs(err) && awsErrorFacts(err).code === 'AuthFailure';
}

/** A classified failure saying that the resource the call named does not exist (or cannot). */
export function isNotFound(err: unknown): boolean {
  return err instanceof AwsCallError && err.awsErrorCode !== undefined && notFoundCode(err.awsErrorCode);
}

/** The caller went away or a deadline passed: the SDK's AbortError, or ours. */
export function isAbort(err: unknown): boolean {
  if (err instanceof CallCancelledError || err instanceof CallTimeoutError) return true;
  if (!(err instanceof Error)) return false;
  if (err.name === 'AbortError') return true;
  // A deadline's TimeoutError (AbortSignal.timeout, the query deadline) — not the SDK's, which names a
  // dropped connection or an HTTP timeout so and carries a Node code or `$metadata`.
  return err.name === 'TimeoutError' && !('code' in err) && !('$metadata' in err);
}

function isOurs(err: unknown): boolean {
  return (
    err instanceof AwsCallError ||
    err instanceof SessionError ||
    err instanceof CallTimeoutError ||
    err instanceof CallCancelledError
  );
}

const SERVICE_LABEL: Record<AwsService, string> = {
  ec2: 'EC2',
  organizations: 'Organizations',
  sts: 'STS',
  rolesanywhere: 'IAM Roles Anywhere',
};

/** What went wrong, in words, for a failure without a usable AWS message. */
function describeFailure(kind: FailureKind, facts: AwsErrorFacts): string {
  if (facts.unparseable)
    return `answered HTTP ${facts.status} with a body that is not an AWS response (could not be parsed)`;
  if (kind === 'tls')
    return `could not establish a trusted TLS connection (${facts.code}: ${redactText(facts.message)})`;
  if (kind === 'network') return `lost the connection (${facts.code}: ${redactText(facts.message)})`;
  if (facts.status === 429) return 'answered HTTP 429 (too many requests)';
  return `failed: ${redactText(facts.message)}`;
}

export function classifyAwsError(err: unknown, ctx: CallContext): AwsCallError {
  if (err instanceof AwsCallError) return err;
  const where = describeCall(ctx);
  const base = {
    ...(ctx.accountId !== undefined ? { accountId: ctx.accountId } : {}),
    ...(ctx.region !== undefined ? { region: ctx.region } : {}),
    service: ctx.service,
    operation: ctx.operation,
  };
  const make = (
    code: GatewayErrorCode,
    message: string,
    retryable: boolean,
    extra: { awsErrorCode?: string; requestId?: string } = {},
  ) => new AwsCallError({ code, message, retryable, ...base, ...extra }, { cause: err });

  if (err instanceof CallTimeoutError)
    return make('UPSTREAM_TIMEOUT', `${where} did not answer within ${err.timeoutMs} ms`, true);
  if (err instanceof CallCancelledError) return make('UPSTREAM_TIMEOUT', `${where} was ${err.message}`, true);

  // The broker could not get a session: keep its message, which names the account and the role. No
  // Region: a session is the whole account's, so its failure is not one Region's.
  if (err instanceof SessionError) {
    return new AwsCallError(
      {
        code: err.code,
        message: err.message,
        retryable: err.retryable,
        accountId: err.accountId,
        service: err.service,
        operation: err.operation,
        ...(err.awsErrorCode !== undefined ? { awsErrorCode: err.awsErrorCode } : {}),
        ...(err.requestId !== undefined ? { requestId: err.requestId } : {}),
      },
      { cause: err },
    );
  }
  // The broker refuses an account id that is not 12 digits before any call.
  if (err instanceof TypeError && /account id/i.test(err.message))
    return make('BAD_USER_INPUT', err.message, false);

  const facts = awsErrorFacts(err);
  const kind = kindOf(err, facts);
  const aws = redactText(facts.message);
  // A body that could not be parsed has no AWS code: only its HTTP status is known.
  const awsCode = facts.unparseable ? undefined : facts.code;
  const extra = {
    ...(awsCode !== undefined ? { awsErrorCode: awsCode } : {}),
    ...(facts.requestId !== undefined ? { requestId: facts.requestId } : {}),
  };
  const tail = `[${awsCode ?? `HTTP ${facts.status}`}${facts.requestId !== undefined ? `, request ${facts.requestId}` : ''}]`;

  // EC2 answers AuthFailure in a Region the account has not enabled. By the time an error gets here
  // the session was found valid (STS accepted it) or the call was retried with a fresh one
  // (withSessionRetry), so the session is not it.
  if (facts.code === 'AuthFailure' && ctx.service === 'ec2') {
    return make(
      'REGION_NOT_ENABLED',
      `Region ${ctx.region ?? '(unknown)'} is not enabled for account ${ctx.accountId ?? '(unknown)'}: ${where} was refused with a valid session ${tail}`,
      false,
      extra,
    );
  }
  switch (kind) {
    case 'accessDenied':
      return make('ACCESS_DENIED', `Access denied: ${where}: ${aws} ${tail}`, false, extra);
    case 'sessionRefused':
      return make(
        'ACCESS_DENIED',
        `${where} refused the credentials as expired or invalid: ${aws} ${tail}`,
        false,
        extra,
      );
    case 'throttled': {
      const attempts =
        ctx.attempts !== undefined ? ` after ${ctx.attempts} attempt${ctx.attempts === 1 ? '' : 's'}` : '';
      return make('THROTTLED', `AWS throttled ${where}${attempts} ${tail}`, true, extra);
    }
    case 'aborted':
    case 'timeout':
      return make('UPSTREAM_TIMEOUT', `${where} timed out: ${aws} ${tail}`, true, extra);
    case 'badInput':
    case 'notFound':
      return make('BAD_USER_INPUT', `${where} refused the request: ${aws} ${tail}`, false, extra);
    default:
      return make(
        'UPSTREAM_ERROR',
        `${where} ${describeFailure(kind, facts)} ${tail}`,
        RETRIED.has(kind),
        extra,
      );
  }
}

export interface AssumeRoleContext {
  accountId: string;
  roleArn: string;
  durationSeconds: number;
  externalIdConfigured: boolean;
}

/** Turns whatever AssumeRole rejected with into one of the broker's typed errors (session-errors.ts). */
export function classifyAssumeRoleError(err: unknown, ctx: AssumeRoleContext): SessionError {
  if (err instanceof SessionError) return err;
  const facts = awsErrorFacts(err);
  const kind = isOurs(err) ? 'other' : kindOf(err, facts);
  const aws = redactText(facts.message);
  const details: SessionErrorDetails = {
    accountId: ctx.accountId,
    roleArn: ctx.roleArn,
    ...(facts.unparseable || isOurs(err) ? {} : { awsErrorCode: facts.code }),
    cause: err,
  };
  if (facts.requestId !== undefined) details.requestId = facts.requestId;
  const where = `${ctx.roleArn} in account ${ctx.accountId}`;

  if (kind === 'accessDenied') {
    const externalId = ctx.externalIdConfigured ? 'with the configured ExternalId' : 'without an ExternalId';
    return new RoleNotAuthorizedError(
      `Not authorized to assume ${where} (role missing, trust policy, or ExternalId mismatch; asked ${externalId}) [${facts.code}: ${aws}]`,
      details,
    );
  }
  if (
    facts.code === 'ValidationError' &&
    /DurationSeconds|session limit|MaxSessionDuration/i.test(facts.message)
  ) {
    return new SessionDurationTooLongError(
      `Cannot assume ${where}: DurationSeconds ${ctx.durationSeconds} is longer than the role allows (its MaxSessionDuration, or 1 hour under role chaining); lower the session duration [ValidationError: ${aws}]`,
      details,
    );
  }
  if (kind === 'throttled') {
    return new StsThrottledError(`STS throttled AssumeRole of ${where} [${facts.code}]`, details);
  }
  // Our own time limit on the broker's AssumeRole (sts.ts): a timeout, not retried within the call.
  const ownTimeout = err instanceof CallTimeoutError;
  const timeout = ownTimeout || kind === 'timeout' || kind === 'aborted';
  const retryable = timeout || RETRIED.has(kind);
  const what = facts.unparseable || kind === 'network' || kind === 'tls' ? describeFailure(kind, facts) : aws;
  const tail = ownTimeout ? '' : ` [${facts.unparseable ? `HTTP ${facts.status}` : facts.code}]`;
  return new AssumeRoleFailedError(`AssumeRole of ${where} failed: ${what}${tail}`, {
    ...details,
    timeout,
    retryable,
    transient: RETRIED.has(kind),
  });
}

/**
 * Why the start-up check of the central principal (STS GetCallerIdentity at `endpoint`) failed, in
 * words an operator can act on; `attempts` and `timeoutMs` are what the check spent.
 */
export function centralRefusal(
  err: unknown,
  check: { who: string; endpoint: string; attempts: number; timeoutMs: number },
): { message: string; awsErrorCode?: string } {
  const { who, endpoint } = check;
  const tries = `${check.attempts} attempt${check.attempts === 1 ? '' : 's'}`;
  if (err instanceof CallTimeoutError) {
    return {
      message: `STS at ${endpoint} did not answer GetCallerIdentity for ${who} within ${check.timeoutMs} ms (aws.callTimeoutMs; ${tries})`,
    };
  }
  const facts = awsErrorFacts(err);
  const reasons: Record<string, string> = {
    InvalidClientTokenId: `STS does not know the access key of ${who} (InvalidClientTokenId): it was deleted, deactivated, or belongs to another partition`,
    UnrecognizedClientException: `STS does not know the access key of ${who} (UnrecognizedClientException)`,
    SignatureDoesNotMatch: `STS rejected the signature of ${who} (SignatureDoesNotMatch): the secret key does not belong to the access key, or the clock is off`,
    ExpiredToken: `the session credentials of ${who} have expired (ExpiredToken); renew them (e.g. aws sso login) and start again`,
    ExpiredTokenException: `the session credentials of ${who} have expired (ExpiredTokenException)`,
    AccessDenied: `STS refused ${who} (AccessDenied)`,
  };
  const known = reasons[facts.code];
  if (known) return { message: known, awsErrorCode: facts.code };
  const awsErrorCode = facts.unparseable ? {} : { awsErrorCode: facts.code };
  if (facts.status === undefined) {
    return {
      message: `could not reach STS at ${endpoint} to validate ${who} (${tries}): ${redactText(facts.message)} [${facts.code}]`,
      ...awsErrorCode,
    };
  }
  const kind = kindOf(err, facts);
  return {
    message: `STS GetCallerIdentity at ${endpoint} failed for ${who} (${tries}): ${facts.unparseable ? describeFailure(kind, facts) : redactText(facts.message)} [${facts.unparseable ? `HTTP ${facts.status}` : facts.code}]`,
    ...awsErrorCode,
  };
}

function describeCall(ctx: CallContext): string {
  const call = `${SERVICE_LABEL[ctx.service]} ${ctx.operation}`;
  if (ctx.accountId !== undefined && ctx.region !== undefined)
    return `${call} in account ${ctx.accountId}, Region ${ctx.region}`;
  if (ctx.accountId !== undefined) return `${call} in account ${ctx.accountId}`;
  if (ctx.region !== undefined) return `${call} in Region ${ctx.region}`;
  return call;
}
