import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { request } from 'node:http';
import type { KeyObject } from 'node:crypto';
import { rolesAnywhereService } from '../../src/sim/services/rolesanywhere.js';
import { CredentialStore } from '../../src/sim/credential-store.js';
import { defaultKnobs } from '../../src/sim/knobs.js';
import { SimError } from '../../src/sim/types.js';
import type { RawRequest, SimContext, SimResponse } from '../../src/sim/types.js';
import type { SimRole, SimRolesAnywhereProfile, SimTrustAnchor, SimWorld } from '../../src/sim/model.js';
import { startSim } from '../../src/sim/index.js';
import { ANONYMOUS } from '../../src/sim/server.js';
import { formatAmzDate, signCreateSessionRequest } from '../../src/credentials/roles-anywhere/signer.js';
import {
  amzDateToMs,
  loadVectors,
  makeCertificate,
  makeRootCa,
  vectorQuery,
} from '../credentials/roles-anywhere-fixtures.js';
import type { TestCertificate, VectorCase } from '../credentials/roles-anywhere-fixtures.js';
import { makeOddLeaf } from './odd-certificates.js';
import { allowsDigitalSignature, weakSignatureAlgorithm } from '../../src/sim/services/rolesanywhere-der.js';

const vectors = loadVectors();
const rsa = vectors.case('rsa-known-answer');
const ecdsa = vectors.case('ecdsa-p384-verify');
const RSA_NOW = amzDateToMs(rsa.amzDate);
const ACCOUNT = '291738886548';
const ANCHOR_ARN =
  'arn:aws:rolesanywhere:us-east-2:291738886548:trust-anchor/5b1e4a39-0000-4000-8000-00000000aaaa';

interface Setup {
  now: number;
  anchors?: SimTrustAnchor[];
  profiles?: SimRolesAnywhereProfile[];
  roles?: SimRole[];
  lifetime?: number;
}

function role(arn: string, trustsRolesAnywhere = true): SimRole {
  const name = arn.slice(arn.lastIndexOf('/') + 1);
  return {
    accountId: ACCOUNT,
    name,
    path: '/',
    arn,
    roleId: 'AROAEXAMPLEROLEID0001',
    trustedPrincipals: [],
    trustsRolesAnywhere,
    maxSessionDuration: 3600,
    permissions: [],
  };
}

function anchor(arn: string, caPems: string[], region = 'us-east-2'): SimTrustAnchor {
  return { arn, region, caCertificatesPem: caPems, enabled: true };
}

function profile(
  arn: string,
  roleArns: string[],
  overrides: Partial<SimRolesAnywhereProfile> = {},
): SimRolesAnywhereProfile {
  return {
    arn,
    region: 'us-east-2',
    roleArns,
    durationSeconds: 3600,
    acceptRoleSessionName: false,
    enabled: true,
    ...overrides,
  };
}

/** The vector's world: its trust anchor holding its root CA, its profile and its role. */
function vectorSetup(v: VectorCase, rootFile: string, overrides: Partial<Setup> = {}): Setup {
  return {
    now: amzDateToMs(v.amzDate),
    anchors: [anchor(v.trustAnchorArn, [vectors.file(rootFile)])],
    profiles: [profile(v.profileArn, [v.roleArn])],
    roles: [role(v.roleArn)],
    ...overrides,
  };
}

function context(setup: Setup): SimContext {
  const knobs = defaultKnobs();
  if (setup.lifetime !== undefined) knobs.credentialLifetimeSeconds = setup.lifetime;
  return {
    // Only `roles` is read by the Roles Anywhere module; the rest of a world is not needed here.
    world: { roles: new Map((setup.roles ?? []).map((r) => [r.arn, r])) } as unknown as SimWorld,
    credentials: new CredentialStore(),
    knobs,
    clock: () => setup.now,
    random: () => 0.5,
    rolesAnywhere: {
      trustAnchors: new Map((setup.anchors ?? []).map((a) => [a.arn, a])),
      profiles: new Map((setup.profiles ?? []).map((p) => [p.arn, p])),
    },
  };
}

