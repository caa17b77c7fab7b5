// Every check that can be made without the network, in the order a person would fix them: the ARNs and
// numbers, then the certificate chain (what Roles Anywhere requires of the signing certificate, and the
// dates), then the key (type, passphrase, match).
import type { KeyObject, X509Certificate } from 'node:crypto';
import { defaultRolesAnywhereEndpoint, parseProfileArn, parseRoleArn, parseTrustAnchorArn } from './arn.js';
import { RolesAnywhereConfigError } from './errors.js';
import { resolveEndpoint } from '../../aws/endpoints.js';
import type { RolesAnywhereOption } from './errors.js';
import {
  DEFAULT_DURATION_SECONDS,
  DEFAULT_REFRESH_WINDOW_SECONDS,
  MAX_DURATION_SECONDS,
  MIN_DURATION_SECONDS,
} from './options.js';
import type { RolesAnywhereOptions } from './options.js';
import { loadCertificateChain, loadPrivateKey, readPassphrase } from './pem.js';
import { serialNumberDecimal, signingAlgorithmFor } from './signer.js';
import type { X509SigningAlgorithm } from './signer.js';

export interface ValidationDeps {
  /** Epoch ms; the certificate's validity window is checked against it. */
  clock?: () => number;
  env?: NodeJS.ProcessEnv;
}

/** Resolved, checked settings (no secrets). */
export interface RolesAnywhereSettings {
  trustAnchorArn: string;
  profileArn: string;
  roleArn: string;
  partition: string;
  region: string;
  endpoint: string;
  durationSeconds: number;
  roleSessionName?: string;
  refreshWindowSeconds: number;
}

/** The loaded certificate chain and key. The KeyObject never prints its contents. */
export interface RolesAnywhereMaterial {
  certificate: X509Certificate;
  intermediates: X509Certificate[];
  privateKey: KeyObject;
  algorithm: X509SigningAlgorithm;
}

/** What `doctor` can show: nothing secret. */
export interface RolesAnywhereSummary {
  trustAnchorArn: string;
  profileArn: string;
  roleArn: string;
  region: string;
  endpoint: string;
  durationSeconds: number;
  certificateSubject: string;
  certificateIssuer: string;
  /** Decimal, as in the Credential= field. */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** e.g. 'RSA 2048' or 'EC P-384'. */
  keyType: string;
  algorithm: X509SigningAlgorithm;
  intermediates: number;
}

export interface LoadedRolesAnywhere {
  settings: RolesAnywhereSettings;
  material: RolesAnywhereMaterial;
  summary: RolesAnywhereSummary;
}

const ROLE_SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const CURVE_NAMES: Readonly<Record<string, string>> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};

/** Checks the options, files, dates and key without any network call; throws RolesAnywhereConfigError. */
export function validateRolesAnywhere(
  options: RolesAnywhereOptions,
  deps: ValidationDeps = {},
): RolesAnywhereSummary {
  return loadRolesAnywhere(options, deps).summary;
}

