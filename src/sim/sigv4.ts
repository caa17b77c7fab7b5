// Verifies AWS Signature Version 4 on an incoming request, independently of the SDK's signer: parses
// the Authorization header, rebuilds the canonical request from the raw request and recomputes the
// signature with the secret of the access key. Used by the sim's HTTP core for every AWS call.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { RawRequest } from './types.js';

export interface ParsedAuthorization {
  algorithm: string;
  accessKeyId: string;
  /** yyyymmdd */
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/** Reads `ALGO Credential=key/date/region/service/aws4_request, SignedHeaders=a;b, Signature=hex`. */
export function parseAuthorization(header: string): ParsedAuthorization | undefined {
  const m = /^(AWS4-[A-Z0-9-]+)\s+(.*)$/.exec(header.trim());
  if (!m) return undefined;
  const fields = new Map<string, string>();
  for (const part of (m[2] ?? '').split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!credential || !signedHeaders || !signature) return undefined;
  const scope = credential.split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request') return undefined;
  const [accessKeyId, date, region, service] = scope as [string, string, string, string];
  return {
    algorithm: m[1] ?? '',
    accessKeyId,
    date,
    region,
    service,
    signedHeaders: signedHeaders.split(';'),
    signature,
  };
}

/** RFC 3986 encoding as SigV4 wants it (unreserved characters stay, everything else %XX). */
export function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase(),
  );
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Non-S3 services: the path as sent on the wire (already percent-encoded by the client), normalized
 * ('.', '..' and empty segments removed) and URI-encoded once more — "encoded twice" relative to the
 * raw value, as the SDK's signer does.
 */
export function canonicalUri(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(rfc3986(segment));
  }
  const joined = '/' + segments.join('/');
  return segments.length > 0 && path.endsWith('/') ? joined + '/' : joined;
}

export function canonicalQuery(rawQuery: string): string {
  if (!rawQuery) return '';
  const pairs = rawQuery
    .split('&')
    .filter((p) => p.length > 0)
    .map((p) => {
      const eq = p.indexOf('=');
      const key = eq < 0 ? p : p.slice(0, eq);
      const value = eq < 0 ? '' : p.slice(eq + 1);
      return [rfc3986(safeDecode(key)), rfc3986(safeDecode(value))] as const;
    });
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function headerValue(raw: RawRequest, name: string): string | undefined {
  const v = raw.headers[name];
  if (v === undefined) return undefined;
  return (Array.isArray(v) ? v.join(',') : v).trim().replace(/\s+/g, ' ');
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function canonicalRequest(raw: RawRequest, signedHeaders: string[]): string {
  const headers = signedHeaders.map((name) => `${name}:${headerValue(raw, name) ?? ''}\n`).join('');
  // STS, EC2 and Organizations sign the payload: the canonical request always carries the hash of the
  // body as received. A declared x-amz-content-sha256 (even UNSIGNED-PAYLOAD, which only S3 honours)
  // must equal it (checked in verifySignature), so it cannot stand in for the body.
  const payloadHash = sha256Hex(raw.body);
  return [
    raw.method,
    canonicalUri(raw.path),
    canonicalQuery(raw.rawQuery),
    headers,
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
}

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const kDate = createHmac('sha256', 'AWS4' + secret)
    .update(date)
    .digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kService = createHmac('sha256', kRegion).update(service).digest();
  return createHmac('sha256', kService).update('aws4_request').digest();
}

/** The request's signing time (X-Amz-Date, basic ISO 8601) in epoch ms, or undefined when absent or malformed. */
export function requestTime(raw: RawRequest): number | undefined {
  const amzDate = headerValue(raw, 'x-amz-date');
  const m = amzDate ? /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate) : null;
  if (!m) return undefined;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

export type SignatureCheck =
  | { ok: true }
  | {
      ok: false;
      reason:
        | 'missing-date'
        | 'scope-date-mismatch'
        | 'host-not-signed'
        | 'date-not-signed'
        | 'signature-mismatch'
        | 'expired';
      detail: string;
    };

const MAX_SKEW_MS = 15 * 60 * 1000;

/** Epoch ms as basic ISO 8601 (20261123T010203Z), the X-Amz-Date form. */
function amzStamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** Checks the signature of a request whose Authorization was parsed, with the access key's secret. */
export function verifySignature(
  raw: RawRequest,
  auth: ParsedAuthorization,
  secret: string,
  nowMs: number,
): SignatureCheck {
  const signedAt = requestTime(raw);
  const amzDate = headerValue(raw, 'x-amz-date') ?? '';
  if (signedAt === undefined)
    return { ok: false, reason: 'missing-date', detail: 'X-Amz-Date is missing or malformed' };
  if (!amzDate.startsWith(auth.date)) {
    return {
      ok: false,
      reason: 'scope-date-mismatch',
      detail: `credential scope date ${auth.date} does not match X-Amz-Date ${amzDate}`,
    };
  }
  if (!auth.signedHeaders.includes('host'))
    return { ok: false, reason: 'host-not-signed', detail: "'Host' must be a signed header" };
  // The signing time is only proven when it is signed; an unsigned X-Amz-Date could be replayed with
  // any value, defeating the 15-minute window.
  if (!auth.signedHeaders.includes('x-amz-date'))
    return { ok: false, reason: 'date-not-signed', detail: "'X-Amz-Date' must be a signed header" };
  const declaredHash = headerValue(raw, 'x-amz-content-sha256');
  if (declaredHash !== undefined && declaredHash !== sha256Hex(raw.body)) {
    return {
      ok: false,
      reason: 'signature-mismatch',
      detail: 'The provided x-amz-content-sha256 header does not match what was computed.',
    };
  }
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = [
    auth.algorithm,
    amzDate,
    scope,
    sha256Hex(canonicalRequest(raw, auth.signedHeaders)),
  ].join('\n');
  const expected = createHmac('sha256', signingKey(secret, auth.date, auth.region, auth.service))
    .update(stringToSign)
    .digest();
  const given = Buffer.from(auth.signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return {
      ok: false,
      reason: 'signature-mismatch',
      detail: 'The request signature we calculated does not match the signature you provided.',
    };
  }
  if (nowMs - signedAt > MAX_SKEW_MS) {
    // AWS's wording: "Signature expired: <signed> is now earlier than <now - 15 min> (<now> - 15 min.)"
    return {
      ok: false,
      reason: 'expired',
      detail: `Signature expired: ${amzDate} is now earlier than ${amzStamp(nowMs - MAX_SKEW_MS)} (${amzStamp(nowMs)} - 15 min.)`,
    };
  }
  if (signedAt - nowMs > MAX_SKEW_MS) {
    return {
      ok: false,
      reason: 'expired',
      detail: `Signature not yet current: ${amzDate} is still later than ${amzStamp(nowMs + MAX_SKEW_MS)} (${amzStamp(nowMs)} + 15 min.)`,
    };
  }
  return { ok: true };
}