/** What the core does for a self-authenticating module: parse, handle, serialize SimErrors. */
async function answer(raw: RawRequest, ctx: SimContext): Promise<SimResponse> {
  try {
    const parsed = rolesAnywhereService.parse(raw);
    return await rolesAnywhereService.handle(
      {
        ...parsed,
        service: 'rolesanywhere',
        region: 'us-east-2',
        requestId: 'req-1',
        caller: ANONYMOUS,
        raw,
      },
      ctx,
    );
  } catch (err) {
    if (err instanceof SimError) return rolesAnywhereService.errorResponse(err, 'req-1');
    throw err;
  }
}

/** The vector's request exactly as the Go helper sent it, with `authorization` as given. */
function vectorRequest(v: VectorCase, authorization: string): RawRequest {
  return {
    method: 'POST',
    path: '/sessions',
    rawQuery: vectorQuery(v),
    headers: {
      'content-type': 'application/json',
      host: v.host,
      'x-amz-date': v.amzDate,
      'x-amz-x509': new X509Certificate(vectors.file(v.certificate)).raw.toString('base64'),
      authorization,
    },
    body: Buffer.from(v.body),
  };
}

function errorOf(response: SimResponse): { status: number; code: string | undefined; message: string } {
  return {
    status: response.status,
    code: response.headers['x-amzn-errortype'],
    message: (JSON.parse(String(response.body)) as { message: string }).message,
  };
}

interface Signer {
  certificate: X509Certificate;
  intermediates?: X509Certificate[];
  key: KeyObject;
}

/** A fresh request signed at `now` with the given body (ARNs in the body, as AWS's SDKs send them). */
function signedRequest(
  signer: Signer,
  now: number,
  body: Record<string, unknown>,
  region = 'us-east-2',
): RawRequest {
  const text = JSON.stringify(body);
  const signed = signCreateSessionRequest({
    host: 'rolesanywhere.us-east-2.amazonaws.com',
    region,
    amzDate: formatAmzDate(now),
    certificate: signer.certificate,
    ...(signer.intermediates ? { intermediates: signer.intermediates } : {}),
    privateKey: signer.key,
    body: text,
  });
  return {
    method: 'POST',
    path: signed.pathAndQuery,
    rawQuery: '',
    headers: Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v])),
    body: Buffer.from(text),
  };
}

const vectorSigner = (): Signer => ({
  certificate: new X509Certificate(vectors.file(rsa.certificate)),
  key: createPrivateKey(vectors.file(rsa.privateKey)),
});
const vectorBody = (extra: Record<string, unknown> = {}) => ({
  trustAnchorArn: rsa.trustAnchorArn,
  profileArn: rsa.profileArn,
  roleArn: rsa.roleArn,
  ...extra,
});

