import { describe, it, expect } from 'vitest';
import {
  CredentialsConfigError,
  parseCredentialsConfig,
  resolveStsRegion,
} from '../../src/config/credentials.js';

function problems(input: unknown): string[] {
  try {
    parseCredentialsConfig(input);
  } catch (err) {
    expect(err).toBeInstanceOf(CredentialsConfigError);
    return (err as CredentialsConfigError).problems;
  }
  throw new Error('expected the configuration to be refused');
}

describe('credentials configuration', () => {
  it('fills in every default', () => {
    expect(parseCredentialsConfig(undefined)).toEqual({
      centralPrincipal: { source: 'default' },
      broker: {
        roleName: 'CMDBReadRole',
        rolePath: '/',
        roleSessionName: 'orgraph',
        durationSeconds: 3600,
        refreshWindowSeconds: 300,
        negativeCacheSeconds: 60,
        maxSessions: 10_000,
        useCentralCredentialsForCentralAccount: false,
        overrides: [],
      },
      pool: { maxClients: 5_000, maxSockets: 50, connectionTimeoutMs: 3_000 },
      endpoints: {},
      organizations: { region: 'us-east-1' },
    });
  });

  it('keeps given values and fills the rest', () => {
    const config = parseCredentialsConfig({
      broker: { roleName: 'Reader', externalId: 'ext-1' },
      endpoints: { default: 'http://127.0.0.1:4566' },
    });
    expect(config.broker).toMatchObject({ roleName: 'Reader', externalId: 'ext-1', durationSeconds: 3600 });
    expect(config.endpoints.default).toBe('http://127.0.0.1:4566');
  });

  it('names the option path and the bad value', () => {
    expect(
      problems({ broker: { roleSessionName: 'a', durationSeconds: 100 }, pool: { maxSockets: 0 } }),
    ).toEqual([
      'credentials.broker.roleSessionName: must be 2–64 characters of [\\w+=,.@-] (got "a")',
      'credentials.broker.durationSeconds: must be at least 900 seconds (got 100)',
      'credentials.pool.maxSockets: must be at least 1 (sockets) (got 0)',
    ]);
  });

  it('refuses unknown options and a wrong source', () => {
    expect(problems({ broker: { roleNmae: 'x' } })).toEqual([
      "credentials.broker: unknown option 'roleNmae'",
    ]);
    expect(problems({ centralPrincipal: { source: 'env' } })).toEqual([
      "credentials.centralPrincipal.source: must be 'default', 'profile' or 'rolesAnywhere' (got \"env\")",
    ]);
    expect(problems({ centralPrincipal: { source: 'profile' } })).toEqual([
      'credentials.centralPrincipal.profile: is required',
    ]);
  });

  it('never echoes an ExternalId or a passphrase, and refuses a passphrase in clear', () => {
    const found = problems({
      broker: { externalId: 'x' },
      centralPrincipal: {
        source: 'rolesAnywhere',
        rolesAnywhere: {
          certificate: '/c.pem',
          privateKey: '/k.pem',
          passphrase: 'open sesame',
          trustAnchorArn: 'arn:aws:rolesanywhere:eu-west-1:111111111111:trust-anchor/abc',
          profileArn: 'arn:aws:rolesanywhere:eu-west-1:111111111111:profile/def',
          roleArn: 'arn:aws:iam::111111111111:role/Central',
        },
      },
    });
    expect(found).toHaveLength(2);
    expect(found.join('\n')).not.toContain('open sesame');
    expect(found).toContain(
      'credentials.broker.externalId: must be 2–1224 characters of [\\w+=,.@:/-] (value not shown)',
    );
    expect(
      found.some((p) =>
        p.startsWith(
          'credentials.centralPrincipal.rolesAnywhere.passphrase: must not be in the configuration',
        ),
      ),
    ).toBe(true);
  });

  it('checks options against each other', () => {
    expect(problems({ broker: { durationSeconds: 900, refreshWindowSeconds: 900 } })).toEqual([
      'credentials.broker.refreshWindowSeconds: must be shorter than broker.durationSeconds (900) (got 900)',
    ]);
    expect(problems({ endpoints: { sts: 'ftp://x' } })).toEqual([
      'credentials.endpoints.sts: must be an http(s) URL (got "ftp://x")',
    ]);
  });

  it('takes the STS Region from the configuration, then AWS_REGION, then us-east-1', () => {
    const config = parseCredentialsConfig({});
    expect(resolveStsRegion(config, {})).toBe('us-east-1');
    expect(resolveStsRegion(config, { AWS_REGION: 'eu-central-1' })).toBe('eu-central-1');
    expect(
      resolveStsRegion(parseCredentialsConfig({ broker: { stsRegion: 'ap-south-1' } }), {
        AWS_REGION: 'eu-central-1',
      }),
    ).toBe('ap-south-1');
    expect(problems({ broker: { stsRegion: 'mars' } })).toEqual([
      'credentials.broker.stsRegion: must be an AWS Region name such as us-east-1 (got "mars")',
    ]);
  });
});

describe('configuration errors never echo a secret', () => {
  it('shows a bad object by its keys only and a missing discriminator as missing', () => {
    const token = 'FwoGZXIvYXdzEJr//////////wEaDEXAMPLETOKENabc';
    let message = '';
    try {
      parseCredentialsConfig({ centralPrincipal: { sessionToken: token, x: 1 } });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('credentials.centralPrincipal.source');
    expect(message).toContain('(missing)');
    expect(message).not.toContain(token);
    try {
      parseCredentialsConfig({
        pool: { maxSockets: { secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } },
      });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain(
      "credentials.pool.maxSockets: must be a number (sockets) (got an object with 'secretAccessKey')",
    );
  });
});
