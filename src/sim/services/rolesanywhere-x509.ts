// Authenticates an IAM Roles Anywhere CreateSession request the way the service does: the
// AWS4-X509-*-SHA256 Authorization header, the X-Amz-X509 certificate (and chain), the scope and date,
// the signature over the canonical request rebuilt from the raw request, and the certificate chain up
// to a trust anchor's CA. Written apart from the client's signer on purpose: it shares only node:crypto
// (and the sim's own SigV4 canonicalization helpers), so a bug in one cannot hide the same bug in the other.
import { X509Certificate, verify } from 'node:crypto';
import type { RawRequest } from '../types.js';
import { SimError } from '../types.js';
import { canonicalQuery, canonicalUri, requestTime, sha256Hex } from '../sigv4.js';
import { allowsDigitalSignature, weakSignatureAlgorithm } from './rolesanywhere-der.js';

export interface X509Authentication {
  algorithm: 'AWS4-X509-RSA-SHA256' | 'AWS4-X509-ECDSA-SHA256';
  leaf: X509Certificate;
  /** Intermediates from X-Amz-X509-Chain, as sent. */
  chain: X509Certificate[];
  /** The Region of the credential scope. */
  region: string;
  signedAtMs: number;
}

const AUTHORIZATION =
  /^(AWS4-X509-(?:RSA|ECDSA)-SHA256) Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]+)$/;
const REQUIRED_SIGNED_HEADERS = ['content-type', 'host', 'x-amz-date', 'x-amz-x509'];
const MAX_SKEW_MS = 5 * 60 * 1000;
const MAX_CHAIN = 5;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

const denied = (message: string) => new SimError('AccessDeniedException', message, 403);
const invalid = (message: string) => new SimError('ValidationException', message, 400);

/** Checks everything the request itself proves; throws SimError (AccessDeniedException/ValidationException). */
export function authenticateX509Request(raw: RawRequest, nowMs: number): X509Authentication {
  const authorization = header(raw, 'authorization') ?? '';
  const m = AUTHORIZATION.exec(authorization);
  if (!m)
    throw denied(
      'Authorization header is not a valid AWS4-X509-RSA-SHA256 or AWS4-X509-ECDSA-SHA256 signature',
    );
  const algorithm = m[1] as X509Authentication['algorithm'];
  const credential = m[2]!.split('/');
  const signedHeaders = m[3]!.split(';');
  const signatureHex = m[4]!;

  if (credential.length !== 5)
    throw denied('Credential must be <serial>/<date>/<region>/rolesanywhere/aws4_request');
  const [serial, scopeDate, region, service, terminator] = credential as [
    string,
    string,
    string,
    string,
    string,
  ];
  if (service !== 'rolesanywhere' || terminator !== 'aws4_request') {
    throw denied(`Credential scope must end with /rolesanywhere/aws4_request, got /${service}/${terminator}`);
  }

  const amzDate = header(raw, 'x-amz-date');
  const signedAtMs = requestTime(raw);
  if (amzDate === undefined || signedAtMs === undefined)
    throw denied('X-Amz-Date is missing or not YYYYMMDDTHHMMSSZ');
  if (amzDate.slice(0, 8) !== scopeDate)
    throw denied(`Credential scope date ${scopeDate} does not match X-Amz-Date ${amzDate}`);
  if (Math.abs(nowMs - signedAtMs) > MAX_SKEW_MS) {
    throw denied(
      `Signature expired: ${amzDate} is not within 5 minutes of the server time ${new Date(nowMs).toISOString()}`,
    );
  }

  const leaf = decodeCertificate(header(raw, 'x-amz-x509'), 'X-Amz-X509');
  const chainHeader = header(raw, 'x-amz-x509-chain');
  const chainParts = chainHeader === undefined ? [] : chainHeader.split(',').map((part) => part.trim());
  if (chainParts.length > MAX_CHAIN)
    throw invalid(
      `X-Amz-X509-Chain holds ${chainParts.length} certificates; at most ${MAX_CHAIN} are allowed`,
    );
  const chain = chainParts.map((part, i) =>
    decodeCertificate(part, `X-Amz-X509-Chain certificate #${i + 1}`),
  );

  const keyType = leaf.publicKey.asymmetricKeyType;
  const expectedAlgorithm =
    keyType === 'rsa' ? 'AWS4-X509-RSA-SHA256' : keyType === 'ec' ? 'AWS4-X509-ECDSA-SHA256' : undefined;
  if (!expectedAlgorithm) throw denied(`Certificates with ${String(keyType)} keys are not supported`);
  if (algorithm !== expectedAlgorithm)
    throw denied(`Signing algorithm ${algorithm} does not match the certificate's ${String(keyType)} key`);

  if (!/^\d+$/.test(serial) || BigInt(serial) !== BigInt('0x' + leaf.serialNumber)) {
    throw denied(`Credential serial number ${serial} does not match the certificate's serial number`);
  }

  const sorted = [...signedHeaders].sort();
  if (signedHeaders.some((name, i) => name !== name.toLowerCase() || name !== sorted[i])) {
    throw denied('SignedHeaders must be lowercase and sorted');
  }
  const required =
    chainHeader === undefined ? REQUIRED_SIGNED_HEADERS : [...REQUIRED_SIGNED_HEADERS, 'x-amz-x509-chain'];
  const unsigned = required.filter((name) => !signedHeaders.includes(name));
  if (unsigned.length > 0) throw denied(`Headers must be signed: ${unsigned.join(', ')}`);
  const absent = signedHeaders.filter((name) => header(raw, name) === undefined);
  if (absent.length > 0) throw denied(`Signed headers are missing from the request: ${absent.join(', ')}`);

  const canonical = [
    raw.method.toUpperCase(),
    canonicalUri(raw.path),
    canonicalQuery(raw.rawQuery),
    signedHeaders.map((name) => `${name}:${header(raw, name) ?? ''}\n`).join(''),
    signedHeaders.join(';'),
    sha256Hex(raw.body),
  ].join('\n');
  const stringToSign = [
    algorithm,
    amzDate,
    `${scopeDate}/${region}/${service}/${terminator}`,
    sha256Hex(canonical),
  ].join('\n');
  let valid = false;
  try {
    // sha256 over the string to sign; RSA PKCS#1 v1.5, or ECDSA with a DER SEQUENCE{r,s} signature.
    valid = verify(
      'sha256',
      Buffer.from(stringToSign, 'utf8'),
      leaf.publicKey,
      Buffer.from(signatureHex, 'hex'),
    );
  } catch {
    valid = false;
  }
  if (!valid)
    throw denied('Signature validation failed: the signature does not match the request and the certificate');

  return { algorithm, leaf, chain, region, signedAtMs };
}

