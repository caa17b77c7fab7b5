import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import {
  RolesAnywhereConfigError,
  RolesAnywhereServiceError,
  fromRolesAnywhere,
} from '../../src/credentials/roles-anywhere/provider.js';
import type { RolesAnywhereOptions } from '../../src/credentials/roles-anywhere/provider.js';
import type {
  HttpAnswer,
  HttpExchange,
  HttpTransport,
} from '../../src/credentials/roles-anywhere/create-session.js';
import { manualClock } from '../helpers/clock.js';
import { keyPem, makeCertificate, makeRootCa, tempPkiDir } from './roles-anywhere-fixtures.js';
import { rejectionOf } from '../helpers/rejection.js';

const ARNS = {
  trustAnchorArn:
    'arn:aws:rolesanywhere:eu-central-1:123456789012:trust-anchor/aaaaaaaa-0000-4000-8000-000000000001',
  profileArn: 'arn:aws:rolesanywhere:eu-central-1:123456789012:profile/aaaaaaaa-0000-4000-8000-000000000002',
  roleArn: 'arn:aws:iam::123456789012:role/OrgraphCentralRole',
};
const ENDPOINT = 'http://127.0.0.1:4510';
const SECRET_PREFIX = 'SECRETwJalrXUtnFEMI';
const TOKEN_PREFIX = 'TOKENIQoJb3JpZ2luX2VjE';
const DAY = 86_400_000;

const pki = tempPkiDir();
const paths = { certificate: '', privateKey: '', shortCertificate: '', shortKey: '' };
const errorMessages: string[] = [];
let issued = 0;

beforeAll(async () => {
  const root = await makeRootCa({ name: 'Provider Root', spec: 'p256' });
  const leaf = await makeCertificate(root, { name: 'provider-leaf', spec: 'p256' });
  paths.certificate = pki.write('leaf.pem', leaf.certPem);
  paths.privateKey = pki.write('leaf.key', keyPem(leaf.key, 'pkcs8'));
  const short = await makeCertificate(root, {
    name: 'short-leaf',
    spec: 'rsa',
    notAfter: new Date(Date.now() + 2 * DAY),
  });
  paths.shortCertificate = pki.write('short.pem', short.certPem);
  paths.shortKey = pki.write('short.key', keyPem(short.key, 'pkcs1'));
});
afterAll(() => pki.remove());

function options(overrides: Partial<RolesAnywhereOptions> = {}): RolesAnywhereOptions {
  return {
    certificate: paths.certificate,
    privateKey: paths.privateKey,
    ...ARNS,
    endpoint: ENDPOINT,
    ...overrides,
  };
}

