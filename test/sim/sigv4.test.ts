// The sim's SigV4 verifier against requests signed by the SDK's own signer (@smithy/signature-v4).
import { describe, expect, it } from 'vitest';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Sha256 } from '../helpers/sha256.js';
import {
  canonicalRequest,
  parseAuthorization,
  sha256Hex,
  signingKey,
  verifySignature,
} from '../../src/sim/sigv4.js';
import { createHmac } from 'node:crypto';
import type { RawRequest } from '../../src/sim/types.js';

const credentials = {
  accessKeyId: 'AKIAEXAMPLEEXAMPLE00',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

async function signed(
  path: string,
  query: Record<string, string>,
  body: string,
  now: Date,
  extraHeaders: Record<string, string> = {},
): Promise<RawRequest> {
  const signer = new SignatureV4({ credentials, region: 'eu-west-1', service: 'ec2', sha256: Sha256 });
  const request = new HttpRequest({
    method: 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 4599,
    path,
    query,
    headers: {
      host: '127.0.0.1:4599',
      'content-type': 'application/x-www-form-urlencoded',
      ...extraHeaders,
    },
    body,
  });
  const out = await signer.sign(request, { signingDate: now });
  const rawQuery = Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(out.headers)) headers[k.toLowerCase()] = v;
  return { method: 'POST', path, rawQuery, headers, body: Buffer.from(body) };
}

describe('SigV4 verification', () => {
  const now = new Date('2026-11-23T01:02:03Z');

  it('accepts what the SDK signer signs, including paths and query strings that need encoding', async () => {
    const raw = await signed(
      '/a b/c~d',
      { 'z key': 'v/1', a: 'x*y' },
      'Action=DescribeRegions&Version=2016-11-15',
      now,
    );
    const auth = parseAuthorization(raw.headers['authorization'] as string)!;
    expect(auth).toMatchObject({
      accessKeyId: credentials.accessKeyId,
      region: 'eu-west-1',
      service: 'ec2',
      date: '20261123',
    });
    expect(verifySignature(raw, auth, credentials.secretAccessKey, now.getTime())).toEqual({ ok: true });
  });

  it('rejects a changed body, a wrong secret and a stale signature', async () => {
    const raw = await signed('/', {}, 'Action=DescribeRegions&Version=2016-11-15', now);
    const auth = parseAuthorization(raw.headers['authorization'] as string)!;
    const tampered = { ...raw, body: Buffer.from('Action=DescribeInstances&Version=2016-11-15') };
    expect(verifySignature(tampered, auth, credentials.secretAccessKey, now.getTime())).toMatchObject({
      ok: false,
      reason: 'signature-mismatch',
    });
    expect(verifySignature(raw, auth, 'not-the-secret', now.getTime())).toMatchObject({
      ok: false,
      reason: 'signature-mismatch',
    });
    expect(
      verifySignature(raw, auth, credentials.secretAccessKey, now.getTime() + 16 * 60_000),
    ).toMatchObject({ ok: false, reason: 'expired' });
  });

  it('reads nothing from a malformed Authorization header', () => {
    expect(parseAuthorization('Bearer abc')).toBeUndefined();
    expect(
      parseAuthorization(
        'AWS4-HMAC-SHA256 Credential=AKIA/20261123/us-east-1/sts, SignedHeaders=host, Signature=00',
      ),
    ).toBeUndefined();
  });

  it('always hashes the body: a declared UNSIGNED-PAYLOAD (S3 only) or a wrong hash does not verify', async () => {
    const body = 'Action=DescribeRegions&Version=2016-11-15';
    const unsigned = await signed('/', {}, body, now, { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' });
    const auth = parseAuthorization(unsigned.headers['authorization'] as string)!;
    expect(auth.signedHeaders).toContain('x-amz-content-sha256');
    expect(verifySignature(unsigned, auth, credentials.secretAccessKey, now.getTime())).toMatchObject({
      ok: false,
      reason: 'signature-mismatch',
    });
    const declared = await signed('/', {}, body, now, { 'x-amz-content-sha256': sha256Hex(body) });
    const declaredAuth = parseAuthorization(declared.headers['authorization'] as string)!;
    expect(verifySignature(declared, declaredAuth, credentials.secretAccessKey, now.getTime())).toEqual({
      ok: true,
    });
    const swapped = { ...declared, body: Buffer.from(body + '&AllRegions=true') };
    expect(verifySignature(swapped, declaredAuth, credentials.secretAccessKey, now.getTime())).toMatchObject({
      ok: false,
      reason: 'signature-mismatch',
    });
  });

  it('requires X-Amz-Date to be signed, even under an otherwise valid signature', () => {
    const amzDate = '20261123T010203Z';
    const raw: RawRequest = {
      method: 'POST',
      path: '/',
      rawQuery: '',
      headers: { host: '127.0.0.1:4599', 'x-amz-date': amzDate },
      body: Buffer.from('Action=DescribeRegions&Version=2016-11-15'),
    };
    // Signed correctly over 'host' only, by hand with the sim's own canonicalization.
    const scope = '20261123/eu-west-1/ec2/aws4_request';
    const stringToSign = [
      'AWS4-HMAC-SHA256',
      amzDate,
      scope,
      sha256Hex(canonicalRequest(raw, ['host'])),
    ].join('\n');
    const signature = createHmac(
      'sha256',
      signingKey(credentials.secretAccessKey, '20261123', 'eu-west-1', 'ec2'),
    )
      .update(stringToSign)
      .digest('hex');
    const auth = parseAuthorization(
      `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=host, Signature=${signature}`,
    )!;
    expect(verifySignature(raw, auth, credentials.secretAccessKey, now.getTime())).toEqual({
      ok: false,
      reason: 'date-not-signed',
      detail: "'X-Amz-Date' must be a signed header",
    });
  });

  it('words a stale and a future signature as AWS does', async () => {
    const raw = await signed('/', {}, 'Action=DescribeRegions&Version=2016-11-15', now);
    const auth = parseAuthorization(raw.headers['authorization'] as string)!;
    expect(verifySignature(raw, auth, credentials.secretAccessKey, now.getTime() + 20 * 60_000)).toEqual({
      ok: false,
      reason: 'expired',
      detail:
        'Signature expired: 20261123T010203Z is now earlier than 20261123T010703Z (20261123T012203Z - 15 min.)',
    });
    expect(verifySignature(raw, auth, credentials.secretAccessKey, now.getTime() - 20 * 60_000)).toEqual({
      ok: false,
      reason: 'expired',
      detail:
        'Signature not yet current: 20261123T010203Z is still later than 20261123T005703Z (20261123T004203Z + 15 min.)',
    });
  });
});
