// One CreateSession exchange with retries: each attempt is signed afresh (new X-Amz-Date), answers are
// parsed from the 201 body, errors from x-amzn-ErrorType / the body and reported with the trust anchor
// and profile they concern. Uses node:http(s) so the Host header sent is exactly the one signed.
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { RolesAnywhereServiceError } from './errors.js';
import type { RolesAnywhereTarget } from './errors.js';
import { formatAmzDate, signCreateSessionRequest } from './signer.js';
import type { RolesAnywhereMaterial, RolesAnywhereSettings } from './validate.js';
import { isRetryableAnswer } from '../../aws/classify.js';
import type { AwsCallEvent, AwsCallObserver } from '../../aws/call-observer.js';
import { accountOfArn } from '../role-arn.js';

export interface RolesAnywhereSession {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  /** arn:aws:sts::<acct>:assumed-role/<role>/<session>, when the service says. */
  assumedRoleArn?: string;
  subjectArn?: string;
}

export interface HttpExchange {
  url: URL;
  pathAndQuery: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Sends one request; rejects only when no answer arrived (network error, timeout). */
export type HttpTransport = (exchange: HttpExchange) => Promise<HttpAnswer>;

export interface CreateSessionDeps {
  clock?: () => number;
  transport?: HttpTransport;
  /** Attempts in all, default 3. */
  maxAttempts?: number;
  /** Waits between attempts; injectable so tests do not sleep. */
  sleep?: (ms: number) => Promise<void>;
  timeoutMs?: number;
  /** Told about each attempt, as the SDK clients' requests are (see src/aws/call-observer.ts). */
  observer?: AwsCallObserver;
  /** Monotonic ms for the observer's durations. */
  now?: () => number;
}

const DEFAULT_MAX_ATTEMPTS = 3;
const DEFAULT_TIMEOUT_MS = 10_000;
const BACKOFF_BASE_MS = 200;
const BACKOFF_CAP_MS = 5_000;
/** Calls CreateSession and returns the first credential set; throws RolesAnywhereServiceError. */
export async function createSession(
  settings: RolesAnywhereSettings,
  material: RolesAnywhereMaterial,
  deps: CreateSessionDeps = {},
): Promise<RolesAnywhereSession> {
  const clock = deps.clock ?? Date.now;
  const transport = deps.transport ?? nodeHttpTransport;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxAttempts = Math.max(1, deps.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
  const now = deps.now ?? (() => performance.now());
  const accountId = accountOfArn(settings.roleArn);
  const observe = (event: AwsCallEvent) => {
    try {
      deps.observer?.(event);
    } catch {
      // An observer's failure must never fail the call it watches.
    }
  };
  const url = new URL(settings.endpoint);
  const body = JSON.stringify({
    trustAnchorArn: settings.trustAnchorArn,
    profileArn: settings.profileArn,
    roleArn: settings.roleArn,
    durationSeconds: settings.durationSeconds,
    ...(settings.roleSessionName !== undefined ? { roleSessionName: settings.roleSessionName } : {}),
  });

  for (let attempt = 1; ; attempt++) {
    // Signed inside the loop: a retry carries a new date and signature.
    const signed = signCreateSessionRequest({
      host: url.host,
      region: settings.region,
      amzDate: formatAmzDate(clock()),
      certificate: material.certificate,
      intermediates: material.intermediates,
      privateKey: material.privateKey,
      body,
    });
    let failure: RolesAnywhereServiceError;
    const started = now();
    const report = (outcome: string, answer?: HttpAnswer) =>
      observe({
        service: 'rolesanywhere',
        operation: 'CreateSession',
        region: settings.region,
        ...(accountId !== undefined ? { accountId } : {}),
        outcome,
        ...(answer ? { httpStatus: answer.status, bytes: Buffer.byteLength(answer.body) } : {}),
        attempt,
        durationMs: now() - started,
      });
    try {
      const answer = await transport({
        url,
        pathAndQuery: signed.pathAndQuery,
        headers: signed.headers,
        body,
        timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      });
      if (answer.status >= 200 && answer.status < 300) {
        report('OK', answer);
        return parseCreateSessionAnswer(answer, settings);
      }
      failure = parseCreateSessionError(answer, settings);
      report(failure.code, answer);
    } catch (err) {
      if (err instanceof RolesAnywhereServiceError) throw err;
      const code = String((err as { code?: unknown }).code ?? 'NetworkError');
      report(code === 'TimeoutError' || code === 'ETIMEDOUT' ? 'TimeoutError' : 'NetworkError');
      failure = new RolesAnywhereServiceError(
        code,
        `no answer from ${url.origin}: ${(err as Error).message}`,
        0,
        settings,
        undefined,
        true,
      );
    }
    if (!failure.retryable || attempt >= maxAttempts) throw failure;
    await sleep(Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1)));
  }
}

