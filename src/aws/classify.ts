// The one place where whatever an AWS call rejected with becomes an AwsCallError: a code from the
// gateway's enum, the account, Region, service and operation, the AWS error code (the SDK error's
// `name`), the request id and whether trying again later could help. AWS's own wording is quoted
// after redaction; no credential ever reaches a message.
import { AwsCallError } from './errors.js';
import type { GatewayErrorCode } from './errors.js';
import { SessionError, StsThrottledError, awsErrorFacts } from '../credentials/session-errors.js';
import { redactText } from '../log.js';
import { CallCancelledError, CallTimeoutError } from './timeout.js';

export type AwsService = 'ec2' | 'organizations' | 'sts';

/** Where a call went; filled into every classified error. */
export interface CallContext {
  service: AwsService;
  operation: string;
  accountId?: string;
  region?: string;
  /** Attempts made (for the wording of a throttling that outlasted its retries). */
  attempts?: number;
}

export const THROTTLING_CODES: ReadonlySet<string> = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);

const ACCESS_DENIED_CODES: ReadonlySet<string> = new Set([
  'UnauthorizedOperation',
  'AccessDenied',
  'AccessDeniedException',
  'AWSOrganizationsNotInUseException',
]);

/** The request itself is wrong: a bad token from a client cursor, an id or filter value AWS refuses. */
const BAD_INPUT_CODES: ReadonlySet<string> = new Set([
  'InvalidParameterValue',
  'InvalidInputException',
  'InvalidNextToken',
  'InvalidPaginationToken',
  'InvalidFilter',
  // "The maximum number of filter values specified on a single call is 200": the query asks too much.
  'FilterLimitExceeded',
  'ParentNotFoundException',
  'ChildNotFoundException',
  'OrganizationalUnitNotFoundException',
  'AccountNotFoundException',
  'InvalidInstanceID.Malformed',
  'InvalidInstanceID.NotFound',
  'InvalidVpcID.Malformed',
  'InvalidVpcID.NotFound',
  'InvalidSubnetID.Malformed',
  'InvalidSubnetID.NotFound',
]);

const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

/** AWS said "slow down": to the call itself, or to the AssumeRole behind it (StsThrottledError). */
export function isThrottling(err: unknown): boolean {
  if (err instanceof StsThrottledError) return true;
  if (err instanceof SessionError || err instanceof AwsCallError) return false;
  return THROTTLING_CODES.has(awsErrorFacts(err).code);
}

/** A failure that a later attempt may not have: AWS 5xx, a server fault, a dropped connection. */
export function isTransient(err: unknown): boolean {
  if (err instanceof CallTimeoutError || err instanceof CallCancelledError || err instanceof AwsCallError)
    return false;
  if (err instanceof SessionError)
    return err.retryable && err.code !== 'UPSTREAM_TIMEOUT' && !(err instanceof StsThrottledError);
  const facts = awsErrorFacts(err);
  if (facts.code === 'AbortError') return false;
  if (NETWORK_CODES.has(facts.code)) return true;
  if (facts.status !== undefined) return facts.status >= 500;
  return facts.fault === 'server';
}

const SERVICE_LABEL: Record<AwsService, string> = { ec2: 'EC2', organizations: 'Organizations', sts: 'STS' };

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
  const aws = redactText(facts.message);
  const extra = {
    awsErrorCode: facts.code,
    ...(facts.requestId !== undefined ? { requestId: facts.requestId } : {}),
  };
  const tail = `[${facts.code}${facts.requestId !== undefined ? `, request ${facts.requestId}` : ''}]`;

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
  if (ACCESS_DENIED_CODES.has(facts.code)) {
    return make('ACCESS_DENIED', `Access denied: ${where}: ${aws} ${tail}`, false, extra);
  }
  if (THROTTLING_CODES.has(facts.code)) {
    const attempts =
      ctx.attempts !== undefined ? ` after ${ctx.attempts} attempt${ctx.attempts === 1 ? '' : 's'}` : '';
    return make('THROTTLED', `AWS throttled ${where}${attempts} ${tail}`, true, extra);
  }
  if (
    facts.code === 'AbortError' ||
    facts.code === 'TimeoutError' ||
    facts.code === 'RequestTimeout' ||
    facts.code === 'ETIMEDOUT'
  ) {
    return make('UPSTREAM_TIMEOUT', `${where} timed out: ${aws} ${tail}`, true, extra);
  }
  if (BAD_INPUT_CODES.has(facts.code)) {
    return make('BAD_USER_INPUT', `${where} refused the request: ${aws} ${tail}`, false, extra);
  }
  return make('UPSTREAM_ERROR', `${where} failed: ${aws} ${tail}`, isTransient(err), extra);
}

function describeCall(ctx: CallContext): string {
  const call = `${SERVICE_LABEL[ctx.service]} ${ctx.operation}`;
  if (ctx.accountId !== undefined && ctx.region !== undefined)
    return `${call} in account ${ctx.accountId}, Region ${ctx.region}`;
  if (ctx.accountId !== undefined) return `${call} in account ${ctx.accountId}`;
  if (ctx.region !== undefined) return `${call} in Region ${ctx.region}`;
  return call;
}