describe('Roles Anywhere sim: known-answer vectors', () => {
  it('accepts the RSA vector request and issues a role session', async () => {
    const ctx = context(vectorSetup(rsa, vectors.trustAnchors.rsa));
    const response = await answer(vectorRequest(rsa, rsa.expectedAuthorization!), ctx);
    expect(response.status).toBe(201);
    expect(response.headers['content-type']).toBe('application/json');
    const body = JSON.parse(String(response.body)) as {
      credentialSet: Array<{
        assumedRoleUser: { arn: string };
        credentials: {
          accessKeyId: string;
          secretAccessKey: string;
          sessionToken: string;
          expiration: string;
        };
        roleArn: string;
        packedPolicySize: number;
        sourceIdentity: string;
      }>;
      subjectArn: string;
    };
    const set = body.credentialSet[0]!;
    expect(set.assumedRoleUser.arn).toBe('arn:aws:sts::291738886548:assumed-role/rolesanywhere1/15');
    expect(set.roleArn).toBe(rsa.roleArn);
    expect(set.packedPolicySize).toBe(0);
    expect(set.sourceIdentity).toBe('CN=alice-cert.domain.com');
    expect(set.credentials.expiration).toBe('2024-07-06T12:38:59Z');
    expect(body.subjectArn).toMatch(/^arn:aws:rolesanywhere:us-east-2:291738886548:subject\/[0-9a-f-]{36}$/);
    const stored = ctx.credentials.lookup(set.credentials.accessKeyId);
    expect(stored?.sessionToken).toBe(set.credentials.sessionToken);
    expect(stored?.caller.roleArn).toBe(rsa.roleArn);
    expect(stored?.caller.isRoleSession).toBe(true);
  });

  it('answers 403 when one byte of the signature is flipped', async () => {
    const auth = rsa.expectedAuthorization!;
    const i = auth.indexOf('Signature=') + 'Signature='.length + 40;
    const flipped =
      auth.slice(0, i) +
      (parseInt(auth.slice(i, i + 2), 16) ^ 0x01).toString(16).padStart(2, '0') +
      auth.slice(i + 2);
    expect(flipped).not.toBe(auth);
    const ctx = context(vectorSetup(rsa, vectors.trustAnchors.rsa));
    const response = await answer(vectorRequest(rsa, flipped), ctx);
    expect(errorOf(response)).toEqual({
      status: 403,
      code: 'AccessDeniedException',
      message: expect.stringContaining('Signature validation failed'),
    });
  });

  it('accepts the ECDSA vector with the signature AWS published', async () => {
    const ctx = context(vectorSetup(ecdsa, vectors.trustAnchors.ecdsa));
    const response = await answer(
      vectorRequest(ecdsa, ecdsa.expectedCredentialPrefix! + ecdsa.publishedSignatureHex!),
      ctx,
    );
    expect(response.status).toBe(201);
  });

  it('refuses a vector whose body changed after signing', async () => {
    const raw = {
      ...vectorRequest(rsa, rsa.expectedAuthorization!),
      body: Buffer.from('{"durationSeconds":3601}'),
    };
    expect(errorOf(await answer(raw, context(vectorSetup(rsa, vectors.trustAnchors.rsa)))).status).toBe(403);
  });
});

describe('Roles Anywhere sim: what the request proves', () => {
  it('refuses a date more than 5 minutes from the clock, and accepts one within', async () => {
    const late = await answer(
      vectorRequest(rsa, rsa.expectedAuthorization!),
      context(vectorSetup(rsa, vectors.trustAnchors.rsa, { now: RSA_NOW + 301_000 })),
    );
    expect(errorOf(late)).toMatchObject({
      status: 403,
      code: 'AccessDeniedException',
      message: expect.stringContaining('Signature expired'),
    });
    const early = await answer(
      vectorRequest(rsa, rsa.expectedAuthorization!),
      context(vectorSetup(rsa, vectors.trustAnchors.rsa, { now: RSA_NOW - 299_000 })),
    );
    expect(early.status).toBe(201);
  });

  it('refuses a serial number that is not the certificate’s (in decimal)', async () => {
    const hexSerial = rsa.expectedAuthorization!.replace('Credential=21/', 'Credential=15/');
    const response = await answer(
      vectorRequest(rsa, hexSerial),
      context(vectorSetup(rsa, vectors.trustAnchors.rsa)),
    );
    expect(errorOf(response)).toMatchObject({
      status: 403,
      message: expect.stringContaining('serial number 15 does not match'),
    });
  });

  it('refuses an algorithm that does not fit the key type', async () => {
    const wrong = rsa.expectedAuthorization!.replace('AWS4-X509-RSA-SHA256', 'AWS4-X509-ECDSA-SHA256');
    const response = await answer(
      vectorRequest(rsa, wrong),
      context(vectorSetup(rsa, vectors.trustAnchors.rsa)),
    );
    expect(errorOf(response)).toMatchObject({
      status: 403,
      message: expect.stringContaining('does not match the certificate'),
    });
  });

  it('requires content-type, host, x-amz-date and x-amz-x509 to be signed', async () => {
    const unsigned = rsa.expectedAuthorization!.replace(
      'SignedHeaders=content-type;host;',
      'SignedHeaders=host;',
    );
    const response = await answer(
      vectorRequest(rsa, unsigned),
      context(vectorSetup(rsa, vectors.trustAnchors.rsa)),
    );
    expect(errorOf(response)).toMatchObject({ status: 403, message: 'Headers must be signed: content-type' });
  });

  it('refuses a scope for another service', async () => {
    const other = rsa.expectedAuthorization!.replace('/rolesanywhere/', '/sts/');
    const response = await answer(
      vectorRequest(rsa, other),
      context(vectorSetup(rsa, vectors.trustAnchors.rsa)),
    );
    expect(errorOf(response)).toMatchObject({ status: 403, code: 'AccessDeniedException' });
  });

  it('answers 404 for a trust anchor that does not exist in the scope’s Region', async () => {
    const setup = vectorSetup(rsa, vectors.trustAnchors.rsa, {
      anchors: [anchor(rsa.trustAnchorArn, [vectors.file(vectors.trustAnchors.rsa)], 'us-west-2')],
    });
    const response = await answer(vectorRequest(rsa, rsa.expectedAuthorization!), context(setup));
    expect(errorOf(response)).toMatchObject({ status: 404, code: 'ResourceNotFoundException' });
  });

  it('answers 403 Untrusted signing certificate when the anchor holds another CA', async () => {
    const response = await answer(
      vectorRequest(rsa, rsa.expectedAuthorization!),
      context(vectorSetup(rsa, vectors.trustAnchors.ecdsa)),
    );
    expect(errorOf(response)).toEqual({
      status: 403,
      code: 'AccessDeniedException',
      message: 'Untrusted signing certificate',
    });
  });
});