/** Reads credentialSet[0] from a 2xx answer. The body holds secrets: it never enters an error message. */
export function parseCreateSessionAnswer(
  answer: HttpAnswer,
  target: RolesAnywhereTarget,
): RolesAnywhereSession {
  const invalid = (why: string) =>
    new RolesAnywhereServiceError(
      'InvalidResponse',
      `unexpected CreateSession answer: ${why}`,
      answer.status,
      target,
      requestIdOf(answer.headers),
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    throw invalid('the body is not JSON');
  }
  const set = (parsed as { credentialSet?: unknown }).credentialSet;
  if (!Array.isArray(set) || set.length === 0) throw invalid('credentialSet is missing or empty');
  const first = set[0] as { credentials?: Record<string, unknown>; assumedRoleUser?: { arn?: unknown } };
  const c = first.credentials ?? {};
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = c;
  if (
    typeof accessKeyId !== 'string' ||
    typeof secretAccessKey !== 'string' ||
    typeof sessionToken !== 'string'
  ) {
    throw invalid('credentials lack accessKeyId, secretAccessKey or sessionToken');
  }
  const expiresAt =
    typeof expiration === 'string' || typeof expiration === 'number' ? new Date(expiration) : undefined;
  if (!expiresAt || Number.isNaN(expiresAt.getTime())) throw invalid('credentials.expiration is not a date');
  const subjectArn = (parsed as { subjectArn?: unknown }).subjectArn;
  const assumedRoleArn = first.assumedRoleUser?.arn;
  return {
    accessKeyId,
    secretAccessKey,
    sessionToken,
    expiration: expiresAt,
    ...(typeof assumedRoleArn === 'string' ? { assumedRoleArn } : {}),
    ...(typeof subjectArn === 'string' ? { subjectArn } : {}),
  };
}

/**
 * An AWS REST-JSON error: the code from x-amzn-ErrorType (before ':'), else the body's code/__type
 * (after '#'); the message from message/Message.
 */
export function parseCreateSessionError(
  answer: HttpAnswer,
  target: RolesAnywhereTarget,
): RolesAnywhereServiceError {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(answer.body);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's page, an empty body): the status speaks alone.
  }
  const header = firstHeader(answer.headers['x-amzn-errortype']);
  const bodyCode =
    typeof body.code === 'string' ? body.code : typeof body.__type === 'string' ? body.__type : undefined;
  const code =
    (header ? header.split(':')[0]!.trim() : undefined) ||
    (bodyCode ? bodyCode.slice(bodyCode.lastIndexOf('#') + 1) : undefined) ||
    `HTTP${answer.status}`;
  const rawMessage =
    typeof body.message === 'string' ? body.message : typeof body.Message === 'string' ? body.Message : '';
  const message = rawMessage ? rawMessage.slice(0, 500) : `HTTP ${answer.status} without a message`;
  const retryable = isRetryableAnswer({ code, status: answer.status });
  return new RolesAnywhereServiceError(
    code,
    message,
    answer.status,
    target,
    requestIdOf(answer.headers),
    retryable,
  );
}

/** The default transport: node:http or node:https, Host header as signed, bounded by a timeout. */
export const nodeHttpTransport: HttpTransport = (exchange) =>
  new Promise<HttpAnswer>((resolve, reject) => {
    const { url } = exchange;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: url.port || undefined,
        method: 'POST',
        path: exchange.pathAndQuery,
        headers: { ...exchange.headers, 'Content-Length': String(Buffer.byteLength(exchange.body)) },
        timeout: exchange.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(
        Object.assign(new Error(`timed out after ${exchange.timeoutMs} ms`), { code: 'TimeoutError' }),
      ),
    );
    req.on('error', reject);
    req.end(exchange.body);
  });

function requestIdOf(headers: IncomingHttpHeaders): string | undefined {
  return firstHeader(headers['x-amzn-requestid']) ?? firstHeader(headers['x-amz-request-id']);
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
