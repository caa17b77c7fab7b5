// Signing certificates IAM Roles Anywhere refuses, beyond what the shared fixtures make: an end-entity
// certificate whose key usage lacks digitalSignature, one with no key usage extension at all, and one
// its (RSA) issuer signed with SHA-1. Built with @peculiar/x509 on the fixtures' keys and issuers; a CA
// certificate used as the leaf comes straight from the fixtures (makeCertificate with `ca: true`).
import { webcrypto } from 'node:crypto';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { generateKey } from '../credentials/roles-anywhere-fixtures.js';
import type { TestCertificate } from '../credentials/roles-anywhere-fixtures.js';

x509.cryptoProvider.set(webcrypto);

export type OddLeaf = 'no-digital-signature' | 'no-key-usage' | 'sha1-signed';

const DAY = 86_400_000;
let serial = 0x7000;

/** An RSA end-entity certificate issued by `issuer` (an RSA CA from the fixtures), made odd as asked. */
export async function makeOddLeaf(
  issuer: TestCertificate,
  kind: OddLeaf,
  name = kind,
): Promise<TestCertificate> {
  if (issuer.spec !== 'rsa') throw new Error('makeOddLeaf needs an RSA issuer');
  const { privateKey, publicKey } = generateKey('rsa');
  const hash = kind === 'sha1-signed' ? 'SHA-1' : 'SHA-256';
  const rsa = { name: 'RSASSA-PKCS1-v1_5', hash } as const;
  const issuerKey = await webcrypto.subtle.importKey(
    'pkcs8',
    issuer.key.export({ format: 'der', type: 'pkcs8' }),
    rsa,
    false,
    ['sign'],
  );
  const leafPublic = await webcrypto.subtle.importKey(
    'spki',
    publicKey.export({ format: 'der', type: 'spki' }),
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    true,
    ['verify'],
  );
  const leafPrivate = await webcrypto.subtle.importKey(
    'pkcs8',
    privateKey.export({ format: 'der', type: 'pkcs8' }),
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    true,
    ['sign'],
  );
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(false, undefined, true)];
  if (kind === 'no-digital-signature')
    extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyEncipherment, true));
  if (kind === 'sha1-signed')
    extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true));
  serial += 1;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial.toString(16),
    subject: `CN=${name}, O=orgraph tests`,
    issuer: new x509.X509Certificate(issuer.certPem).subject,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 30 * DAY),
    signingAlgorithm: rsa,
    publicKey: leafPublic,
    signingKey: issuerKey,
    extensions,
  });
  return {
    certPem: cert.toString('pem'),
    key: privateKey,
    spec: 'rsa',
    signingKey: leafPrivate,
    subject: cert.subject,
  };
}