/** A 201 answer whose credentials expire `lifetimeMs` after `now`. */
function created(now: number, lifetimeMs = 3_600_000): HttpAnswer {
  issued++;
  return {
    status: 201,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': `req-${issued}` },
    body: JSON.stringify({
      credentialSet: [
        {
          assumedRoleUser: {
            arn: 'arn:aws:sts::123456789012:assumed-role/OrgraphCentralRole/1001',
            assumedRoleId: 'AROA:1001',
          },
          credentials: {
            accessKeyId: `ASIATEST${String(issued).padStart(12, '0')}`,
            secretAccessKey: `${SECRET_PREFIX}${issued}`,
            sessionToken: `${TOKEN_PREFIX}${issued}`,
            expiration: new Date(now + lifetimeMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          },
          packedPolicySize: 0,
          roleArn: ARNS.roleArn,
          sourceIdentity: 'CN=provider-leaf',
        },
      ],
      subjectArn: 'arn:aws:rolesanywhere:eu-central-1:123456789012:subject/x',
    }),
  };
}

function errorAnswer(status: number, headers: Record<string, string>, body: string): HttpAnswer {
  return { status, headers, body };
}

/** A transport that records every exchange and answers from a script (the last entry repeats). */
function scripted(
  script: Array<(exchange: HttpExchange) => HttpAnswer | Promise<HttpAnswer>>,
): HttpTransport & { exchanges: HttpExchange[] } {
  const exchanges: HttpExchange[] = [];
  const transport = async (exchange: HttpExchange) => {
    exchanges.push(exchange);
    const step = script[Math.min(exchanges.length - 1, script.length - 1)]!;
    return step(exchange);
  };
  return Object.assign(transport, { exchanges });
}

const rejection = (promise: Promise<unknown>) => rejectionOf(promise, errorMessages);

// 10:00 UTC of the day the test certificates were made (they are valid from a day before Date.now()),
// so the fixed-clock tests never fall outside the certificates' validity, whatever today is.
const DAY_MS = 86_400_000;
const TEN_AM = Math.floor(Date.now() / DAY_MS) * DAY_MS + 10 * 3_600_000;
const amzDate = (ms: number) => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');

describe('fromRolesAnywhere: the CreateSession request', () => {
  it('sends the ARNs, duration and session name in a signed JSON body to /sessions on the endpoint host', async () => {
    const clock = manualClock(TEN_AM);
    const transport = scripted([() => created(clock())]);
    const provider = fromRolesAnywhere(options({ durationSeconds: 1800, roleSessionName: 'orgraph' }), {
      clock,
      transport,
    });
    const credentials = await provider();
    expect(credentials.accessKeyId).toMatch(/^ASIATEST/);
    expect(credentials.expiration).toBeInstanceOf(Date);
    const [exchange] = transport.exchanges;
    expect(exchange!.url.href).toBe(`${ENDPOINT}/`);
    expect(exchange!.pathAndQuery).toBe('/sessions');
    expect(JSON.parse(exchange!.body)).toEqual({
      ...ARNS,
      durationSeconds: 1800,
      roleSessionName: 'orgraph',
    });
    expect(exchange!.headers['Host']).toBe('127.0.0.1:4510');
    expect(exchange!.headers['X-Amz-Date']).toBe(amzDate(TEN_AM));
    expect(exchange!.headers['Authorization']).toMatch(
      new RegExp(
        `^AWS4-X509-ECDSA-SHA256 Credential=\\d+/${amzDate(TEN_AM).slice(0, 8)}/eu-central-1/rolesanywhere/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-x509, Signature=[0-9a-f]+$`,
      ),
    );
    expect(provider.isRoleSession).toBe(true);
    expect(provider.summary.region).toBe('eu-central-1');
  });
});

describe('fromRolesAnywhere: one session shared by every caller', () => {
  it('memoizes the session', async () => {
    const clock = manualClock();
    const transport = scripted([() => created(clock())]);
    const provider = fromRolesAnywhere(options(), { clock, transport });
    const first = await provider();
    expect(await provider()).toBe(first);
    expect(await provider()).toBe(first);
    expect(transport.exchanges).toHaveLength(1);
    expect(provider.stats()).toMatchObject({ createSessionCalls: 1, hits: 2 });
  });

  it('lets concurrent callers join one pending CreateSession', async () => {
    const clock = manualClock();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const transport = scripted([async () => (await gate, created(clock()))]);
    const provider = fromRolesAnywhere(options(), { clock, transport });
    const calls = Array.from({ length: 50 }, () => provider());
    release();
    const results = await Promise.all(calls);
    expect(new Set(results.map((c) => c.accessKeyId)).size).toBe(1);
    expect(transport.exchanges).toHaveLength(1);
    expect(provider.stats()).toMatchObject({ createSessionCalls: 1, joins: 49 });
  });

  it('refreshes refreshWindowSeconds before expiry, moved by the injected clock', async () => {
    const clock = manualClock();
    const transport = scripted([() => created(clock(), 3_600_000)]);
    const provider = fromRolesAnywhere(options({ refreshWindowSeconds: 300 }), { clock, transport });
    const first = await provider();
    clock.advance(3_299_000); // 301 s left
    expect(await provider()).toBe(first);
    clock.advance(2_000); // 299 s left: inside the window
    const second = await provider();
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
    expect(second.expiration.getTime()).toBe(clock() + 3_600_000 - (clock() % 1000));
    expect(transport.exchanges).toHaveLength(2);
    expect(provider.stats()).toMatchObject({ createSessionCalls: 2, refreshes: 1 });
  });

  it('fetches anew on forceRefresh and after invalidate()', async () => {
    const clock = manualClock();
    const transport = scripted([() => created(clock())]);
    const provider = fromRolesAnywhere(options(), { clock, transport });
    const first = await provider();
    const forced = await provider({ forceRefresh: true });
    expect(forced.accessKeyId).not.toBe(first.accessKeyId);
    provider.invalidate();
    expect((await provider()).accessKeyId).not.toBe(forced.accessKeyId);
    expect(transport.exchanges).toHaveLength(3);
  });

  it('never caches a failure: the next caller tries again', async () => {
    const clock = manualClock();
    const transport = scripted([
      () =>
        errorAnswer(
          403,
          { 'x-amzn-errortype': 'AccessDeniedException' },
          '{"message":"Untrusted signing certificate"}',
        ),
      () => created(clock()),
    ]);
    const provider = fromRolesAnywhere(options(), { clock, transport });
    const err = await rejection(provider());
    expect(err).toBeInstanceOf(RolesAnywhereServiceError);
    expect((await provider()).accessKeyId).toMatch(/^ASIATEST/);
    expect(transport.exchanges).toHaveLength(2);
    expect(provider.stats().failures).toBe(1);
  });
});

describe('fromRolesAnywhere: retries and errors', () => {
  it('signs each retry afresh with a new X-Amz-Date', async () => {
    const clock = manualClock(TEN_AM);
    const transport = scripted([() => errorAnswer(503, {}, ''), () => created(clock())]);
    const sleep = async (_ms: number) => clock.advance(2_000);
    const provider = fromRolesAnywhere(options(), { clock, transport, sleep });
    await provider();
    const [first, second] = transport.exchanges;
    expect([first!.headers['X-Amz-Date'], second!.headers['X-Amz-Date']]).toEqual([
      amzDate(TEN_AM),
      amzDate(TEN_AM + 2_000),
    ]);
    expect(first!.headers['Authorization']).not.toBe(second!.headers['Authorization']);
  });

  it('does not retry an access-denied answer; gives up on server errors after maxAttempts', async () => {
    const clock = manualClock();
    const denied = scripted([
      () => errorAnswer(403, { 'x-amzn-errortype': 'AccessDeniedException' }, '{"message":"no"}'),
    ]);
    await rejection(fromRolesAnywhere(options(), { clock, transport: denied, sleep: async () => {} })());
    expect(denied.exchanges).toHaveLength(1);
    const failing = scripted([
      () => errorAnswer(500, { 'x-amzn-errortype': 'InternalServerException' }, '{"message":"boom"}'),
    ]);
    const err = (await rejection(
      fromRolesAnywhere(options(), { clock, transport: failing, sleep: async () => {}, maxAttempts: 3 })(),
    )) as RolesAnywhereServiceError;
    expect(failing.exchanges).toHaveLength(3);
    expect([err.code, err.status, err.retryable]).toEqual(['InternalServerException', 500, true]);
  });

  it('reports network failures with the ARNs they concern', async () => {
    const clock = manualClock();
    const transport: HttpTransport = async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4510'), { code: 'ECONNREFUSED' });
    };
    const err = (await rejection(
      fromRolesAnywhere(options(), { clock, transport, sleep: async () => {} })(),
    )) as RolesAnywhereServiceError;
    expect(err.code).toBe('ECONNREFUSED');
    expect(err.message).toContain(ARNS.trustAnchorArn);
  });

  it('parses the code from x-amzn-ErrorType, else the body, and names the trust anchor and profile', async () => {
    const clock = manualClock();
    const cases: Array<[HttpAnswer, string, string]> = [
      [
        errorAnswer(
          403,
          {
            'x-amzn-errortype': 'AccessDeniedException:http://internal.amazon.com/coral/',
            'x-amzn-requestid': 'rid-1',
          },
          '{"message":"Untrusted signing certificate"}',
        ),
        'AccessDeniedException',
        'Untrusted signing certificate',
      ],
      [
        errorAnswer(
          400,
          {},
          '{"__type":"com.amazonaws.rolesanywhere#ValidationException","Message":"durationSeconds is invalid"}',
        ),
        'ValidationException',
        'durationSeconds is invalid',
      ],
      [
        errorAnswer(404, {}, '{"code":"ResourceNotFoundException","message":"Profile not found"}'),
        'ResourceNotFoundException',
        'Profile not found',
      ],
      [errorAnswer(502, {}, '<html>bad gateway</html>'), 'HTTP502', 'HTTP 502 without a message'],
    ];
    for (const [answer, code, message] of cases) {
      const transport = scripted([() => answer]);
      const err = (await rejection(
        fromRolesAnywhere(options(), { clock, transport, sleep: async () => {}, maxAttempts: 1 })(),
      )) as RolesAnywhereServiceError;
      expect(err).toBeInstanceOf(RolesAnywhereServiceError);
      expect([err.code, err.serviceMessage, err.status]).toEqual([code, message, answer.status]);
      expect(err.message).toContain(`trust anchor ${ARNS.trustAnchorArn}`);
      expect(err.message).toContain(`profile ${ARNS.profileArn}`);
      expect(err.trustAnchorArn).toBe(ARNS.trustAnchorArn);
    }
  });

  it('treats an empty credential set or a malformed 201 as an error without echoing the body', async () => {
    const clock = manualClock();
    const empty = scripted([
      () => ({ status: 201, headers: {}, body: '{"credentialSet":[],"subjectArn":"x"}' }),
    ]);
    expect((await rejection(fromRolesAnywhere(options(), { clock, transport: empty })())).message).toContain(
      'credentialSet is missing or empty',
    );
    const partial = scripted([
      () => ({
        status: 201,
        headers: {},
        body: JSON.stringify({
          credentialSet: [
            {
              credentials: {
                accessKeyId: 'ASIA1',
                secretAccessKey: `${SECRET_PREFIX}-partial`,
                expiration: 'soon',
              },
            },
          ],
        }),
      }),
    ]);
    const err = await rejection(fromRolesAnywhere(options(), { clock, transport: partial })());
    expect(err.message).toContain('lack accessKeyId, secretAccessKey or sessionToken');
  });
});

