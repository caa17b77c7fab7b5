// The CreateSession signature: SigV4's canonical request and string to sign, signed with the
// certificate's private key instead of an HMAC (AWS4-X509-RSA-SHA256 / AWS4-X509-ECDSA-SHA256).
// Pure: no I/O, no clock — the caller passes the date, so known-answer vectors can be reproduced.
import { createHash, sign } from 'node:crypto';
import type { KeyObject, X509Certificate } from 'node:crypto';

export type X509SigningAlgorithm = 'AWS4-X509-RSA-SHA256' | 'AWS4-X509-ECDSA-SHA256';

export const ROLES_ANYWHERE_SERVICE = 'rolesanywhere';
export const CREATE_SESSION_PATH = '/sessions';

/** EC curves Roles Anywhere signs with (both hash with SHA-256). */
export const SUPPORTED_EC_CURVES: ReadonlySet<string> = new Set(['prime256v1', 'secp384r1']);

export type QueryParams = Readonly<Record<string, string>> | ReadonlyArray<readonly [string, string]>;

export interface CanonicalRequestParts {
  method: string;
  path: string;
  query?: QueryParams;
  /** The headers to sign, any case; all of them are signed. */
  headers: Readonly<Record<string, string>>;
  body: string | Buffer;
}

export interface CreateSessionSigningInput {
  /** The Host header value: `new URL(endpoint).host`, port included when not the default. */
  host: string;
  region: string;
  /** YYYYMMDDTHHMMSSZ, see formatAmzDate. */
  amzDate: string;
  certificate: X509Certificate;
  intermediates?: readonly X509Certificate[];
  privateKey: KeyObject;
  /** Parameters sent in the query string (the Go helper sends the ARNs there); none by default. */
  query?: QueryParams;
  body: string;
}

export interface SignedCreateSessionRequest {
  /** Every header to send, Authorization included. */
  headers: Record<string, string>;
  /** The path and query to request, e.g. '/sessions?profileArn=...'. */
  pathAndQuery: string;
  canonicalRequest: string;
  stringToSign: string;
  /** Lowercase hex. */
  signature: string;
  authorization: string;
}

/** The algorithm for a key, or undefined when Roles Anywhere cannot use it (RSA-PSS, Ed25519, P-521...). */
export function signingAlgorithmFor(key: KeyObject): X509SigningAlgorithm | undefined {
  if (key.asymmetricKeyType === 'rsa') return 'AWS4-X509-RSA-SHA256';
  if (
    key.asymmetricKeyType === 'ec' &&
    SUPPORTED_EC_CURVES.has(String(key.asymmetricKeyDetails?.namedCurve))
  ) {
    return 'AWS4-X509-ECDSA-SHA256';
  }
  return undefined;
}

/** UTC YYYYMMDDTHHMMSSZ. */
export function formatAmzDate(epochMs: number): string {
  return new Date(epochMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** X509Certificate.serialNumber is hex; the Credential= field wants it in decimal. */
export function serialNumberDecimal(certificate: X509Certificate): string {
  return BigInt('0x' + certificate.serialNumber).toString(10);
}

/** RFC 3986 percent-encoding: everything but A-Z a-z 0-9 - _ . ~ */
export function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase(),
  );
}

/** Sorted by encoded name, then encoded value. */
export function canonicalQueryString(query: QueryParams | undefined): string {
  if (!query) return '';
  const pairs: ReadonlyArray<readonly [string, string]> = Array.isArray(query)
    ? (query as ReadonlyArray<readonly [string, string]>)
    : Object.entries(query);
  return pairs
    .map(([name, value]) => [encodeRfc3986(name), encodeRfc3986(value)] as const)
    .sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** Lowercased names sorted; values trimmed with inner runs of spaces collapsed. */
export function canonicalHeaders(headers: Readonly<Record<string, string>>): {
  block: string;
  signedHeaders: string;
} {
  const entries = Object.entries(headers)
    .map(([name, value]) => [name.toLowerCase(), value.trim().replace(/ +/g, ' ')] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    block: entries.map(([name, value]) => `${name}:${value}\n`).join(''),
    signedHeaders: entries.map(([name]) => name).join(';'),
  };
}

export function canonicalRequest(parts: CanonicalRequestParts): string {
  const { block, signedHeaders } = canonicalHeaders(parts.headers);
  return [
    parts.method.toUpperCase(),
    parts.path,
    canonicalQueryString(parts.query),
    block,
    signedHeaders,
    sha256Hex(parts.body),
  ].join('\n');
}

export function credentialScope(amzDate: string, region: string): string {
  return `${amzDate.slice(0, 8)}/${region}/${ROLES_ANYWHERE_SERVICE}/aws4_request`;
}

export function stringToSign(
  algorithm: X509SigningAlgorithm,
  amzDate: string,
  scope: string,
  canonical: string,
): string {
  return [algorithm, amzDate, scope, sha256Hex(canonical)].join('\n');
}

/** RSA: PKCS#1 v1.5 over SHA-256; EC: ECDSA over SHA-256, DER SEQUENCE{r,s}. Lowercase hex. */
export function signString(text: string, privateKey: KeyObject): string {
  return sign('sha256', Buffer.from(text, 'utf8'), privateKey).toString('hex');
}

export function authorizationHeader(
  algorithm: X509SigningAlgorithm,
  serialDecimal: string,
  scope: string,
  signedHeaders: string,
  signature: string,
): string {
  return `${algorithm} Credential=${serialDecimal}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

/** Builds and signs a CreateSession request: headers (Authorization included) and the path to call. */
export function signCreateSessionRequest(input: CreateSessionSigningInput): SignedCreateSessionRequest {
  const algorithm = signingAlgorithmFor(input.privateKey);
  if (!algorithm) {
    throw new Error(`Roles Anywhere cannot sign with a ${String(input.privateKey.asymmetricKeyType)} key`);
  }
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Host: input.host,
    'X-Amz-Date': input.amzDate,
    'X-Amz-X509': input.certificate.raw.toString('base64'),
  };
  const intermediates = input.intermediates ?? [];
  if (intermediates.length > 0) {
    headers['X-Amz-X509-Chain'] = intermediates.map((c) => c.raw.toString('base64')).join(',');
  }
  const canonical = canonicalRequest({
    method: 'POST',
    path: CREATE_SESSION_PATH,
    query: input.query,
    headers,
    body: input.body,
  });
  const scope = credentialScope(input.amzDate, input.region);
  const toSign = stringToSign(algorithm, input.amzDate, scope, canonical);
  const signature = signString(toSign, input.privateKey);
  const { signedHeaders } = canonicalHeaders(headers);
  const authorization = authorizationHeader(
    algorithm,
    serialNumberDecimal(input.certificate),
    scope,
    signedHeaders,
    signature,
  );
  const query = canonicalQueryString(input.query);
  return {
    headers: { ...headers, Authorization: authorization },
    pathAndQuery: query ? `${CREATE_SESSION_PATH}?${query}` : CREATE_SESSION_PATH,
    canonicalRequest: canonical,
    stringToSign: toSign,
    signature,
    authorization,
  };
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
