// Typed errors for a member role that could not be assumed. Each names the account and the role ARN,
// keeps the AWS error code and request id, and says whether trying again could help. Messages never
// carry credentials: AWS's own text is scrubbed before it is quoted.
import { redactText } from '../log.js';

export type SessionErrorKind = 'notAuthorized' | 'durationTooLong' | 'throttled' | 'failed';

/** Codes from the gateway's error model (see ARCHITECTURE.md). */
export type SessionErrorCode = 'ROLE_NOT_ASSUMABLE' | 'THROTTLED' | 'UPSTREAM_TIMEOUT' | 'UPSTREAM_ERROR';

export interface SessionErrorDetails {
  accountId: string;
  roleArn: string;
  awsErrorCode?: string;
  requestId?: string;
  cause?: unknown;
}

export abstract class SessionError extends Error {
  abstract readonly kind: SessionErrorKind;
  abstract readonly code: SessionErrorCode;
  abstract readonly retryable: boolean;
  readonly service = 'sts';
  readonly operation = 'AssumeRole';
  readonly accountId: string;
  readonly roleArn: string;
  readonly awsErrorCode: string | undefined;
  readonly requestId: string | undefined;

  constructor(message: string, details: SessionErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.accountId = details.accountId;
    this.roleArn = details.roleArn;
    this.awsErrorCode = details.awsErrorCode;
    this.requestId = details.requestId;
  }
}

/** AccessDenied: the role is missing, its trust policy does not name us, or the ExternalId differs. */
export class RoleNotAuthorizedError extends SessionError {
  readonly kind = 'notAuthorized';
  readonly code = 'ROLE_NOT_ASSUMABLE';
  readonly retryable = false;
}

/** ValidationError on DurationSeconds: above the role's MaxSessionDuration or the role-chaining hour. */
export class SessionDurationTooLongError extends SessionError {
  readonly kind = 'durationTooLong';
  readonly code = 'ROLE_NOT_ASSUMABLE';
  readonly retryable = false;
}

export class StsThrottledError extends SessionError {
  readonly kind = 'throttled';
  readonly code = 'THROTTLED';
  readonly retryable = true;
}

/** Anything else: network failure, timeout, STS 5xx, an unexpected 4xx, central credentials unavailable. */
export class AssumeRoleFailedError extends SessionError {
  readonly kind = 'failed';
  readonly code: SessionErrorCode;
  readonly retryable: boolean;

  constructor(message: string, details: SessionErrorDetails & { timeout: boolean; retryable: boolean }) {
    super(message, details);
    this.code = details.timeout ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_ERROR';
    this.retryable = details.retryable;
  }
}

const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'SlowDown',
]);
const TIMEOUT_CODES = new Set(['TimeoutError', 'RequestTimeout', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);

/** The parts of an AWS SDK (or network) error the classification reads. */
export function awsErrorFacts(err: unknown): {
  code: string;
  message: string;
  status?: number;
  requestId?: string;
  fault?: string;
} {
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    $fault?: unknown;
    $metadata?: { httpStatusCode?: number; requestId?: string };
  };
  // AWS SDK errors carry the AWS code as their name; Node network errors have name 'Error' and a code.
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const code = name === 'Error' && typeof e.code === 'string' ? e.code : name;
  const facts: { code: string; message: string; status?: number; requestId?: string; fault?: string } = {
    code,
    message: typeof e.message === 'string' ? e.message : String(err),
  };
  if (e.$metadata?.httpStatusCode !== undefined) facts.status = e.$metadata.httpStatusCode;
  if (e.$metadata?.requestId !== undefined) facts.requestId = e.$metadata.requestId;
  if (typeof e.$fault === 'string') facts.fault = e.$fault;
  return facts;
}

export interface AssumeRoleContext {
  accountId: string;
  roleArn: string;
  durationSeconds: number;
  externalIdConfigured: boolean;
}

/** Turns whatever AssumeRole rejected with into one of the typed errors above. */
export function classifyAssumeRoleError(err: unknown, ctx: AssumeRoleContext): SessionError {
  const facts = awsErrorFacts(err);
  const aws = redactText(facts.message);
  const details: SessionErrorDetails = {
    accountId: ctx.accountId,
    roleArn: ctx.roleArn,
    awsErrorCode: facts.code,
    cause: err,
  };
  if (facts.requestId !== undefined) details.requestId = facts.requestId;
  const where = `${ctx.roleArn} in account ${ctx.accountId}`;

  if (facts.code === 'AccessDenied' || facts.code === 'AccessDeniedException') {
    const externalId = ctx.externalIdConfigured ? 'with the configured ExternalId' : 'without an ExternalId';
    return new RoleNotAuthorizedError(
      `Not authorized to assume ${where} (role missing, trust policy, or ExternalId mismatch; asked ${externalId}) [AccessDenied: ${aws}]`,
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
  if (THROTTLING_CODES.has(facts.code)) {
    return new StsThrottledError(`STS throttled AssumeRole of ${where} [${facts.code}]`, details);
  }
  const timeout = TIMEOUT_CODES.has(facts.code);
  const retryable = timeout || facts.status === undefined || facts.status >= 500 || facts.fault === 'server';
  return new AssumeRoleFailedError(`AssumeRole of ${where} failed: ${aws} [${facts.code}]`, {
    ...details,
    timeout,
    retryable,
  });
}