describe('fromRolesAnywhere: validation before any network call', () => {
  it('throws a RolesAnywhereConfigError at construction for a bad configuration', () => {
    const transport = scripted([() => created(Date.now())]);
    expect(() => fromRolesAnywhere(options({ privateKey: paths.shortKey }), { transport })).toThrow(
      RolesAnywhereConfigError,
    );
    expect(() => fromRolesAnywhere(options({ trustAnchorArn: 'arn:nope' }), { transport })).toThrow(
      /trustAnchorArn/,
    );
    expect(transport.exchanges).toHaveLength(0);
  });

  it('re-checks the certificate before each CreateSession: one that expired since start-up fails without a call', async () => {
    const clock = manualClock();
    const transport = scripted([() => created(clock(), 900_000)]);
    const provider = fromRolesAnywhere(
      options({ certificate: paths.shortCertificate, privateKey: paths.shortKey }),
      { clock, transport },
    );
    await provider();
    clock.advance(3 * DAY);
    const err = await rejection(provider());
    expect(err).toBeInstanceOf(RolesAnywhereConfigError);
    expect(err.message).toMatch(/certificate has expired: valid until \d{4}-\d{2}-\d{2}T/);
    expect(transport.exchanges).toHaveLength(1);
  });
});

describe('fromRolesAnywhere: no secrets in error messages', () => {
  it('keeps secret keys and session tokens out of every message above', () => {
    expect(errorMessages.length).toBeGreaterThan(8);
    for (const message of errorMessages) {
      expect(message).not.toContain(SECRET_PREFIX);
      expect(message).not.toContain(TOKEN_PREFIX);
      expect(message).not.toMatch(/PRIVATE KEY/);
    }
  });
});