describe('Roles Anywhere sim: chains up to the trust anchor', () => {
  let root: TestCertificate;
  let intermediate: TestCertificate;
  let leaf: TestCertificate;
  let expiredIntermediate: TestCertificate;
  let leafOfExpired: TestCertificate;
  const now = Date.now();

  beforeAll(async () => {
    root = await makeRootCa({ name: 'Sim Root', spec: 'p384' });
    intermediate = await makeCertificate(root, { name: 'Sim Intermediate', spec: 'rsa', ca: true });
    leaf = await makeCertificate(intermediate, { name: 'sim-leaf', spec: 'p256' });
    expiredIntermediate = await makeCertificate(root, {
      name: 'Expired Intermediate',
      spec: 'p256',
      ca: true,
      notBefore: new Date(now - 10 * 86_400_000),
      notAfter: new Date(now - 86_400_000),
    });
    leafOfExpired = await makeCertificate(expiredIntermediate, {
      name: 'leaf-of-expired',
      spec: 'p256',
      notBefore: new Date(now - 5 * 86_400_000),
    });
  });

  const setupFor = (caPems: string[]): Setup => ({
    now,
    anchors: [anchor(ANCHOR_ARN, caPems)],
    profiles: [profile(rsa.profileArn, [rsa.roleArn])],
    roles: [role(rsa.roleArn)],
  });
  const signer = (cert: TestCertificate, intermediates: TestCertificate[] = []): Signer => ({
    certificate: new X509Certificate(cert.certPem),
    intermediates: intermediates.map((c) => new X509Certificate(c.certPem)),
    key: cert.key,
  });
  const body = { trustAnchorArn: ANCHOR_ARN, profileArn: rsa.profileArn, roleArn: rsa.roleArn };

  it('follows X-Amz-X509-Chain from the leaf to the root CA', async () => {
    const response = await answer(
      signedRequest(signer(leaf, [intermediate]), now, body),
      context(setupFor([root.certPem])),
    );
    expect(response.status).toBe(201);
  });

  it('refuses the leaf without its intermediate', async () => {
    const response = await answer(signedRequest(signer(leaf), now, body), context(setupFor([root.certPem])));
    expect(errorOf(response)).toMatchObject({ status: 403, message: 'Untrusted signing certificate' });
  });

  it('accepts an anchor that holds the intermediate itself (several CAs in one PEM)', async () => {
    const response = await answer(
      signedRequest(signer(leaf), now, body),
      context(setupFor([`${root.certPem}\n${intermediate.certPem}`])),
    );
    expect(response.status).toBe(201);
  });

  it('checks each certificate of the path against the clock', async () => {
    const response = await answer(
      signedRequest(signer(leafOfExpired, [expiredIntermediate]), now, body),
      context(setupFor([root.certPem])),
    );
    expect(errorOf(response)).toMatchObject({
      status: 403,
      message: expect.stringContaining('Intermediate certificate expired at'),
    });
  });
});

