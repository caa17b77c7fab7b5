import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import {
  RolesAnywhereConfigError,
  fromRolesAnywhere,
  validateRolesAnywhere,
} from '../../src/credentials/roles-anywhere/provider.js';
import type { RolesAnywhereOptions } from '../../src/credentials/roles-anywhere/provider.js';
import { MAX_INTERMEDIATES, splitPem } from '../../src/credentials/roles-anywhere/pem.js';
import { keyPem, makeCertificate, makeRootCa, tempPkiDir } from './roles-anywhere-fixtures.js';
import type { TestCertificate } from './roles-anywhere-fixtures.js';
import { thrownBy } from '../helpers/rejection.js';
import { makeOddLeaf } from '../sim/odd-certificates.js';
import { startSim } from '../../src/sim/index.js';

const ACCOUNT = '111122223333';
const ARNS = {
  trustAnchorArn: `arn:aws:rolesanywhere:eu-west-1:${ACCOUNT}:trust-anchor/0f3c1f4e-0000-4000-8000-000000000001`,
  profileArn: `arn:aws:rolesanywhere:eu-west-1:${ACCOUNT}:profile/0f3c1f4e-0000-4000-8000-000000000002`,
  roleArn: `arn:aws:iam::${ACCOUNT}:role/OrgraphCentralRole`,
};
const PASSPHRASE = 'tr0ub4dor & 3 "secret" passphrase';
const DAY = 86_400_000;

const pki = tempPkiDir();
const files: Record<string, string> = {};
let root: TestCertificate;
let intermediate: TestCertificate;
let rsaLeaf: TestCertificate;
let p256Leaf: TestCertificate;
let p384Leaf: TestCertificate;
let shortLeaf: TestCertificate;
/** Every message an error of this file produced, checked for secrets at the end. */
const messages: string[] = [];

beforeAll(async () => {
  root = await makeRootCa({ name: 'Validate Root', spec: 'rsa' });
  intermediate = await makeCertificate(root, { name: 'Validate Intermediate', spec: 'p384', ca: true });
  rsaLeaf = await makeCertificate(root, { name: 'rsa-leaf', spec: 'rsa' });
  p256Leaf = await makeCertificate(intermediate, { name: 'p256-leaf', spec: 'p256' });
  p384Leaf = await makeCertificate(root, { name: 'p384-leaf', spec: 'p384' });
  shortLeaf = await makeCertificate(root, {
    name: 'short-leaf',
    notBefore: new Date('2030-01-01T00:00:00Z'),
    notAfter: new Date('2030-01-02T00:00:00Z'),
  });
  files.rsaCert = pki.write('rsa.pem', rsaLeaf.certPem);
  files.rsaPkcs1 = pki.write('rsa-pkcs1.key', keyPem(rsaLeaf.key, 'pkcs1'));
  files.rsaPkcs8 = pki.write('rsa-pkcs8.key', keyPem(rsaLeaf.key, 'pkcs8'));
  files.rsaEncrypted = pki.write('rsa-enc.key', keyPem(rsaLeaf.key, 'encrypted-pkcs8', PASSPHRASE));
  files.p256Bundle = pki.write(
    'p256-bundle.pem',
    `# leaf then intermediate\r\n${p256Leaf.certPem}\n${intermediate.certPem}`,
  );
  files.p256Cert = pki.write('p256.pem', p256Leaf.certPem);
  files.intermediates = pki.write('intermediates.pem', intermediate.certPem);
  files.p256Sec1 = pki.write('p256-sec1.key', keyPem(p256Leaf.key, 'sec1'));
  files.p384Cert = pki.write('p384.pem', p384Leaf.certPem);
  files.p384Pkcs8 = pki.write('p384-pkcs8.key', keyPem(p384Leaf.key, 'pkcs8'));
  files.p384Encrypted = pki.write('p384-enc.key', keyPem(p384Leaf.key, 'encrypted-pkcs8', PASSPHRASE));
  files.passphrase = pki.write('passphrase.txt', PASSPHRASE + '\n');
  files.shortCert = pki.write('short.pem', shortLeaf.certPem);
  files.shortKey = pki.write('short.key', keyPem(shortLeaf.key, 'pkcs8'));
  files.sixIntermediates = pki.write(
    'six.pem',
    Array.from({ length: MAX_INTERMEDIATES + 1 }, () => intermediate.certPem).join('\n'),
  );
  files.pssKey = pki.write(
    'pss.key',
    generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).privateKey.export({
      format: 'pem',
      type: 'pkcs8',
    }) as string,
  );
  files.edKey = pki.write(
    'ed25519.key',
    generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
  );
  files.p521Key = pki.write(
    'p521.key',
    generateKeyPairSync('ec', { namedCurve: 'P-521' }).privateKey.export({
      format: 'pem',
      type: 'pkcs8',
    }) as string,
  );
  files.notPem = pki.write('garbage.pem', 'hello\n');
});

