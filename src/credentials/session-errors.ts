// Typed errors for a member role that could not be assumed. Each names the account and the role ARN,
// keeps the AWS error code and request id, and says whether trying again could help. Which error a
// failed AssumeRole becomes is decided in the one classification module (aws/classify.ts:
// classifyAssumeRoleError); messages never carry credentials.

export type SessionErrorKind = 'notAuthorized' | 'durationTooLong' | 'throttled' | 'failed';

/** Codes from the gateway's error model (see docs/architecture.md, "Errors"). */
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
  /** Trying again later could help (reported to clients). */
  abstract readonly retryable: boolean;
  /** Worth another attempt right now, within the same call (a dropped connection, an STS 5xx). */
  abstract readonly transient: boolean;
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
  readonly transient = false;
}

/** ValidationError on DurationSeconds: above the role's MaxSessionDuration or the role-chaining hour. */
export class SessionDurationTooLongError extends SessionError {
  readonly kind = 'durationTooLong';
  readonly code = 'ROLE_NOT_ASSUMABLE';
  readonly retryable = false;
  readonly transient = false;
}

export class StsThrottledError extends SessionError {
  readonly kind = 'throttled';
  readonly code = 'THROTTLED';
  readonly retryable = true;
  /** Retried as throttling (longer budget, pacing), not as a transient failure. */
  readonly transient = false;
}

/** Anything else: network failure, timeout, STS 5xx, an unexpected 4xx, central credentials unavailable. */
export class AssumeRoleFailedError extends SessionError {
  readonly kind = 'failed';
  readonly code: SessionErrorCode;
  readonly retryable: boolean;
  readonly transient: boolean;

  constructor(
    message: string,
    details: SessionErrorDetails & { timeout: boolean; retryable: boolean; transient: boolean },
  ) {
    super(message, details);
    this.code = details.timeout ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_ERROR';
    this.retryable = details.retryable;
    this.transient = details.transient;
  }
}