describe('Roles Anywhere sim: what the signing certificate must be', () => {
  let root: TestCertificate;
  let intermediate: TestCertificate;
  let goodLeaf: TestCertificate;
  const odd: Partial<Record<'no-digital-signature' | 'no-key-usage' | 'sha1-signed', TestCertificate>> = {};
  const now = Date.now();

  beforeAll(async () => {
    root = await makeRootCa({ name: 'Constraint Root', spec: 'rsa' });
    intermediate = await makeCertificate(root, { name: 'Constraint Intermediate', spec: 'rsa', ca: true });
    goodLeaf = await makeCertificate(root, { name: 'good-leaf', spec: 'rsa' });
    for (const kind of ['no-digital-signature', 'no-key-usage', 'sha1-signed'] as const)
      odd[kind] = await makeOddLeaf(root, kind);
  });

  const body = { trustAnchorArn: ANCHOR_ARN, profileArn: rsa.profileArn, roleArn: rsa.roleArn };
  const ctx = () =>
    context({
      now,
      anchors: [anchor(ANCHOR_ARN, [root.certPem])],
      profiles: [profile(rsa.profileArn, [rsa.roleArn])],
      roles: [role(rsa.roleArn)],
    });
  const signedBy = (cert: TestCertificate) =>
    signedRequest({ certificate: new X509Certificate(cert.certPem), key: cert.key }, now, body);

  it('accepts an end-entity certificate with digitalSignature, signed with SHA-256', async () => {
    expect((await answer(signedBy(goodLeaf), ctx())).status).toBe(201);
  });

  it('refuses a CA certificate as the signing certificate: an intermediate, or the trust anchor’s root itself', async () => {
    for (const ca of [intermediate, root]) {
      expect(errorOf(await answer(signedBy(ca), ctx()))).toEqual({
        status: 403,
        code: 'AccessDeniedException',
        message:
          'Untrusted signing certificate: it is a CA certificate (basicConstraints CA:TRUE); sign with an end-entity certificate',
      });
    }
  });

  it('refuses a key usage without digitalSignature, and a certificate with no key usage at all', async () => {
    expect(errorOf(await answer(signedBy(odd['no-digital-signature']!), ctx()))).toEqual({
      status: 403,
      code: 'AccessDeniedException',
      message: 'Untrusted signing certificate: its key usage does not include digitalSignature',
    });
    expect(errorOf(await answer(signedBy(odd['no-key-usage']!), ctx()))).toEqual({
      status: 403,
      code: 'AccessDeniedException',
      message: 'Untrusted signing certificate: it has no key usage extension; digitalSignature is required',
    });
  });

  it('refuses a certificate its CA signed with SHA-1', async () => {
    expect(errorOf(await answer(signedBy(odd['sha1-signed']!), ctx()))).toEqual({
      status: 403,
      code: 'AccessDeniedException',
      message:
        'Untrusted signing certificate: it is signed with sha1WithRSAEncryption; SHA-256 or stronger is required',
    });
  });

  it('reads key usage and signature algorithm from the DER as openssl shows them for the vectors', () => {
    const der = (file: string) => new X509Certificate(vectors.file(file)).raw;
    // alice-cert*.crt: "Key Usage: critical Digital Signature", sha256WithRSA / ecdsa-with-SHA256.
    expect(allowsDigitalSignature(der(rsa.certificate))).toBe(true);
    expect(allowsDigitalSignature(der(ecdsa.certificate))).toBe(true);
    expect(weakSignatureAlgorithm(der(rsa.certificate))).toBeUndefined();
    // root-ca*.crt: "Key Usage: critical Certificate Sign, CRL Sign".
    expect(allowsDigitalSignature(der(vectors.trustAnchors.rsa))).toBe(false);
    expect(allowsDigitalSignature(new X509Certificate(odd['no-key-usage']!.certPem).raw)).toBeUndefined();
    expect(weakSignatureAlgorithm(new X509Certificate(odd['sha1-signed']!.certPem).raw)).toBe(
      'sha1WithRSAEncryption',
    );
    expect(() => allowsDigitalSignature(Buffer.from('3082ffff', 'hex'))).toThrow();
  });
});

