// Reading the certificate chain and the private key from PEM files. Node's X509Certificate reads only
// the first PEM block of a bundle, so bundles are split here; the key is handed to createPrivateKey,
// which understands PKCS#1, SEC1, PKCS#8 and encrypted PKCS#8 (and legacy encrypted PEM).
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { RolesAnywhereConfigError } from './errors.js';
import type { RolesAnywhereOption } from './errors.js';
import { ENV_VAR_NAME } from '../../env-name.js';

/** AWS accepts at most five intermediates in X-Amz-X509-Chain. */
export const MAX_INTERMEDIATES = 5;

export interface PemBlock {
  /** The label after BEGIN, e.g. 'CERTIFICATE', 'EC PRIVATE KEY'. */
  label: string;
  /** The whole block, BEGIN to END line, headers included (encrypted PKCS#1/SEC1 need them). */
  text: string;
}

export interface CertificateChain {
  leaf: X509Certificate;
  /** In the order given: the certificate file's extra blocks first, then the intermediates file's. */
  intermediates: X509Certificate[];
  /** Where each intermediate came from, index for index (for error messages). */
  intermediateSources: Array<{ option: 'certificate' | 'intermediates'; path: string }>;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?-----END \1-----/g;
const PRIVATE_KEY_LABELS = new Set([
  'PRIVATE KEY',
  'RSA PRIVATE KEY',
  'EC PRIVATE KEY',
  'ENCRYPTED PRIVATE KEY',
]);

/** Every PEM block in a text, in order; text outside blocks (comments, bag attributes) is ignored. */
export function splitPem(text: string): PemBlock[] {
  return [...text.matchAll(PEM_BLOCK)].map((m) => ({ label: m[1]!, text: m[0] }));
}

/** The leaf (first certificate of `certificatePath`) and its intermediates, at most MAX_INTERMEDIATES. */
export function loadCertificateChain(certificatePath: string, intermediatesPath?: string): CertificateChain {
  const [leaf, ...rest] = readCertificates(certificatePath, 'certificate');
  if (!leaf) {
    throw new RolesAnywhereConfigError('certificate', 'contains no PEM CERTIFICATE block', certificatePath);
  }
  const extra = intermediatesPath ? readCertificates(intermediatesPath, 'intermediates') : [];
  if (intermediatesPath && extra.length === 0) {
    throw new RolesAnywhereConfigError(
      'intermediates',
      'contains no PEM CERTIFICATE block',
      intermediatesPath,
    );
  }
  const intermediates = [...rest, ...extra];
  if (intermediates.length > MAX_INTERMEDIATES) {
    throw new RolesAnywhereConfigError(
      intermediatesPath ? 'intermediates' : 'certificate',
      `${intermediates.length} intermediate certificates given; Roles Anywhere accepts at most ${MAX_INTERMEDIATES}`,
      intermediatesPath ?? certificatePath,
    );
  }
  const intermediateSources = [
    ...rest.map(() => ({ option: 'certificate' as const, path: certificatePath })),
    ...extra.map(() => ({ option: 'intermediates' as const, path: intermediatesPath ?? certificatePath })),
  ];
  return { leaf, intermediates, intermediateSources };
}

/** The passphrase from the environment variable or file the options name; undefined when neither is set. */
export function readPassphrase(
  options: { passphraseEnv?: string; passphraseFile?: string },
  env: NodeJS.ProcessEnv,
): string | undefined {
  const { passphraseEnv, passphraseFile } = options;
  if (passphraseEnv !== undefined && passphraseFile !== undefined) {
    throw new RolesAnywhereConfigError('passphraseEnv', 'set only one of passphraseEnv and passphraseFile');
  }
  if (passphraseEnv !== undefined) {
    // Someone may have put the passphrase itself here: never echo the value.
    if (!ENV_VAR_NAME.test(passphraseEnv)) {
      throw new RolesAnywhereConfigError(
        'passphraseEnv',
        'must be the name of an environment variable, not the passphrase',
      );
    }
    const value = env[passphraseEnv];
    if (value === undefined || value === '') {
      // Name the variable only when it looks like one by convention (upper case); a passphrase that
      // happens to fit the name pattern must not reach the message.
      const named = /^[A-Z][A-Z0-9_]*$/.test(passphraseEnv)
        ? `environment variable ${passphraseEnv}`
        : 'the environment variable named by passphraseEnv (name not shown: it is not an upper-case variable name — is it the passphrase itself?)';
      throw new RolesAnywhereConfigError('passphraseEnv', `${named} is not set or empty`);
    }
    return value;
  }
  if (passphraseFile !== undefined) {
    const value = readText(passphraseFile, 'passphraseFile').replace(/\r?\n$/, '');
    if (value === '') throw new RolesAnywhereConfigError('passphraseFile', 'is empty', passphraseFile);
    return value;
  }
  return undefined;
}

/** The one private key in `path`, decrypted with `passphrase` when it is encrypted. */
export function loadPrivateKey(path: string, passphrase: string | undefined): KeyObject {
  const blocks = splitPem(readText(path, 'privateKey')).filter((b) => PRIVATE_KEY_LABELS.has(b.label));
  const [block, ...others] = blocks;
  if (!block) {
    throw new RolesAnywhereConfigError(
      'privateKey',
      'contains no PEM private key (PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY or ENCRYPTED PRIVATE KEY)',
      path,
    );
  }
  if (others.length > 0) {
    throw new RolesAnywhereConfigError(
      'privateKey',
      `contains ${blocks.length} private keys; give exactly one`,
      path,
    );
  }
  const encrypted = block.label === 'ENCRYPTED PRIVATE KEY' || /^Proc-Type:\s*4,ENCRYPTED/m.test(block.text);
  if (encrypted && passphrase === undefined) {
    throw new RolesAnywhereConfigError(
      'privateKey',
      'is encrypted but no passphrase is configured: set passphraseEnv or passphraseFile',
      path,
    );
  }
  try {
    return createPrivateKey(passphrase === undefined ? { key: block.text } : { key: block.text, passphrase });
  } catch (err) {
    throw keyError(err, path, encrypted);
  }
}

// OpenSSL's messages are safe, but only its codes are used: nothing of the key or passphrase can leak.
function keyError(err: unknown, path: string, encrypted: boolean): RolesAnywhereConfigError {
  const code = (err as { code?: unknown }).code;
  if (code === 'ERR_OSSL_BAD_DECRYPT' || (encrypted && code === 'ERR_OSSL_CRYPTO_INTERRUPTED_OR_CANCELLED')) {
    return new RolesAnywhereConfigError('privateKey', 'could not be decrypted: wrong passphrase', path);
  }
  if (code === 'ERR_OSSL_CRYPTO_INTERRUPTED_OR_CANCELLED') {
    return new RolesAnywhereConfigError('privateKey', 'is encrypted but no passphrase is configured', path);
  }
  return new RolesAnywhereConfigError(
    'privateKey',
    `is not a readable private key (PKCS#1, SEC1, PKCS#8 or encrypted PKCS#8)${typeof code === 'string' ? ` [${code}]` : ''}`,
    path,
  );
}

function readCertificates(path: string, option: 'certificate' | 'intermediates'): X509Certificate[] {
  const blocks = splitPem(readText(path, option)).filter((b) => b.label === 'CERTIFICATE');
  return blocks.map((block, index) => {
    try {
      return new X509Certificate(block.text);
    } catch {
      throw new RolesAnywhereConfigError(
        option,
        `certificate #${index + 1} is not a valid X.509 certificate`,
        path,
      );
    }
  });
}

function readText(path: string, option: RolesAnywhereOption): string {
  if (typeof path !== 'string' || path === '') {
    throw new RolesAnywhereConfigError(option, 'must be a file path');
  }
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const why =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EACCES'
          ? 'permission denied'
          : `cannot be read (${String(code)})`;
    throw new RolesAnywhereConfigError(option, why, path);
  }
}
