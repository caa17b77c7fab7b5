// A form POST to a running sim, signed by the SDK's own signer (@smithy/signature-v4) rather than sent
// by an SDK client — for requests no client would send: unknown actions, wrong scopes, odd headers.
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { Sha256 } from './sha256.js';

export interface SignedPostOptions {
  credentials: AwsCredentialIdentity;
  /** The credential scope's service, e.g. 'ec2'. */
  service: string;
  region?: string;
  /** Extra headers, signed with the rest. */
  headers?: Record<string, string>;
  /** Send another body than the one signed (to test tampering). */
  sendBody?: string;
  signingDate?: Date;
}

export async function signedFormPost(
  endpoint: string,
  body: string,
  options: SignedPostOptions,
): Promise<{ status: number; text: string; date: string | null }> {
  const url = new URL(endpoint);
  const request = new HttpRequest({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    headers: {
      host: url.host,
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      ...options.headers,
    },
    body,
  });
  const signed = await new SignatureV4({
    credentials: options.credentials,
    region: options.region ?? 'us-east-1',
    service: options.service,
    sha256: Sha256,
  }).sign(request, options.signingDate ? { signingDate: options.signingDate } : {});
  const res = await fetch(endpoint + '/', {
    method: 'POST',
    headers: signed.headers,
    body: options.sendBody ?? body,
  });
  return { status: res.status, text: await res.text(), date: res.headers.get('date') };
}
