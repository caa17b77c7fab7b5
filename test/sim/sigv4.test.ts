// The sim's SigV4 verifier against requests signed by the SDK's own signer (@smithy/signature-v4).
import { describe, expect, it } from 'vitest';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Sha256 } from './sha256.js';
import { parseAuthorization, verifySignature } from '../../src/sim/sigv4.js';
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
): Promise<RawRequest> {
  const signer = new SignatureV4({ credentials, region: 'eu-west-1', service: 'ec2', sha256: Sha256 });
  const request = new HttpRequest({
    method: 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 4599,
    path,
    query,
    headers: { host: '127.0.0.1:4599', 'content-type': 'application/x-www-form-urlencoded' },
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
});
