// Every check that can be made without the network, in the order a person would fix them: the ARNs and
// numbers, then the certificate chain and its dates, then the key (type, passphrase, match).
import type { KeyObject, X509Certificate } from 'node:crypto';
import { defaultRolesAnywhereEndpoint, parseProfileArn, parseRoleArn, parseTrustAnchorArn } from './arn.js';
import { RolesAnywhereConfigError } from './errors.js';
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
  const endpoint =
    options.endpoint ??
    env.AWS_ENDPOINT_URL_ROLESANYWHERE ??
    env.AWS_ENDPOINT_URL ??
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