/**
 * What Roles Anywhere requires of the signing (end-entity) certificate itself: not a CA (basicConstraints
 * CA:FALSE or absent), a key usage extension that includes digitalSignature, and a signature made with
 * SHA-256 or stronger (MD5 and SHA-1 are refused). Throws AccessDeniedException otherwise.
 */
export function checkSigningCertificate(leaf: X509Certificate): void {
  if (leaf.ca)
    throw denied(
      'Untrusted signing certificate: it is a CA certificate (basicConstraints CA:TRUE); sign with an end-entity certificate',
    );
  let digitalSignature: boolean | undefined;
  let weak: string | undefined;
  try {
    digitalSignature = allowsDigitalSignature(leaf.raw);
    weak = weakSignatureAlgorithm(leaf.raw);
  } catch {
    throw denied('Untrusted signing certificate: its extensions or signature algorithm cannot be read');
  }
  if (digitalSignature !== true)
    throw denied(
      digitalSignature === undefined
        ? 'Untrusted signing certificate: it has no key usage extension; digitalSignature is required'
        : 'Untrusted signing certificate: its key usage does not include digitalSignature',
    );
  if (weak !== undefined)
    throw denied(`Untrusted signing certificate: it is signed with ${weak}; SHA-256 or stronger is required`);
}

/**
 * Checks the signing certificate (checkSigningCertificate), then walks from it through the sent
 * intermediates to a CA of the trust anchor; every certificate on the path must be inside its validity
 * window at `nowMs`. Throws AccessDeniedException otherwise.
 */
export function verifyCertificateChain(
  leaf: X509Certificate,
  chain: X509Certificate[],
  anchors: X509Certificate[],
  nowMs: number,
): void {
  checkSigningCertificate(leaf);
  checkWindow(leaf, nowMs, 'Signing certificate');
  const unused = [...chain];
  let current = leaf;
  for (let depth = 0; depth <= chain.length; depth++) {
    const anchor = anchors.find((ca) => ca.ca && issuedBy(current, ca));
    if (anchor) {
      checkWindow(anchor, nowMs, 'Trust anchor certificate');
      return;
    }
    const index = unused.findIndex((ca) => ca.ca && issuedBy(current, ca));
    if (index < 0) break;
    const next = unused.splice(index, 1)[0]!;
    checkWindow(next, nowMs, 'Intermediate certificate');
    current = next;
  }
  throw denied('Untrusted signing certificate');
}

function issuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function checkWindow(cert: X509Certificate, nowMs: number, what: string): void {
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  if (!(nowMs >= from)) throw denied(`${what} is not yet valid (valid from ${new Date(from).toISOString()})`);
  if (!(nowMs <= to)) throw denied(`${what} expired at ${new Date(to).toISOString()}`);
}

function decodeCertificate(value: string | undefined, what: string): X509Certificate {
  if (value === undefined || value === '') throw denied(`${what} header is missing`);
  if (!BASE64.test(value) || value.length % 4 !== 0) throw invalid(`${what} is not standard padded base64`);
  try {
    return new X509Certificate(Buffer.from(value, 'base64'));
  } catch {
    throw invalid(`${what} is not a DER X.509 certificate`);
  }
}

/** A header's canonical value: duplicates joined by ',', trimmed, inner whitespace runs collapsed. */
function header(raw: RawRequest, name: string): string | undefined {
  if (!Object.hasOwn(raw.headers, name)) return undefined;
  const value = raw.headers[name];
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value.join(',') : value).trim().replace(/\s+/g, ' ');
}
