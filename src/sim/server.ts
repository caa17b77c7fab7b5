// The sim's HTTP core: one node:http handler for every service. It routes each request by its shape
// (routing.ts), checks that the SigV4 credential scope fits that service, authenticates the signature,
// applies the knobs (faults, latency, throttling), checks the caller's permissions, lets the service
// module answer, and logs the outcome. Every answer carries a Date header from the sim's clock, which
// is what the SDKs correct their clock skew from.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type {
  Caller,
  ParsedOperation,
  RawRequest,
  ServiceModule,
  ServiceName,
  SimContext,
  SimResponse,
} from './types.js';
import { SimError } from './types.js';
import { parseAuthorization, verifySignature } from './sigv4.js';
import type { CoreFailure } from './service-errors.js';
import { coreError } from './service-errors.js';
import type { RequestLog } from './request-log.js';
import type { Throttle } from './throttle.js';
import { scenarioFor } from './knobs.js';
import { handleAdmin, ADMIN_PREFIX } from './admin.js';
import { scopeProblem, serviceForRequest } from './routing.js';
import { isRegionEnabled } from './account-regions.js';

export interface SimCore {
  ctx: SimContext;
  log: RequestLog;
  throttle: Throttle;
  services: Record<ServiceName, ServiceModule>;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** The caller handed to a module that authenticates requests itself (Roles Anywhere's CreateSession). */
export const ANONYMOUS: Caller = {
  accessKeyId: '',
  accountId: '',
  arn: '',
  userId: '',
  isRoleSession: false,
  permissions: [],
};

/** IAM-style action match: 'ec2:Describe*' matches 'ec2:DescribeInstances'. */
export function actionAllowed(permissions: string[], action: string): boolean {
  return permissions.some((pattern) => {
    if (pattern === '*' || pattern === action) return true;
    const re = new RegExp(
      '^' +
        pattern
          .split('*')
          .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*') +
        '$',
      'i',
    );
    return re.test(action);
  });
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new SimError('RequestEntityTooLarge', 'Request body too large', 413));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, response: SimResponse, nowMs: number): void {
  const body = typeof response.body === 'string' ? Buffer.from(response.body, 'utf8') : response.body;
  res.writeHead(response.status, {
    ...response.headers,
    // The sim's time, not the wall clock's: an SDK whose clock is off corrects its skew from this.
    date: new Date(nowMs).toUTCString(),
    'content-length': String(body.length),
  });
  res.end(body);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Outcome {
  response?: SimResponse;
  dropped?: boolean;
  /** Never answered (knobs.unresponsive): the connection is left open. */
  hung?: boolean;
  errorCode?: string;
}

class CoreRejection extends Error {
  constructor(readonly error: SimError) {
    super(error.message);
  }
}

export function createSimHandler(core: SimCore): (req: IncomingMessage, res: ServerResponse) => void {
  const { ctx, log } = core;

  function fail(service: ServiceName, failure: CoreFailure, message?: string): never {
    throw new CoreRejection(coreError(service, failure, message));
  }

  /** Credential scope, signature, session token and expiry; returns the caller. */
  function authenticate(service: ServiceName, raw: RawRequest, region: string): Caller {
    const header = String(raw.headers['authorization'] ?? '');
    const auth = parseAuthorization(header);
    if (!auth) fail(service, 'missing-auth');
    if (auth.algorithm !== 'AWS4-HMAC-SHA256')
      fail(service, 'bad-signature', `Unsupported signing algorithm ${auth.algorithm}`);
    // AWS checks the scope before it looks the key up.
    const problem = scopeProblem(service, auth);
    if (problem !== undefined) fail(service, 'bad-scope', problem);
    const stored = ctx.credentials.lookup(auth.accessKeyId);
    if (!stored) fail(service, 'unknown-key');
    const check = verifySignature(raw, auth, stored.secretAccessKey, ctx.clock());
    if (!check.ok)
      fail(
        service,
        check.reason === 'expired' ? 'signature-expired' : 'bad-signature',
        check.reason === 'signature-mismatch' ? undefined : check.detail,
      );
    const token = raw.headers['x-amz-security-token'];
    if (stored.sessionToken === undefined) {
      // A long-term (AKIA) key has no session: AWS refuses any token sent with it as invalid.
      if (token !== undefined) fail(service, 'bad-token');
    } else {
      // AWS accepts an unsigned token header for these services; only its value is checked.
      if (token !== stored.sessionToken) fail(service, 'bad-token');
      if (stored.caller.expiresAt !== undefined && stored.caller.expiresAt <= ctx.clock())
        fail(service, 'expired-token');
    }
    // STS refuses every token in a Region the caller's account has not enabled.
    if (service === 'sts' && !isRegionEnabled(ctx.world, ctx.knobs, stored.caller.accountId, region))
      fail(service, 'bad-token');
    return stored.caller;
  }

  function authorize(module: ServiceModule, caller: Caller, operation: string): void {
    const action = `${module.iamPrefix}:${operation}`;
    if (action === 'sts:GetCallerIdentity') return; // always allowed in AWS
    if (actionAllowed(caller.permissions, action)) return;
    const messages: Partial<Record<ServiceName, string>> = {
      sts: `User: ${caller.arn} is not authorized to perform: ${action}`,
      ec2: `You are not authorized to perform this operation. User: ${caller.arn} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`,
      organizations: "You don't have permissions to access this resource.",
    };
    fail(module.service, 'access-denied', messages[module.service]);
  }

  async function answer(
    raw: RawRequest,
    requestId: string,
    entry: {
      service: ServiceName;
      operation: string;
      accountId: string;
      region: string;
      accessKeyId: string;
      params: Record<string, unknown>;
    },
  ): Promise<Outcome> {
    const header = String(raw.headers['authorization'] ?? '');
    const auth = parseAuthorization(header);
    const service = serviceForRequest(raw);
    entry.service = service;
    entry.region = auth?.region ?? '';
    entry.accessKeyId = auth?.accessKeyId ?? '';
    const module = core.services[service];
    try {
      let parsed: ParsedOperation;
      try {
        parsed = module.parse(raw);
      } catch (err) {
        if (err instanceof SimError) throw new CoreRejection(err);
        throw err;
      }
      entry.operation = parsed.operation;
      entry.params = parsed.params;
      if (ctx.knobs.unresponsive.includes(service)) return { hung: true, errorCode: 'NeverAnswered' };
      const caller = module.authenticatesItself ? ANONYMOUS : authenticate(service, raw, entry.region);
      entry.accountId = caller.accountId;

      const { faults, latency } = ctx.knobs;
      if (faults.dropRate > 0 && ctx.random() < faults.dropRate)
        return { dropped: true, errorCode: 'ConnectionDropped' };
      if (faults.errorRate > 0 && ctx.random() < faults.errorRate) {
        fail(service, ctx.random() < 0.5 ? 'internal' : 'unavailable');
      }
      const lat = latency[service];
      const extra = caller.accountId ? (scenarioFor(ctx.knobs, caller.accountId).extraLatencyMs ?? 0) : 0;
      const delay = (lat ? lat.fixedMs + lat.jitterMs * ctx.random() : 0) + extra;
      if (delay > 0) await sleep(delay);

      if (!module.authenticatesItself) authorize(module, caller, parsed.operation);
      if (
        ctx.knobs.throttling &&
        !core.throttle.take({
          service,
          accountId: caller.accountId,
          region: entry.region,
          operation: parsed.operation,
          params: parsed.params,
        })
      ) {
        fail(service, 'throttled');
      }
      const request = { ...parsed, service, region: entry.region, requestId, caller, raw };
      try {
        return { response: await module.handle(request, ctx) };
      } catch (err) {
        if (err instanceof SimError)
          return { response: module.errorResponse(err, requestId), errorCode: err.code };
        throw err;
      }
    } catch (err) {
      if (err instanceof CoreRejection)
        return { response: module.errorResponse(err.error, requestId), errorCode: err.error.code };
      console.error('sim: internal error', err);
      const internal = coreError(service, 'internal');
      return { response: module.errorResponse(internal, requestId), errorCode: internal.code };
    }
  }

  return (req, res) => {
    const done = log.begin();
    const started = Date.now();
    const time = ctx.clock();
    res.on('close', done);
    void (async () => {
      let body: Buffer;
      try {
        body = await readBody(req);
      } catch {
        res.writeHead(413).end();
        return;
      }
      const url = new URL(req.url ?? '/', 'http://sim.invalid');
      if (url.pathname.startsWith(ADMIN_PREFIX)) {
        send(res, handleAdmin(core, req.method ?? 'GET', url, body), ctx.clock());
        return;
      }
      const raw: RawRequest = {
        method: req.method ?? 'GET',
        path: (req.url ?? '/').split('?')[0] ?? '/',
        rawQuery: (req.url ?? '').includes('?')
          ? (req.url ?? '').slice((req.url ?? '').indexOf('?') + 1)
          : '',
        headers: req.headers,
        body,
      };
      const requestId = randomUUID();
      const entry = {
        service: 'ec2' as ServiceName,
        operation: '',
        accountId: '',
        region: '',
        accessKeyId: '',
        params: {} as Record<string, unknown>,
      };
      const outcome = await answer(raw, requestId, entry);
      log.record({
        time,
        ...entry,
        status: outcome.dropped ? 0 : (outcome.response?.status ?? 0),
        ...(outcome.errorCode !== undefined ? { errorCode: outcome.errorCode } : {}),
        durationMs: Date.now() - started,
      });
      if (outcome.hung) return; // the client's time limit ends it (or the sim's close)
      if (outcome.dropped || !outcome.response) {
        req.socket.destroy();
        return;
      }
      send(res, outcome.response, ctx.clock());
    })();
  };
}
