import { describe, it, expect } from 'vitest';
import { X509Certificate, createPrivateKey, generateKeyPairSync, verify } from 'node:crypto';
import {
  canonicalHeaders,
  canonicalQueryString,
  canonicalRequest,
  credentialScope,
  encodeRfc3986,
  formatAmzDate,
  serialNumberDecimal,
  signCreateSessionRequest,
  signingAlgorithmFor,
  stringToSign,
} from '../../src/credentials/roles-anywhere/signer.js';
import { amzDateToMs, loadVectors, vectorDirectory } from './roles-anywhere-fixtures.js';

const vectors = loadVectors();

function signVector(name: string) {
  const v = vectors.case(name);
  const certificate = new X509Certificate(vectors.file(v.certificate));
  const privateKey = createPrivateKey(vectors.file(v.privateKey));
  const signed = signCreateSessionRequest({
    host: v.host,
    region: v.region,
    amzDate: v.amzDate,
    certificate,
    privateKey,
    query: { profileArn: v.profileArn, roleArn: v.roleArn, trustAnchorArn: v.trustAnchorArn },
    body: v.body,
  });
  return { v, certificate, signed };
}

describe('Roles Anywhere signer: known-answer vectors', () => {
  it('finds the vectors beside the repository or in /work/shared', () => {
    expect(vectorDirectory()).toMatch(/shared\/vectors\/roles-anywhere\/?$/);
    expect(vectors.cases.map((c) => c.name)).toEqual(['rsa-known-answer', 'ecdsa-p384-verify']);
  });

  it('reproduces the RSA Authorization header byte for byte', () => {
    const { v, signed } = signVector('rsa-known-answer');
    expect(signed.authorization).toBe(v.expectedAuthorization);
    expect(signed.headers['Authorization']).toBe(v.expectedAuthorization);
    expect(signed.headers['X-Amz-Date']).toBe(v.amzDate);
    expect(signed.headers['Host']).toBe(v.host);
    expect(signed.pathAndQuery).toBe(
      '/sessions?profileArn=arn%3Aaws%3Arolesanywhere%3Aus-east-2%3A291738886548%3Aprofile%2F6f4943fb-13d4-4242-89c4-be367595c380' +
        '&roleArn=arn%3Aaws%3Aiam%3A%3A291738886548%3Arole%2Frolesanywhere1' +
        '&trustAnchorArn=arn%3Aaws%3Arolesanywhere%3Aus-east-2%3A291738886548%3Atrust-anchor%2Fa545a1fc-5d86-4032-8f4c-61cdd6ff92da',
    );
  });

  it('builds, for the ECDSA vector, the string to sign that the published signature verifies', () => {
    const { v, certificate, signed } = signVector('ecdsa-p384-verify');
    const published = Buffer.from(v.publishedSignatureHex ?? '', 'hex');
    expect(verify('sha256', Buffer.from(signed.stringToSign), certificate.publicKey, published)).toBe(true);
    expect(signed.authorization.startsWith(v.expectedCredentialPrefix ?? '?')).toBe(true);
  });

  it('produces a fresh ECDSA signature (DER r,s) that verifies with the certificate key', () => {
    const { certificate, signed } = signVector('ecdsa-p384-verify');
    const signature = Buffer.from(signed.signature, 'hex');
    expect(signature[0]).toBe(0x30); // DER SEQUENCE, not raw r‖s
    expect(verify('sha256', Buffer.from(signed.stringToSign), certificate.publicKey, signature)).toBe(true);
    expect(signed.authorization).toMatch(
      /^AWS4-X509-ECDSA-SHA256 Credential=3\/20240706\/us-east-2\/rolesanywhere\/aws4_request, /,
    );
  });

  it('fails the vector when one input changes (the comparison is meaningful)', () => {
    const v = vectors.case('rsa-known-answer');
    const other = signCreateSessionRequest({
      host: v.host,
      region: v.region,
      amzDate: v.amzDate,
      certificate: new X509Certificate(vectors.file(v.certificate)),
      privateKey: createPrivateKey(vectors.file(v.privateKey)),
      query: { profileArn: v.profileArn, roleArn: v.roleArn, trustAnchorArn: v.trustAnchorArn },
      body: '{"durationSeconds":3601}',
    });
    expect(other.authorization).not.toBe(v.expectedAuthorization);
  });
});