afterAll(() => pki.remove());

function options(overrides: Partial<RolesAnywhereOptions> = {}): RolesAnywhereOptions {
  return { certificate: files.rsaCert!, privateKey: files.rsaPkcs1!, ...ARNS, ...overrides };
}

function configError(run: () => unknown): RolesAnywhereConfigError {
  const err = thrownBy(run, messages);
  expect(err).toBeInstanceOf(RolesAnywhereConfigError);
  return err as RolesAnywhereConfigError;
}

describe('validateRolesAnywhere: keys and certificates that work', () => {
  it('accepts an RSA certificate with a PKCS#1 key and reports what it checked', () => {
    const summary = validateRolesAnywhere(options());
    expect(summary.algorithm).toBe('AWS4-X509-RSA-SHA256');
    expect(summary.keyType).toBe('RSA 2048');
    expect(summary.region).toBe('eu-west-1');
    expect(summary.endpoint).toBe('https://rolesanywhere.eu-west-1.amazonaws.com');
    expect(summary.serialNumber).toMatch(/^\d+$/);
    expect(summary.certificateSubject).toContain('CN=rsa-leaf');
    expect(summary.intermediates).toBe(0);
    expect(summary.durationSeconds).toBe(3600);
  });

  it('accepts PKCS#8 RSA, SEC1 P-256 and PKCS#8 P-384 keys', () => {
    expect(validateRolesAnywhere(options({ privateKey: files.rsaPkcs8! })).keyType).toBe('RSA 2048');
    const p256 = validateRolesAnywhere(
      options({ certificate: files.p256Bundle!, privateKey: files.p256Sec1! }),
    );
    expect([p256.keyType, p256.algorithm, p256.intermediates]).toEqual([
      'EC P-256',
      'AWS4-X509-ECDSA-SHA256',
      1,
    ]);
    const p384 = validateRolesAnywhere(
      options({ certificate: files.p384Cert!, privateKey: files.p384Pkcs8! }),
    );
    expect([p384.keyType, p384.algorithm]).toEqual(['EC P-384', 'AWS4-X509-ECDSA-SHA256']);
  });

  it('takes intermediates from a separate file', () => {
    const summary = validateRolesAnywhere(
      options({
        certificate: files.p256Cert!,
        intermediates: files.intermediates!,
        privateKey: files.p256Sec1!,
      }),
    );
    expect(summary.intermediates).toBe(1);
  });

  it('decrypts an encrypted PKCS#8 key with a passphrase from an environment variable or a file', () => {
    const env = { RA_PASSPHRASE: PASSPHRASE };
    expect(
      validateRolesAnywhere(options({ privateKey: files.rsaEncrypted!, passphraseEnv: 'RA_PASSPHRASE' }), {
        env,
      }).keyType,
    ).toBe('RSA 2048');
    const p384 = validateRolesAnywhere(
      options({
        certificate: files.p384Cert!,
        privateKey: files.p384Encrypted!,
        passphraseFile: files.passphrase!,
      }),
    );
    expect(p384.keyType).toBe('EC P-384');
  });

  it('splits PEM bundles, ignoring text around the blocks and CRLF line ends', () => {
    const blocks = splitPem(
      `junk\r\n${rsaLeaf.certPem.replace(/\n/g, '\r\n')}bag attributes\n${intermediate.certPem}`,
    );
    expect(blocks.map((b) => b.label)).toEqual(['CERTIFICATE', 'CERTIFICATE']);
  });
});