/** validateRolesAnywhere, also returning the loaded key and certificates for signing. */
export function loadRolesAnywhere(
  options: RolesAnywhereOptions,
  deps: ValidationDeps = {},
): LoadedRolesAnywhere {
  const env = deps.env ?? process.env;
  const now = (deps.clock ?? Date.now)();
  const settings = resolveSettings(options, env);

  const { leaf, intermediates, intermediateSources } = loadCertificateChain(
    options.certificate,
    options.intermediates,
  );
  checkSigningCertificate(leaf, options.certificate);
  checkValidity(leaf, now, 'certificate', options.certificate, 'certificate');
  intermediates.forEach((cert, i) => {
    const source = intermediateSources[i] ?? { option: 'certificate', path: options.certificate };
    checkValidity(
      cert,
      now,
      source.option,
      source.path,
      `intermediate certificate "${oneLine(cert.subject)}"`,
    );
  });

  const privateKey = loadPrivateKey(options.privateKey, readPassphrase(options, env));
  const algorithm = signingAlgorithmFor(privateKey);
  if (!algorithm) {
    throw new RolesAnywhereConfigError(
      'privateKey',
      `${describeKey(privateKey)} keys are not supported (use RSA or EC P-256/P-384)`,
      options.privateKey,
    );
  }
  if (!leaf.checkPrivateKey(privateKey)) {
    throw new RolesAnywhereConfigError(
      'privateKey',
      `does not match the certificate ${options.certificate} (subject "${oneLine(leaf.subject)}")`,
      options.privateKey,
    );
  }

  const summary: RolesAnywhereSummary = {
    trustAnchorArn: settings.trustAnchorArn,
    profileArn: settings.profileArn,
    roleArn: settings.roleArn,
    region: settings.region,
    endpoint: settings.endpoint,
    durationSeconds: settings.durationSeconds,
    certificateSubject: oneLine(leaf.subject),
    certificateIssuer: oneLine(leaf.issuer),
    serialNumber: serialNumberDecimal(leaf),
    notBefore: new Date(leaf.validFrom),
    notAfter: new Date(leaf.validTo),
    keyType: describeKey(privateKey),
    algorithm,
    intermediates: intermediates.length,
  };
  return { settings, material: { certificate: leaf, intermediates, privateKey, algorithm }, summary };
}

function resolveSettings(options: RolesAnywhereOptions, env: NodeJS.ProcessEnv): RolesAnywhereSettings {
  const anchor = parseTrustAnchorArn(options.trustAnchorArn);
  const profile = parseProfileArn(options.profileArn);
  const role = parseRoleArn(options.roleArn);
  if (profile.region !== anchor.region || profile.partition !== anchor.partition) {
    throw new RolesAnywhereConfigError(
      'profileArn',
      `is in ${profile.partition}/${profile.region} but the trust anchor is in ${anchor.partition}/${anchor.region}; both must be in the same Region`,
    );
  }
  if (role.partition !== anchor.partition) {
    throw new RolesAnywhereConfigError(
      'roleArn',
      `is in partition ${role.partition}, the trust anchor in ${anchor.partition}`,
    );
  }

  const durationSeconds = options.durationSeconds ?? DEFAULT_DURATION_SECONDS;
  if (
    !Number.isInteger(durationSeconds) ||
    durationSeconds < MIN_DURATION_SECONDS ||
    durationSeconds > MAX_DURATION_SECONDS
  ) {
    throw new RolesAnywhereConfigError(
      'durationSeconds',
      `must be a whole number of seconds from ${MIN_DURATION_SECONDS} to ${MAX_DURATION_SECONDS}, got ${String(durationSeconds)}`,
    );
  }
  const refreshWindowSeconds = options.refreshWindowSeconds ?? DEFAULT_REFRESH_WINDOW_SECONDS;
  if (
    typeof refreshWindowSeconds !== 'number' ||
    !Number.isFinite(refreshWindowSeconds) ||
    refreshWindowSeconds < 0
  ) {
    throw new RolesAnywhereConfigError(
      'refreshWindowSeconds',
      `must be a number of seconds ≥ 0, got ${String(refreshWindowSeconds)}`,
    );
  }
  if (options.roleSessionName !== undefined && !ROLE_SESSION_NAME.test(options.roleSessionName)) {
    throw new RolesAnywhereConfigError(
      'roleSessionName',
      `must be 2 to 64 characters of letters, digits and +=,.@_-, got ${JSON.stringify(String(options.roleSessionName).slice(0, 80))}`,
    );
  }

  const fips = options.useFipsEndpoint ?? env.AWS_USE_FIPS_ENDPOINT === 'true';
  // Environment overrides follow the same rules as every other service (empty = unset,
  // AWS_IGNORE_CONFIGURED_ENDPOINT_URLS honoured).
  const endpoint =
    options.endpoint ??
    resolveEndpoint('rolesanywhere', {}, env) ??
    defaultRolesAnywhereEndpoint(anchor.partition, anchor.region, fips);
  checkEndpoint(endpoint);

  return {
    trustAnchorArn: options.trustAnchorArn,
    profileArn: options.profileArn,
    roleArn: options.roleArn,
    partition: anchor.partition,
    region: anchor.region,
    endpoint,
    durationSeconds,
    ...(options.roleSessionName !== undefined ? { roleSessionName: options.roleSessionName } : {}),
    refreshWindowSeconds,
  };
}

