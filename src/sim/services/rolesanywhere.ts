// IAM Roles Anywhere CreateSession (REST-JSON, POST /sessions, HTTP 201). The request authenticates
// itself with an X.509 signature (see rolesanywhere-x509.ts), so the core skips SigV4 for it; this
// module then checks the trust anchor, the profile and the role, and issues a role session.
import { X509Certificate, createHash } from 'node:crypto';
import type { RawRequest, ServiceModule, ServiceRequest, SimContext, SimResponse } from '../types.js';
import { SimError } from '../types.js';
import type { SimRolesAnywhereProfile, SimTrustAnchor } from '../model.js';
import { authenticateX509Request, verifyCertificateChain } from './rolesanywhere-x509.js';

const MIN_DURATION = 900;
const MAX_DURATION = 43_200;
const DEFAULT_DURATION = 3600;
const ROLE_SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const ARN_PARAMS = ['trustAnchorArn', 'profileArn', 'roleArn'] as const;

const denied = (message: string) => new SimError('AccessDeniedException', message, 403);
const invalid = (message: string) => new SimError('ValidationException', message, 400);
const notFound = (message: string) => new SimError('ResourceNotFoundException', message, 404);

export const rolesAnywhereService: ServiceModule = {
  service: 'rolesanywhere',
  iamPrefix: 'rolesanywhere',
  authenticatesItself: true,
  parse: parseCreateSession,
  handle: createSession,
  errorResponse(err, requestId) {
    return {
      status: err.status,
      headers: {
        'content-type': 'application/json',
        'x-amzn-requestid': requestId,
        'x-amzn-errortype': err.code,
      },
      body: JSON.stringify({ message: err.message }),
    };
  },
};

/**
 * The parameters may travel in the JSON body (AWS's SDKs) or the query string (the Go signing
 * helper); both are accepted, and must agree when both are given.
 */
function parseCreateSession(raw: RawRequest): { operation: string; params: Record<string, unknown> } {
  if (raw.method !== 'POST' || raw.path !== '/sessions') {
    throw new SimError('UnknownOperationException', `No operation at ${raw.method} ${raw.path}`, 404);
  }
  let body: Record<string, unknown> = {};
  const text = raw.body.toString('utf8').trim();
  if (text) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw invalid('Request body is not valid JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw invalid('Request body must be a JSON object');
    body = parsed as Record<string, unknown>;
  }
  const params: Record<string, unknown> = { ...body };
  for (const [name, value] of new URLSearchParams(raw.rawQuery)) {
    if (params[name] !== undefined && String(params[name]) !== value) {
      throw invalid(`${name} differs between the query string and the body`);
    }
    params[name] = params[name] ?? value;
  }
  return { operation: 'CreateSession', params };
}

function createSession(req: ServiceRequest, ctx: SimContext): SimResponse {
  const now = ctx.clock();
  const auth = authenticateX509Request(req.raw, now);
  const { trustAnchorArn, profileArn, roleArn } = requiredArns(req.params);
  const region = auth.region;

  const anchor = ctx.rolesAnywhere.trustAnchors.get(trustAnchorArn);
  if (!anchor || anchor.region !== region)
    throw notFound(`Trust anchor ${trustAnchorArn} was not found in ${region}`);
  if (!anchor.enabled) throw denied(`Trust anchor ${trustAnchorArn} is disabled`);
  verifyCertificateChain(auth.leaf, auth.chain, anchorCertificates(anchor), now);

  const profile = ctx.rolesAnywhere.profiles.get(profileArn);
  if (!profile || profile.region !== region)
    throw notFound(`Profile ${profileArn} was not found in ${region}`);
  if (!profile.enabled) throw denied(`Profile ${profileArn} is disabled`);
  if (accountOf(profileArn) !== accountOf(trustAnchorArn))
    throw denied('The profile and the trust anchor belong to different accounts');
  if (!profile.roleArns.includes(roleArn))
    throw denied(`Role ${roleArn} is not one of the roles of profile ${profileArn}`);

  const role = ctx.world.roles.get(roleArn);
  if (!role || !role.trustsRolesAnywhere || role.accountId !== accountOf(trustAnchorArn)) {
    throw denied(`Roles Anywhere is not authorized to assume role ${roleArn}`);
  }

  const duration = effectiveDuration(req.params['durationSeconds'], profile);
  const sessionName = roleSessionName(req.params['roleSessionName'], profile, auth.leaf);
  const lifetime = ctx.knobs.credentialLifetimeSeconds ?? duration;
  const session = ctx.credentials.issueRoleSession(role, sessionName, now + lifetime * 1000);

  const body = {
    credentialSet: [
      {
        assumedRoleUser: { arn: session.assumedRoleArn, assumedRoleId: session.assumedRoleId },
        credentials: {
          accessKeyId: session.accessKeyId,
          secretAccessKey: session.secretAccessKey,
          sessionToken: session.sessionToken,
          expiration: session.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        },
        packedPolicySize: 0,
        roleArn,
        sourceIdentity: sourceIdentityOf(auth.leaf),
      },
    ],
    subjectArn: `arn:aws:rolesanywhere:${region}:${accountOf(trustAnchorArn)}:subject/${subjectIdOf(auth.leaf)}`,
  };
  return {
    status: 201,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': req.requestId },
    body: JSON.stringify(body),
  };
}

