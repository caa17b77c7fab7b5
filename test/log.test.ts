import { describe, it, expect } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createLogger, redact, redactText, REDACTED } from '../src/log.js';

function capture(level: 'debug' | 'info' | 'warn' | 'error' = 'debug') {
  const lines: string[] = [];
  const logger = createLogger({
    level,
    sink: (l) => lines.push(l),
    clock: () => Date.UTC(2026, 0, 2, 3, 4, 5),
  });
  return { lines, logger, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('logger', () => {
  it('writes one JSON object per line with time, level, message and fields', () => {
    const { logger, records } = capture();
    logger.info('assumed role', { accountId: '111111111111', attempt: 2 });
    expect(records()).toEqual([
      {
        time: '2026-01-02T03:04:05.000Z',
        level: 'info',
        msg: 'assumed role',
        accountId: '111111111111',
        attempt: 2,
      },
    ]);
  });

  it('drops lines below its level', () => {
    const { logger, records } = capture('warn');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(records().map((r) => r['level'])).toEqual(['warn', 'error']);
    expect(logger.isLevelEnabled('info')).toBe(false);
  });

  it('adds a child logger’s fields to every line', () => {
    const { logger, records } = capture();
    logger.child({ component: 'broker' }).child({ accountId: '2' }).warn('x', { y: 1 });
    expect(records()[0]).toMatchObject({ component: 'broker', accountId: '2', y: 1 });
  });

  it('redacts secret-named fields at any depth, but not access key ids or NextTokens', () => {
    const { logger, lines, records } = capture();
    const secretAccessKey = randomBytes(30).toString('base64');
    logger.info('creds', {
      credentials: { accessKeyId: 'ASIAXXXXXXXXXXXXXXXX', secretAccessKey },
      nested: { sessionToken: 'tok', passphrase: 'correct horse', privateKey: 'k', NextToken: 'page-2' },
      accessKeyId: 'ASIAYYYYYYYYYYYYYYYY',
    });
    expect(lines[0]).not.toContain(secretAccessKey);
    expect(lines[0]).not.toContain('correct horse');
    expect(records()[0]).toMatchObject({
      credentials: REDACTED,
      nested: { sessionToken: REDACTED, passphrase: REDACTED, privateKey: REDACTED, NextToken: 'page-2' },
      accessKeyId: 'ASIAYYYYYYYYYYYYYYYY',
    });
  });

  it('scrubs secret-looking values from free text: secret keys, session tokens, PEM blocks, signatures', () => {
    const secret = randomBytes(30).toString('base64');
    const token = 'IQoJb3JpZ2luX2VjE' + randomBytes(200).toString('base64');
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';
    const signature = 'a'.repeat(64);
    const text = redactText(
      `key ${secret} token ${token} pem ${pem} Signature=${signature} arn:aws:iam::111111111111:role/CMDBReadRole`,
    );
    expect(text).not.toContain(secret);
    expect(text).not.toContain(token.slice(0, 120));
    expect(text).not.toContain('MIIEvQ');
    expect(text).not.toContain(signature);
    expect(text).toContain('arn:aws:iam::111111111111:role/CMDBReadRole');
  });

  it('leaves a 40-character hex digest and ordinary ids alone', () => {
    const sha1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';
    expect(redactText(`commit ${sha1} i-0123456789abcdef0 ASIAXXXXXXXXXXXXXXXX`)).toBe(
      `commit ${sha1} i-0123456789abcdef0 ASIAXXXXXXXXXXXXXXXX`,
    );
  });

  it('reduces errors to name, message and codes', () => {
    const err = Object.assign(new Error('boom'), {
      code: 'E1',
      $response: { headers: { authorization: 'AWS4-HMAC-SHA256 ...' } },
    });
    expect(redact({ err })).toEqual({ err: { name: 'Error', message: 'boom', code: 'E1' } });
  });
});

describe('redactText on name=value pairs', () => {
  it('hides the value of a secret-named pair whatever it looks like', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    expect(redactText(`aws_secret_access_key=${secret}`)).toBe(`aws_secret_access_key=${REDACTED}`);
    expect(redactText('SecretAccessKey: "short"')).toBe(`SecretAccessKey: ${REDACTED}`);
    expect(redactText('passphrase=hunter2 next=1')).toBe(`passphrase=${REDACTED} next=1`);
    expect(redactText('aws_secret_access_key=short')).toBe(`aws_secret_access_key=${REDACTED}`);
    expect(redactText('NextToken=abc')).toBe('NextToken=abc');
  });
});

describe('redaction of header names and encoded tokens', () => {
  it('treats x-amz-security-token as secret and hides percent-encoded session tokens', () => {
    expect(redact({ 'x-amz-security-token': 'short-token-value' })).toEqual({
      'x-amz-security-token': REDACTED,
    });
    // Random base64 need not hold '+' or '/' (the characters percent-encoding changes): put both in.
    const token = 'IQoJb3JpZ2luX2VjE+/' + randomBytes(120).toString('base64');
    const encoded = encodeURIComponent(token);
    expect(encoded).toMatch(/%2B|%2F/);
    expect(redactText(`leaked in a URL: ?t=${encoded}&Action=x`)).not.toContain(encoded.slice(0, 60));
  });
});