describe('validateRolesAnywhere: clear errors before any network call', () => {
  it('refuses more than five intermediates', () => {
    const err = configError(() => validateRolesAnywhere(options({ intermediates: files.sixIntermediates! })));
    expect(err.option).toBe('intermediates');
    expect(err.message).toContain('at most 5');
  });

  it('says when the certificate is not valid yet, with the date', () => {
    const err = configError(() =>
      validateRolesAnywhere(options({ certificate: files.shortCert!, privateKey: files.shortKey! }), {
        clock: () => Date.parse('2029-12-31T00:00:00Z'),
      }),
    );
    expect(err.option).toBe('certificate');
    expect(err.path).toBe(files.shortCert);
    expect(err.message).toContain('not valid yet: valid from 2030-01-01T00:00:00.000Z');
  });

  it('says when the certificate has expired, with the date', () => {
    const err = configError(() =>
      validateRolesAnywhere(options({ certificate: files.shortCert!, privateKey: files.shortKey! }), {
        clock: () => Date.parse('2030-01-03T00:00:00Z'),
      }),
    );
    expect(err.message).toContain('has expired: valid until 2030-01-02T00:00:00.000Z');
    // The same files are fine inside the window.
    expect(
      validateRolesAnywhere(options({ certificate: files.shortCert!, privateKey: files.shortKey! }), {
        clock: () => Date.parse('2030-01-01T12:00:00Z'),
      }).keyType,
    ).toBe('RSA 2048');
  });

  it('checks intermediates against the clock too, naming the file they came from', async () => {
    const shortIntermediate = await makeCertificate(root, {
      name: 'Short Intermediate',
      spec: 'p256',
      ca: true,
      notAfter: new Date(Date.now() + 10 * DAY),
    });
    const leaf = await makeCertificate(shortIntermediate, {
      name: 'outliving-leaf',
      spec: 'p256',
      notAfter: new Date(Date.now() + 100 * DAY),
    });
    const paths = {
      certificate: pki.write('outliving.pem', leaf.certPem),
      intermediates: pki.write('short-intermediate.pem', shortIntermediate.certPem),
      privateKey: pki.write('outliving.key', keyPem(leaf.key, 'sec1')),
    };
    expect(validateRolesAnywhere(options(paths)).intermediates).toBe(1);
    const err = configError(() =>
      validateRolesAnywhere(options(paths), { clock: () => Date.now() + 20 * DAY }),
    );
    expect([err.option, err.path]).toEqual(['intermediates', paths.intermediates]);
    expect(err.message).toContain(
      'intermediate certificate "CN=Short Intermediate, O=orgraph tests" has expired',
    );
  });

  it('finds a key that does not match the certificate', () => {
    const err = configError(() => validateRolesAnywhere(options({ privateKey: files.p384Pkcs8! })));
    expect(err.option).toBe('privateKey');
    expect(err.message).toContain(`does not match the certificate ${files.rsaCert}`);
  });

  it.each([
    ['pssKey', 'RSA-PSS keys are not supported'],
    ['edKey', 'Ed25519 keys are not supported'],
    ['p521Key', 'EC P-521 keys are not supported'],
  ])('refuses unsupported key type %s', (file, text) => {
    const err = configError(() => validateRolesAnywhere(options({ privateKey: files[file]! })));
    expect(err.option).toBe('privateKey');
    expect(err.message).toContain(text);
  });

  it('asks for a passphrase when the key is encrypted and none is configured', () => {
    const err = configError(() => validateRolesAnywhere(options({ privateKey: files.rsaEncrypted! })));
    expect(err.message).toContain('is encrypted but no passphrase is configured');
  });

  it('reports a wrong passphrase', () => {
    const err = configError(() =>
      validateRolesAnywhere(options({ privateKey: files.rsaEncrypted!, passphraseEnv: 'RA_PASSPHRASE' }), {
        env: { RA_PASSPHRASE: 'not it' },
      }),
    );
    expect(err.option).toBe('privateKey');
    expect(err.message).toContain('wrong passphrase');
  });

  it('names the unset passphrase variable, and never echoes a passphrase put where a name belongs', () => {
    const unset = configError(() =>
      validateRolesAnywhere(options({ privateKey: files.rsaEncrypted!, passphraseEnv: 'RA_MISSING' }), {
        env: {},
      }),
    );
    expect(unset.message).toContain('environment variable RA_MISSING is not set');
    const misplaced = configError(() =>
      validateRolesAnywhere(options({ privateKey: files.rsaEncrypted!, passphraseEnv: PASSPHRASE })),
    );
    expect(misplaced.option).toBe('passphraseEnv');
    expect(misplaced.message).not.toContain(PASSPHRASE);
    const both = configError(() =>
      validateRolesAnywhere(options({ passphraseEnv: 'A', passphraseFile: files.passphrase! })),
    );
    expect(both.message).toContain('only one of passphraseEnv and passphraseFile');
  });

  it('reports missing and unreadable files by option and path', () => {
    const missing = configError(() => validateRolesAnywhere(options({ certificate: `${pki.dir}/nope.pem` })));
    expect([missing.option, missing.path]).toEqual(['certificate', `${pki.dir}/nope.pem`]);
    expect(missing.message).toContain('file not found');
    expect(
      configError(() => validateRolesAnywhere(options({ certificate: files.notPem! }))).message,
    ).toContain('no PEM CERTIFICATE block');
    expect(
      configError(() => validateRolesAnywhere(options({ privateKey: files.rsaCert! }))).message,
    ).toContain('contains no PEM private key');
  });

  it.each([
    ['trustAnchorArn', 'arn:aws:rolesanywhere:eu-west-1:111122223333:profile/x'],
    ['profileArn', 'arn:aws:rolesanywhere:eu-west-1:1111:profile/x'],
    ['roleArn', 'arn:aws:iam::111122223333:user/alice'],
  ] as const)('refuses a malformed %s and shows it', (option, value) => {
    const err = configError(() => validateRolesAnywhere(options({ [option]: value })));
    expect(err.option).toBe(option);
    expect(err.message).toContain(JSON.stringify(value));
  });

  it('refuses a profile in another Region than the trust anchor', () => {
    const err = configError(() =>
      validateRolesAnywhere(options({ profileArn: ARNS.profileArn.replace('eu-west-1', 'us-east-1') })),
    );
    expect(err.option).toBe('profileArn');
    expect(err.message).toContain('same Region');
  });

  it.each([899, 43_201, 1800.5])('refuses durationSeconds %s', (durationSeconds) => {
    expect(configError(() => validateRolesAnywhere(options({ durationSeconds }))).option).toBe(
      'durationSeconds',
    );
  });

  it('refuses an invalid role session name', () => {
    expect(configError(() => validateRolesAnywhere(options({ roleSessionName: 'has space' }))).option).toBe(
      'roleSessionName',
    );
    expect(validateRolesAnywhere(options({ roleSessionName: 'orgraph@host-1' })).region).toBe('eu-west-1');
  });
});