describe('Roles Anywhere sim: profile, role, duration and session name', () => {
  const setup = (overrides: Partial<Setup> = {}) =>
    context(vectorSetup(rsa, vectors.trustAnchors.rsa, overrides));

  it('takes min(profile, requested) as the duration', async () => {
    const longProfile = [profile(rsa.profileArn, [rsa.roleArn], { durationSeconds: 7200 })];
    for (const [requested, profiles, expected] of [
      [43_200, undefined, 3600],
      [1800, undefined, 1800],
      [5400, longProfile, 5400],
      [undefined, longProfile, 3600],
    ] as const) {
      const ctx = setup(profiles ? { profiles: [...profiles] } : {});
      const response = await answer(
        signedRequest(
          vectorSigner(),
          RSA_NOW,
          vectorBody(requested === undefined ? {} : { durationSeconds: requested }),
        ),
        ctx,
      );
      const expiration = (
        JSON.parse(String(response.body)) as { credentialSet: Array<{ credentials: { expiration: string } }> }
      ).credentialSet[0]!.credentials.expiration;
      expect(Date.parse(expiration) - RSA_NOW).toBe(expected * 1000);
    }
  });

  it('lets credentialLifetimeSeconds override the lifetime', async () => {
    const response = await answer(
      signedRequest(vectorSigner(), RSA_NOW, vectorBody()),
      setup({ lifetime: 2 }),
    );
    const expiration = (
      JSON.parse(String(response.body)) as { credentialSet: Array<{ credentials: { expiration: string } }> }
    ).credentialSet[0]!.credentials.expiration;
    expect(Date.parse(expiration)).toBe(RSA_NOW + 2000);
  });

  it.each([899, 43_201, 'soon'])(
    'answers ValidationException for durationSeconds %s',
    async (durationSeconds) => {
      const response = await answer(
        signedRequest(vectorSigner(), RSA_NOW, vectorBody({ durationSeconds })),
        setup(),
      );
      expect(errorOf(response)).toMatchObject({ status: 400, code: 'ValidationException' });
    },
  );

  it('uses the role session name only when the profile accepts one', async () => {
    const refused = await answer(
      signedRequest(vectorSigner(), RSA_NOW, vectorBody({ roleSessionName: 'orgraph' })),
      setup(),
    );
    expect(errorOf(refused)).toMatchObject({
      status: 403,
      message: expect.stringContaining('does not accept a role session name'),
    });
    const accepting = setup({
      profiles: [profile(rsa.profileArn, [rsa.roleArn], { acceptRoleSessionName: true })],
    });
    const ok = await answer(
      signedRequest(vectorSigner(), RSA_NOW, vectorBody({ roleSessionName: 'orgraph' })),
      accepting,
    );
    expect(String(ok.body)).toContain(
      '"arn":"arn:aws:sts::291738886548:assumed-role/rolesanywhere1/orgraph"',
    );
  });

  it('refuses a role the profile does not list, a role that does not trust Roles Anywhere, and a disabled profile', async () => {
    const notListed = await answer(
      signedRequest(vectorSigner(), RSA_NOW, vectorBody()),
      setup({ profiles: [profile(rsa.profileArn, ['arn:aws:iam::291738886548:role/other'])] }),
    );
    expect(errorOf(notListed)).toMatchObject({
      status: 403,
      message: expect.stringContaining('is not one of the roles of profile'),
    });
    const untrusting = await answer(
      signedRequest(vectorSigner(), RSA_NOW, vectorBody()),
      setup({ roles: [role(rsa.roleArn, false)] }),
    );
    expect(errorOf(untrusting)).toMatchObject({ status: 403, code: 'AccessDeniedException' });
    const disabled = await answer(
      signedRequest(vectorSigner(), RSA_NOW, vectorBody()),
      setup({ profiles: [profile(rsa.profileArn, [rsa.roleArn], { enabled: false })] }),
    );
    expect(errorOf(disabled)).toMatchObject({ status: 403, message: expect.stringContaining('is disabled') });
  });

  it('answers 404 for an unknown profile and 400 for a missing ARN', async () => {
    const unknown = await answer(
      signedRequest(vectorSigner(), RSA_NOW, vectorBody()),
      setup({ profiles: [] }),
    );
    expect(errorOf(unknown)).toMatchObject({ status: 404, code: 'ResourceNotFoundException' });
    const missing = await answer(
      signedRequest(vectorSigner(), RSA_NOW, {
        trustAnchorArn: rsa.trustAnchorArn,
        profileArn: rsa.profileArn,
      }),
      setup(),
    );
    expect(errorOf(missing)).toMatchObject({
      status: 400,
      code: 'ValidationException',
      message: 'roleArn is required',
    });
  });
});