describe('Roles Anywhere signer: building blocks', () => {
  it('formats X-Amz-Date as UTC basic ISO 8601 without milliseconds', () => {
    expect(formatAmzDate(Date.UTC(2024, 6, 6, 11, 38, 59, 999))).toBe('20240706T113859Z');
    expect(amzDateToMs(formatAmzDate(1_720_265_939_000))).toBe(1_720_265_939_000);
  });

  it('writes the serial number in decimal', () => {
    const cert = new X509Certificate(vectors.file('alice-cert.crt'));
    expect(cert.serialNumber).toBe('15');
    expect(serialNumberDecimal(cert)).toBe('21');
  });

  it('encodes the query per RFC 3986 and sorts it', () => {
    expect(encodeRfc3986("a b!'()*~._-/:")).toBe('a%20b%21%27%28%29%2A~._-%2F%3A');
    expect(canonicalQueryString({ b: '2', a: 'x y', A: '1' })).toBe('A=1&a=x%20y&b=2');
    expect(
      canonicalQueryString([
        ['k', 'b'],
        ['k', 'a'],
      ]),
    ).toBe('k=a&k=b');
    expect(canonicalQueryString(undefined)).toBe('');
  });

  it('lowercases, sorts, trims and collapses header values', () => {
    const { block, signedHeaders } = canonicalHeaders({
      'X-Amz-Date': ' 20240706T113859Z ',
      Host: 'h:1',
      'Content-Type': 'a   b',
    });
    expect(block).toBe('content-type:a b\nhost:h:1\nx-amz-date:20240706T113859Z\n');
    expect(signedHeaders).toBe('content-type;host;x-amz-date');
  });

  it('joins canonical request and string to sign with newlines and hex SHA-256', () => {
    const canonical = canonicalRequest({
      method: 'post',
      path: '/sessions',
      headers: { Host: 'h' },
      body: '',
    });
    expect(canonical).toBe(
      'POST\n/sessions\n\nhost:h\n\nhost\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    const scope = credentialScope('20240706T113859Z', 'eu-west-1');
    expect(scope).toBe('20240706/eu-west-1/rolesanywhere/aws4_request');
    expect(
      stringToSign('AWS4-X509-RSA-SHA256', '20240706T113859Z', scope, canonical).split('\n'),
    ).toHaveLength(4);
  });

  it('signs the chain header when intermediates are given, joined by commas', () => {
    const v = vectors.case('rsa-known-answer');
    const root = new X509Certificate(vectors.file('root-ca.crt'));
    const rootEcc = new X509Certificate(vectors.file('root-ca-ecc.crt'));
    const signed = signCreateSessionRequest({
      host: v.host,
      region: v.region,
      amzDate: v.amzDate,
      certificate: new X509Certificate(vectors.file(v.certificate)),
      intermediates: [root, rootEcc],
      privateKey: createPrivateKey(vectors.file(v.privateKey)),
      body: v.body,
    });
    expect(signed.headers['X-Amz-X509-Chain']).toBe(
      `${root.raw.toString('base64')},${rootEcc.raw.toString('base64')}`,
    );
    expect(signed.authorization).toContain(
      'SignedHeaders=content-type;host;x-amz-date;x-amz-x509;x-amz-x509-chain,',
    );
    expect(signed.pathAndQuery).toBe('/sessions');
  });

  it('chooses the algorithm from the key and refuses RSA-PSS, Ed25519 and P-521', () => {
    expect(signingAlgorithmFor(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey)).toBe(
      'AWS4-X509-RSA-SHA256',
    );
    expect(signingAlgorithmFor(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)).toBe(
      'AWS4-X509-ECDSA-SHA256',
    );
    expect(signingAlgorithmFor(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey)).toBe(
      'AWS4-X509-ECDSA-SHA256',
    );
    expect(
      signingAlgorithmFor(generateKeyPairSync('ec', { namedCurve: 'P-521' }).privateKey),
    ).toBeUndefined();
    expect(
      signingAlgorithmFor(generateKeyPairSync('rsa-pss', { modulusLength: 1024 }).privateKey),
    ).toBeUndefined();
    expect(signingAlgorithmFor(generateKeyPairSync('ed25519').privateKey)).toBeUndefined();
  });
});