function requiredArns(params: Record<string, unknown>): Record<(typeof ARN_PARAMS)[number], string> {
  const out = {} as Record<(typeof ARN_PARAMS)[number], string>;
  for (const name of ARN_PARAMS) {
    const value = params[name];
    if (typeof value !== 'string' || value === '') throw invalid(`${name} is required`);
    out[name] = value;
  }
  return out;
}

/** min(profile, requested); the request may send a number (JSON) or a string (query). */
function effectiveDuration(requested: unknown, profile: SimRolesAnywhereProfile): number {
  let seconds = DEFAULT_DURATION;
  if (requested !== undefined && requested !== null) {
    seconds =
      typeof requested === 'string' && requested.trim() !== '' ? Number(requested) : (requested as number);
    if (
      typeof seconds !== 'number' ||
      !Number.isInteger(seconds) ||
      seconds < MIN_DURATION ||
      seconds > MAX_DURATION
    ) {
      throw invalid(
        `durationSeconds must be an integer from ${MIN_DURATION} to ${MAX_DURATION}, got ${JSON.stringify(requested)}`,
      );
    }
  }
  return Math.min(profile.durationSeconds, seconds);
}

/** The requested name when the profile accepts one; otherwise the certificate's serial number (hex). */
function roleSessionName(
  requested: unknown,
  profile: SimRolesAnywhereProfile,
  leaf: X509Certificate,
): string {
  if (requested === undefined || requested === null) return leaf.serialNumber.toLowerCase();
  if (typeof requested !== 'string' || !ROLE_SESSION_NAME.test(requested)) {
    throw invalid('roleSessionName must be 2 to 64 characters of letters, digits and +=,.@_-');
  }
  if (!profile.acceptRoleSessionName)
    throw denied(`Profile ${profile.arn} does not accept a role session name`);
  return requested;
}

/** Every CA certificate of the anchor; one PEM string may hold several (X509Certificate reads only the first). */
function anchorCertificates(anchor: SimTrustAnchor): X509Certificate[] {
  const blocks = anchor.caCertificatesPem.flatMap(
    (pem) => pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [],
  );
  return blocks.flatMap((block) => {
    try {
      return [new X509Certificate(block)];
    } catch {
      return [];
    }
  });
}

function accountOf(arn: string): string {
  return arn.split(':')[4] ?? '';
}

/** AWS reports the subject's CN as the session's source identity. */
function sourceIdentityOf(leaf: X509Certificate): string {
  const cn = leaf.subject.split('\n').find((line) => line.startsWith('CN='));
  return cn ?? leaf.subject.split('\n')[0] ?? '';
}

/** A stable UUID-shaped id per certificate (issuer + serial). */
function subjectIdOf(leaf: X509Certificate): string {
  const hex = createHash('sha256').update(`${leaf.issuer}|${leaf.serialNumber}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