function checkEndpoint(endpoint: string): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new RolesAnywhereConfigError('endpoint', `${JSON.stringify(endpoint)} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new RolesAnywhereConfigError('endpoint', `must be an http or https URL, got ${url.protocol}`);
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.username || url.password) {
    throw new RolesAnywhereConfigError(
      'endpoint',
      'must be a scheme, host and optional port only (no path, query or user)',
    );
  }
}

function checkValidity(
  cert: X509Certificate,
  now: number,
  option: RolesAnywhereOption,
  path: string,
  what: string,
): void {
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  if (now < notBefore.getTime()) {
    throw new RolesAnywhereConfigError(
      option,
      `${what} is not valid yet: valid from ${notBefore.toISOString()} (now ${new Date(now).toISOString()})`,
      path,
    );
  }
  if (now > notAfter.getTime()) {
    throw new RolesAnywhereConfigError(
      option,
      `${what} has expired: valid until ${notAfter.toISOString()} (now ${new Date(now).toISOString()})`,
      path,
    );
  }
}

/**
 * What IAM Roles Anywhere requires of the signing (end-entity) certificate; it refuses the others with
 * AccessDeniedException "Untrusted signing certificate". Caught here, before any network call.
 */
function checkSigningCertificate(cert: X509Certificate, path: string): void {
  const refuse = (why: string) =>
    new RolesAnywhereConfigError(
      'certificate',
      `${why}; Roles Anywhere only accepts an end-entity certificate whose key usage includes digitalSignature, signed with SHA-256 or stronger (subject "${oneLine(cert.subject)}")`,
      path,
    );
  if (cert.ca) throw refuse('is a CA certificate (basicConstraints CA:TRUE)');
  let facts: SigningCertificateFacts;
  try {
    facts = signingCertificateFacts(cert.raw);
  } catch {
    throw refuse('has extensions or a signature algorithm that cannot be read');
  }
  if (facts.digitalSignature === undefined) throw refuse('has no key usage extension');
  if (!facts.digitalSignature) throw refuse('has a key usage without digitalSignature');
  if (facts.weakSignature !== undefined) throw refuse(`is signed with ${facts.weakSignature}`);
}

// ---- the two certificate facts Node's X509Certificate does not expose, read from the DER -----------

interface SigningCertificateFacts {
  /** Undefined when the certificate has no key usage extension. */
  digitalSignature?: boolean;
  /** The signature algorithm's name when it hashes with MD2/MD4/MD5 or SHA-1. */
  weakSignature?: string;
}

interface Der {
  tag: number;
  start: number;
  end: number;
}

function derAt(der: Uint8Array, pos: number, limit: number): Der {
  if (pos + 2 > limit) throw new Error('truncated DER');
  const tag = der[pos] as number;
  let length = der[pos + 1] as number;
  let start = pos + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count < 1 || count > 4 || start + count > limit) throw new Error('bad DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (der[start + i] as number);
    start += count;
  }
  if (start + length > limit) throw new Error('truncated DER');
  return { tag, start, end: start + length };
}

function derChildren(der: Uint8Array, parent: Der): Der[] {
  const out: Der[] = [];
  for (let pos = parent.start; pos < parent.end; pos = (out[out.length - 1] as Der).end)
    out.push(derAt(der, pos, parent.end));
  return out;
}

/** An OBJECT IDENTIFIER's content bytes as hex, compared with the DER encodings below. */
function oidHex(der: Uint8Array, node: Der | undefined): string {
  if (node?.tag !== 0x06) throw new Error('expected an OID');
  return Buffer.from(der.subarray(node.start, node.end)).toString('hex');
}

/** DER content bytes of signature algorithms over MD2/MD4/MD5/SHA-1 (RSA, OIW RSA, DSA, ECDSA). */
const WEAK_SIGNATURE_OIDS: Readonly<Record<string, string>> = {
  '2a864886f70d010102': 'md2WithRSAEncryption',
  '2a864886f70d010103': 'md4WithRSAEncryption',
  '2a864886f70d010104': 'md5WithRSAEncryption',
  '2a864886f70d010105': 'sha1WithRSAEncryption',
  '2b0e03021d': 'sha1WithRSASignature',
  '2a8648ce380403': 'dsa-with-sha1',
  '2a8648ce3d0401': 'ecdsa-with-SHA1',
};
const RSASSA_PSS_OID = '2a864886f70d01010a';
const SHA1_OID = '2b0e03021a';
const KEY_USAGE_OID = '551d0f';

function signingCertificateFacts(der: Uint8Array): SigningCertificateFacts {
  const [tbs, algorithm] = derChildren(der, derAt(der, 0, der.length));
  if (tbs?.tag !== 0x30 || algorithm?.tag !== 0x30) throw new Error('not a certificate');
  const facts: SigningCertificateFacts = {};

  const [algorithmOid, params] = derChildren(der, algorithm);
  const oid = oidHex(der, algorithmOid);
  facts.weakSignature = WEAK_SIGNATURE_OIDS[oid];
  if (oid === RSASSA_PSS_OID) {
    // RSASSA-PSS-params: hashAlgorithm [0] defaults to SHA-1.
    const hash = params?.tag === 0x30 ? derChildren(der, params).find((n) => n.tag === 0xa0) : undefined;
    const hashAlgorithm = hash ? derChildren(der, hash)[0] : undefined;
    const hashOid = hashAlgorithm ? oidHex(der, derChildren(der, hashAlgorithm)[0]) : SHA1_OID;
    if (hashOid === SHA1_OID) facts.weakSignature = 'RSASSA-PSS with SHA-1';
  }

  const extensions = derChildren(der, tbs).find((n) => n.tag === 0xa3);
  const list = extensions ? derChildren(der, extensions)[0] : undefined;
  for (const extension of list ? derChildren(der, list) : []) {
    const [id, ...rest] = derChildren(der, extension);
    if (oidHex(der, id) !== KEY_USAGE_OID) continue;
    const value = rest.find((n) => n.tag === 0x04);
    if (!value) throw new Error('malformed key usage');
    const bits = derAt(der, value.start, value.end);
    if (bits.tag !== 0x03) throw new Error('malformed key usage');
    // After the unused-bits byte, digitalSignature is the first byte's most significant bit.
    facts.digitalSignature = bits.end - bits.start >= 2 && ((der[bits.start + 1] as number) & 0x80) !== 0;
  }
  return facts;
}

function describeKey(key: KeyObject): string {
  const type = String(key.asymmetricKeyType);
  const details = key.asymmetricKeyDetails;
  if (type === 'rsa') return `RSA ${details?.modulusLength ?? ''}`.trim();
  if (type === 'ec') {
    const curve = String(details?.namedCurve);
    return `EC ${CURVE_NAMES[curve] ?? curve}`;
  }
  if (type === 'rsa-pss') return 'RSA-PSS';
  if (type === 'ed25519') return 'Ed25519';
  if (type === 'ed448') return 'Ed448';
  return type.toUpperCase();
}

/** X509Certificate.subject is one attribute per line; messages want 'C=US, O=..., CN=...'. */
function oneLine(name: string): string {
  return name.replace(/\n/g, ', ');
}