describe('Roles Anywhere sim: over HTTP through the core', () => {
  let sim: Awaited<ReturnType<typeof startSim>>;

  beforeAll(async () => {
    sim = await startSim({ clock: () => RSA_NOW });
    sim.world.roles.set(rsa.roleArn, role(rsa.roleArn));
    sim.rolesAnywhere.trustAnchors.set(
      rsa.trustAnchorArn,
      anchor(rsa.trustAnchorArn, [vectors.file(vectors.trustAnchors.rsa)]),
    );
    sim.rolesAnywhere.profiles.set(rsa.profileArn, profile(rsa.profileArn, [rsa.roleArn]));
  });
  afterAll(() => sim.close());

  function post(
    raw: RawRequest,
  ): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
    const url = new URL(sim.endpoint);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          hostname: url.hostname,
          port: url.port,
          method: raw.method,
          path: `${raw.path}?${raw.rawQuery}`,
          headers: { ...raw.headers, 'content-length': String(raw.body.length) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(raw.body);
    });
  }

  it('routes the vector request (Host 127.0.0.1:8080 as signed) to CreateSession and logs it', async () => {
    const ok = await post(vectorRequest(rsa, rsa.expectedAuthorization!));
    expect(ok.status).toBe(201);
    expect(ok.headers['x-amzn-requestid']).toEqual(expect.any(String));
    const bad = await post(
      vectorRequest(
        rsa,
        rsa.expectedAuthorization!.replace(/.$/, (c) => (c === '0' ? '1' : '0')),
      ),
    );
    expect(bad.status).toBe(403);
    expect(bad.headers['x-amzn-errortype']).toBe('AccessDeniedException');
    expect(JSON.parse(bad.body)).toEqual({ message: expect.stringContaining('Signature validation failed') });
    const logged = sim.log.entries({ service: 'rolesanywhere' });
    expect(logged.map((e) => [e.operation, e.region, e.status, e.errorCode])).toEqual([
      ['CreateSession', 'us-east-2', 201, undefined],
      ['CreateSession', 'us-east-2', 403, 'AccessDeniedException'],
    ]);
    expect(logged[0]!.params).toMatchObject({
      roleArn: rsa.roleArn,
      profileArn: rsa.profileArn,
      durationSeconds: 3600,
    });
  });
});