describe('validateRolesAnywhere: the signing certificate Roles Anywhere accepts', () => {
  const signing: Record<string, { certificate: string; privateKey: string }> = {};

  beforeAll(async () => {
    const write = (name: string, cert: TestCertificate) => {
      signing[name] = {
        certificate: pki.write(`${name}.pem`, cert.certPem),
        privateKey: pki.write(`${name}.key`, keyPem(cert.key, 'pkcs8')),
      };
    };
    write('intermediate', intermediate);
    write('root', root);
    for (const kind of ['no-digital-signature', 'no-key-usage', 'sha1-signed'] as const)
      write(kind, await makeOddLeaf(root, kind));
  });

  const REQUIREMENT =
    'Roles Anywhere only accepts an end-entity certificate whose key usage includes digitalSignature, signed with SHA-256 or stronger';

  it('refuses a CA certificate (an intermediate, or the root itself) as the signing certificate', () => {
    for (const name of ['intermediate', 'root']) {
      const err = configError(() => validateRolesAnywhere(options(signing[name])));
      expect(err.option).toBe('certificate');
      expect(err.path).toBe(signing[name]!.certificate);
      expect(err.message).toContain('is a CA certificate (basicConstraints CA:TRUE)');
      expect(err.message).toContain(REQUIREMENT);
    }
  });

  it('refuses a key usage without digitalSignature, and a certificate without key usage', () => {
    expect(
      configError(() => validateRolesAnywhere(options(signing['no-digital-signature']))).message,
    ).toContain('has a key usage without digitalSignature');
    expect(configError(() => validateRolesAnywhere(options(signing['no-key-usage']))).message).toContain(
      'has no key usage extension',
    );
  });

  it('refuses a certificate signed with SHA-1', () => {
    const err = configError(() => validateRolesAnywhere(options(signing['sha1-signed'])));
    expect(err.message).toContain('is signed with sha1WithRSAEncryption');
  });

  it('refuses them when the provider is built, so CreateSession is never called', async () => {
    const sim = await startSim({ accounts: 2, regions: ['eu-west-1'], instancesPerRegion: 0 });
    try {
      const err = thrownBy(() =>
        fromRolesAnywhere({ ...options(signing['intermediate']), endpoint: sim.endpoint }),
      );
      expect(err).toBeInstanceOf(RolesAnywhereConfigError);
      expect(sim.log.count()).toBe(0);
      // The ordinary end-entity leaf passes the same check.
      expect(() => fromRolesAnywhere({ ...options(), endpoint: sim.endpoint })).not.toThrow();
    } finally {
      await sim.close();
    }
  });
});

