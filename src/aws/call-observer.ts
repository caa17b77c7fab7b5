// The AWS-call observer: an optional callback told about every HTTP request an SDK client of the
// gateway sends (EC2, Organizations, STS — AssumeRole and session checks included), with its outcome.
// It is installed as one middleware on each client where the clients are made (the client pool and
// the STS client factory), inside the SDK's retry loop, so one event is one request AWS saw — the same
// count as the simulated AWS's request log. Metrics and debug logs are built on it.
import type { AbsoluteLocation, DeserializeHandlerOptions, MiddlewareStack } from '@smithy/types';
import { accountOfArn } from '../credentials/role-arn.js';
import { awsErrorFacts, isAbort } from './classify.js';

export interface AwsCallEvent {
  service: string;
  /** The API, e.g. DescribeInstances. */
  operation: string;
  /** The account the call reads (EC2, AssumeRole's target, a role-based Organizations client); else absent. */
  accountId?: string;
  region: string;
  /** 'OK', the AWS error code (AccessDenied, ThrottlingException, …), or Aborted / NetworkError. */
  outcome: string;
  httpStatus?: number;
  /** The SDK's attempt number of this request (1 unless the SDK retried it itself). */
  attempt: number;
  durationMs: number;
  /** Response body size when AWS sent a Content-Length. */
  bytes?: number;
}

export type AwsCallObserver = (event: AwsCallEvent) => void;

export interface ObservedClient {
  // The stack is typed by each client's own input/output unions; the middleware reads neither.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any client's stack
  middlewareStack: MiddlewareStack<any, any>;
}

const OPTIONS: DeserializeHandlerOptions & AbsoluteLocation & { name: string; override: boolean } = {
  step: 'deserialize',
  // Outside the deserializer, so a failure arrives as the parsed AWS error with its code.
  priority: 'high',
  name: 'orgraphAwsCallObserver',
  override: true,
};

/** Reports every request `client` sends to `observer` (nothing when observer is undefined). */
export function observeAwsCalls(
  client: ObservedClient,
  observer: AwsCallObserver | undefined,
  where: { service: string; region: string; accountId?: string },
  now: () => number = () => performance.now(),
): void {
  if (!observer) return;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const started = now();
      const operation = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
      const accountId = where.accountId ?? accountOfRoleArn(args.input);
      const base = {
        service: where.service,
        operation,
        region: where.region,
        ...(accountId !== undefined ? { accountId } : {}),
        attempt: attemptOf(args.request),
      };
      const report = (event: AwsCallEvent) => {
        try {
          observer(event);
        } catch {
          // An observer's failure must never fail the AWS call it watches.
        }
      };
      try {
        const result = await next(args);
        const response = result.response as { statusCode?: number; headers?: Record<string, string> };
        const length = Number(response.headers?.['content-length']);
        report({
          ...base,
          outcome: 'OK',
          ...(response.statusCode !== undefined ? { httpStatus: response.statusCode } : {}),
          durationMs: now() - started,
          ...(Number.isFinite(length) ? { bytes: length } : {}),
        });
        return result;
      } catch (err) {
        report({ ...base, ...outcomeOf(err), durationMs: now() - started });
        throw err;
      }
    },
    OPTIONS,
  );
}

/** An answered call's AWS code and status; otherwise Aborted, TimeoutError or NetworkError (few labels). */
function outcomeOf(err: unknown): { outcome: string; httpStatus?: number } {
  const facts = awsErrorFacts(err);
  if (facts.status !== undefined) return { outcome: facts.code, httpStatus: facts.status };
  if (isAbort(err)) return { outcome: 'Aborted' };
  return {
    outcome: facts.code === 'TimeoutError' || facts.code === 'ETIMEDOUT' ? 'TimeoutError' : 'NetworkError',
  };
}

/** The SDK numbers its attempts in the amz-sdk-request header ("attempt=2; max=3"). */
function attemptOf(request: unknown): number {
  const headers = (request as { headers?: Record<string, string> } | undefined)?.headers;
  const match = /attempt=(\d+)/.exec(headers?.['amz-sdk-request'] ?? '');
  return match ? Number(match[1]) : 1;
}

/** AssumeRole's target account, from the RoleArn it is asked for. */
function accountOfRoleArn(input: unknown): string | undefined {
  const arn = (input as { RoleArn?: unknown } | undefined)?.RoleArn;
  return typeof arn === 'string' ? accountOfArn(arn) : undefined;
}

/** Counts observed requests (the CLI's progress line and summaries). */
export interface AwsCallCounter {
  observer: AwsCallObserver;
  /** Requests sent to AWS so far. */
  total(): number;
  /** Requests answered with something other than OK (AWS errors, timeouts, aborts, network errors). */
  failed(): number;
}

export function countAwsCalls(): AwsCallCounter {
  let total = 0;
  let failed = 0;
  return {
    observer: (event) => {
      total++;
      if (event.outcome !== 'OK') failed++;
    },
    total: () => total,
    failed: () => failed,
  };
}