describe('validateRolesAnywhere: endpoint', () => {
  it('derives China and FIPS endpoints from the trust anchor ARN', () => {
    const cn = {
      trustAnchorArn: `arn:aws-cn:rolesanywhere:cn-north-1:${ACCOUNT}:trust-anchor/abc`,
      profileArn: `arn:aws-cn:rolesanywhere:cn-north-1:${ACCOUNT}:profile/def`,
      roleArn: `arn:aws-cn:iam::${ACCOUNT}:role/R`,
    };
    expect(validateRolesAnywhere(options(cn), { env: {} }).endpoint).toBe(
      'https://rolesanywhere.cn-north-1.amazonaws.com.cn',
    );
    expect(validateRolesAnywhere(options({ useFipsEndpoint: true }), { env: {} }).endpoint).toBe(
      'https://rolesanywhere-fips.eu-west-1.amazonaws.com',
    );
    expect(validateRolesAnywhere(options(), { env: { AWS_USE_FIPS_ENDPOINT: 'true' } }).endpoint).toBe(
      'https://rolesanywhere-fips.eu-west-1.amazonaws.com',
    );
  });

  it('takes an override from the options, then AWS_ENDPOINT_URL_ROLESANYWHERE, then AWS_ENDPOINT_URL', () => {
    const env = {
      AWS_ENDPOINT_URL_ROLESANYWHERE: 'http://127.0.0.1:4510',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
    };
    expect(validateRolesAnywhere(options({ endpoint: 'http://localhost:9000' }), { env }).endpoint).toBe(
      'http://localhost:9000',
    );
    expect(validateRolesAnywhere(options(), { env }).endpoint).toBe('http://127.0.0.1:4510');
    expect(
      validateRolesAnywhere(options(), { env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' } }).endpoint,
    ).toBe('http://127.0.0.1:4566');
  });

  it('treats an empty override as unset and honours AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', () => {
    const env = { AWS_ENDPOINT_URL_ROLESANYWHERE: '', AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' };
    expect(validateRolesAnywhere(options(), { env }).endpoint).toBe('http://127.0.0.1:4566');
    const ignored = { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' };
    expect(validateRolesAnywhere(options(), { env: ignored }).endpoint).toMatch(
      /^https:\/\/rolesanywhere\.[a-z0-9-]+\.amazonaws\.com$/,
    );
  });

  it('refuses an endpoint with a path or another scheme', () => {
    expect(
      configError(() => validateRolesAnywhere(options({ endpoint: 'http://127.0.0.1:1/prefix' }))).option,
    ).toBe('endpoint');
    expect(configError(() => validateRolesAnywhere(options({ endpoint: 'ftp://example.com' }))).option).toBe(
      'endpoint',
    );
  });
});

describe('validateRolesAnywhere: no secrets in messages', () => {
  it('never shows the passphrase or key material in any error above', () => {
    expect(messages.length).toBeGreaterThan(15);
    const keyLines = [rsaLeaf, p256Leaf, p384Leaf].flatMap((c) =>
      keyPem(c.key, 'pkcs8').split('\n').slice(1, 3),
    );
    for (const message of messages) {
      expect(message).not.toContain(PASSPHRASE);
      expect(message).not.toMatch(/PRIVATE KEY-----/);
      for (const line of keyLines) expect(message).not.toContain(line);
    }
  });
});
