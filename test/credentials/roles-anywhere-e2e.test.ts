// Native Roles Anywhere end to end: the real client against the sim's CreateSession endpoint, then the
// credentials it returns used by the real STS client — with RSA, EC P-256 and P-384 keys, with and
// without intermediates, with encrypted keys; and the failures a person must be able to understand.
import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import {
  RolesAnywhereConfigError,
  RolesAnywhereServiceError,
  fromRolesAnywhere,
} from '../../src/credentials/roles-anywhere/provider.js';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { RolesAnywhereOptions } from '../../src/credentials/roles-anywhere/provider.js';
import { manualClock } from '../helpers/clock.js';
import type { ManualClock } from '../helpers/clock.js';
import { keyPem, makeCertificate, makeRootCa, tempPkiDir } from './roles-anywhere-fixtures.js';
import type { KeyFormat, TestCertificate } from './roles-anywhere-fixtures.js';
import { rejectionOf, thrownBy } from '../helpers/rejection.js';

const REGION = 'eu-west-1';
const PASSPHRASE = 'e2e passphrase: do-not-print-me';
const DAY = 86_400_000;

const pki = tempPkiDir();
const secrets: string[] = [PASSPHRASE];
const errorMessages: string[] = [];

interface Pki {
  rsaRoot: TestCertificate;
  p384Root: TestCertificate;
  intermediate: TestCertificate;
  untrustedRoot: TestCertificate;
}

let ca: Pki;
let centralAccountId: string;
let arns: { trustAnchorArn: string; profileArn: string; roleArn: string; otherAnchorArn: string };

async function startWorld(clock: ManualClock): Promise<RunningSim> {
  const sim = await startSim({ seed: 7, accounts: 3, regions: [REGION], instancesPerRegion: 0, clock });
  centralAccountId = sim.world.centralAccountId;
  arns = {
    trustAnchorArn: `arn:aws:rolesanywhere:${REGION}:${centralAccountId}:trust-anchor/11111111-2222-4333-8444-555555555555`,
    otherAnchorArn: `arn:aws:rolesanywhere:${REGION}:${centralAccountId}:trust-anchor/11111111-2222-4333-8444-666666666666`,
    profileArn: `arn:aws:rolesanywhere:${REGION}:${centralAccountId}:profile/99999999-2222-4333-8444-555555555555`,
    roleArn: `arn:aws:iam::${centralAccountId}:role/OrgraphCentralRole`,
  };
  expect(sim.world.roles.get(arns.roleArn)?.trustsRolesAnywhere).toBe(true);
  sim.rolesAnywhere.trustAnchors.set(arns.trustAnchorArn, {
    arn: arns.trustAnchorArn,
    region: REGION,
    caCertificatesPem: [ca.rsaRoot.certPem, ca.p384Root.certPem],
    enabled: true,
  });
  sim.rolesAnywhere.profiles.set(arns.profileArn, {
    arn: arns.profileArn,
    region: REGION,
    roleArns: [arns.roleArn],
    durationSeconds: 3600,
    acceptRoleSessionName: true,
    enabled: true,
  });
  return sim;
}

/** Writes the leaf (with its intermediates in the bundle or a separate file) and its key; returns options. */
function writeLeaf(
  name: string,
  leaf: TestCertificate,
  format: KeyFormat,
  chain: { intermediates?: TestCertificate[]; inBundle?: boolean } = {},
): Pick<RolesAnywhereOptions, 'certificate' | 'privateKey' | 'intermediates'> {
  const intermediates = chain.intermediates ?? [];
  const bundle = chain.inBundle
    ? [leaf.certPem, ...intermediates.map((c) => c.certPem)].join('\n')
    : leaf.certPem;
  const keyText = keyPem(leaf.key, format, PASSPHRASE);
  secrets.push(keyText.split('\n')[1]!);
  return {
    certificate: pki.write(`${name}.pem`, bundle),
    privateKey: pki.write(`${name}.key`, keyText),
    ...(intermediates.length > 0 && !chain.inBundle
      ? { intermediates: pki.write(`${name}-chain.pem`, intermediates.map((c) => c.certPem).join('\n')) }
      : {}),
  };
}

function sts(sim: RunningSim, credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider): STSClient {
  return new STSClient({ endpoint: sim.endpoint, region: REGION, credentials, maxAttempts: 1 });
}

const rejection = (promise: Promise<unknown>) => rejectionOf(promise, errorMessages);

function configError(run: () => unknown): RolesAnywhereConfigError {
  const err = thrownBy(run, errorMessages);
  expect(err).toBeInstanceOf(RolesAnywhereConfigError);
  return err as RolesAnywhereConfigError;
}

beforeAll(async () => {
  const rsaRoot = await makeRootCa({ name: 'E2E RSA Root', spec: 'rsa' });
  const p384Root = await makeRootCa({ name: 'E2E P-384 Root', spec: 'p384' });
  const intermediate = await makeCertificate(rsaRoot, { name: 'E2E Intermediate', spec: 'p256', ca: true });
  const untrustedRoot = await makeRootCa({ name: 'Somebody Else', spec: 'rsa' });
  ca = { rsaRoot, p384Root, intermediate, untrustedRoot };
});
afterAll(() => pki.remove());

describe('Roles Anywhere end to end against the sim', () => {
  const clock = manualClock();
  let sim: RunningSim;
  beforeAll(async () => {
    sim = await startWorld(clock);
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.log.reset());

  const cases: Array<
    [
      string,
      () => Promise<Pick<RolesAnywhereOptions, 'certificate' | 'privateKey' | 'intermediates'>>,
      Partial<RolesAnywhereOptions>,
    ]
  > = [
    [
      'RSA leaf, PKCS#1 key',
      async () =>
        writeLeaf('rsa', await makeCertificate(ca.rsaRoot, { name: 'rsa-leaf', spec: 'rsa' }), 'pkcs1'),
      {},
    ],
    [
      'EC P-256 leaf via an intermediate in the bundle, SEC1 key',
      async () =>
        writeLeaf(
          'p256',
          await makeCertificate(ca.intermediate, { name: 'p256-leaf', spec: 'p256' }),
          'sec1',
          { intermediates: [ca.intermediate], inBundle: true },
        ),
      {},
    ],
    [
      'EC P-384 leaf, PKCS#8 key',
      async () =>
        writeLeaf('p384', await makeCertificate(ca.p384Root, { name: 'p384-leaf', spec: 'p384' }), 'pkcs8'),
      {},
    ],
    [
      'RSA leaf via an intermediates file, encrypted key from an environment variable',
      async () =>
        writeLeaf(
          'rsa-enc',
          await makeCertificate(ca.intermediate, { name: 'rsa-enc-leaf', spec: 'rsa' }),
          'encrypted-pkcs8',
          { intermediates: [ca.intermediate] },
        ),
      { passphraseEnv: 'ORGRAPH_RA_PASSPHRASE' },
    ],
    [
      'EC P-384 leaf, encrypted key from a passphrase file',
      async () =>
        writeLeaf(
          'p384-enc',
          await makeCertificate(ca.p384Root, { name: 'p384-enc-leaf', spec: 'p384' }),
          'encrypted-pkcs8',
        ),
      { passphraseFile: pki.write('passphrase', PASSPHRASE + '\n') },
    ],
  ];

  it.each(cases)(
    '%s: CreateSession, then GetCallerIdentity with the credentials',
    async (_name, files, extra) => {
      const provider = fromRolesAnywhere(
        { ...(await files()), ...arns, endpoint: sim.endpoint, roleSessionName: 'orgraph-e2e', ...extra },
        { clock, env: { ORGRAPH_RA_PASSPHRASE: PASSPHRASE } },
      );
      const client = sts(sim, provider);
      const identity = await client.send(new GetCallerIdentityCommand({}));
      client.destroy();
      expect(identity.Account).toBe(centralAccountId);
      expect(identity.Arn).toBe(
        `arn:aws:sts::${centralAccountId}:assumed-role/OrgraphCentralRole/orgraph-e2e`,
      );
      expect(sim.log.entries().map((e) => [e.service, e.operation, e.status])).toEqual([
        ['rolesanywhere', 'CreateSession', 201],
        ['sts', 'GetCallerIdentity', 200],
      ]);
      expect(sim.log.entries()[0]!.region).toBe(REGION);
    },
  );

  it('uses the certificate serial as the session name when none is configured, and the credentials can assume a member role', async () => {
    const leaf = await makeCertificate(ca.rsaRoot, { name: 'serial-leaf', spec: 'rsa', serialHex: '7f3a' });
    const provider = fromRolesAnywhere(
      { ...writeLeaf('serial', leaf, 'pkcs8'), ...arns, endpoint: sim.endpoint },
      { clock },
    );
    const credentials = await provider();
    const client = sts(sim, credentials);
    expect((await client.send(new GetCallerIdentityCommand({}))).Arn).toBe(
      `arn:aws:sts::${centralAccountId}:assumed-role/OrgraphCentralRole/7f3a`,
    );
    const member = sim.world.accounts.find((a) => a.id !== centralAccountId)!.id;
    const assumed = await client.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${member}:role/${sim.world.readRoleName}`,
        RoleSessionName: 'orgraph',
        ExternalId: sim.world.externalId,
      }),
    );
    client.destroy();
    expect(assumed.AssumedRoleUser?.Arn).toBe(
      `arn:aws:sts::${member}:assumed-role/${sim.world.readRoleName}/orgraph`,
    );
    expect(sim.log.entries({ service: 'rolesanywhere' })).toHaveLength(1);
  });

  it('reports an untrusted CA with the trust anchor and profile it concerns', async () => {
    const stranger = await makeCertificate(ca.untrustedRoot, { name: 'stranger', spec: 'rsa' });
    const provider = fromRolesAnywhere(
      { ...writeLeaf('stranger', stranger, 'pkcs8'), ...arns, endpoint: sim.endpoint },
      { clock },
    );
    const err = (await rejection(provider())) as RolesAnywhereServiceError;
    expect(err).toBeInstanceOf(RolesAnywhereServiceError);
    expect([err.code, err.status, err.serviceMessage]).toEqual([
      'AccessDeniedException',
      403,
      'Untrusted signing certificate',
    ]);
    expect(err.message).toContain(`trust anchor ${arns.trustAnchorArn}`);
    expect(err.message).toContain(`profile ${arns.profileArn}`);
    expect(err.requestId).toEqual(expect.any(String));
    expect(sim.log.entries().map((e) => [e.operation, e.status, e.errorCode])).toEqual([
      ['CreateSession', 403, 'AccessDeniedException'],
    ]);
  });

  it('reports a trust anchor the service does not know as ResourceNotFoundException', async () => {
    const leaf = await makeCertificate(ca.rsaRoot, { name: 'lost-leaf', spec: 'rsa' });
    const provider = fromRolesAnywhere(
      {
        ...writeLeaf('lost', leaf, 'pkcs8'),
        ...arns,
        trustAnchorArn: arns.otherAnchorArn,
        endpoint: sim.endpoint,
      },
      { clock },
    );
    const err = (await rejection(provider())) as RolesAnywhereServiceError;
    expect([err.code, err.status]).toEqual(['ResourceNotFoundException', 404]);
    expect(err.message).toContain(arns.otherAnchorArn);
  });

  it('refuses an expired certificate before any network call', async () => {
    const expired = await makeCertificate(ca.rsaRoot, {
      name: 'expired',
      spec: 'rsa',
      notBefore: new Date(Date.now() - 30 * DAY),
      notAfter: new Date(Date.now() - DAY),
    });
    const err = configError(() =>
      fromRolesAnywhere(
        { ...writeLeaf('expired', expired, 'pkcs8'), ...arns, endpoint: sim.endpoint },
        { clock },
      ),
    );
    expect(err.option).toBe('certificate');
    expect(err.message).toMatch(/has expired: valid until \d{4}-\d{2}-\d{2}T/);
    expect(sim.log.entries()).toHaveLength(0);
  });

  it('refuses a key that does not match the certificate before any network call', async () => {
    const leaf = await makeCertificate(ca.rsaRoot, { name: 'mismatch', spec: 'rsa' });
    const other = await makeCertificate(ca.rsaRoot, { name: 'other', spec: 'rsa' });
    const files = {
      ...writeLeaf('mismatch', leaf, 'pkcs8'),
      privateKey: writeLeaf('other', other, 'pkcs8').privateKey,
    };
    const err = configError(() =>
      fromRolesAnywhere({ ...files, ...arns, endpoint: sim.endpoint }, { clock }),
    );
    expect(err.option).toBe('privateKey');
    expect(err.message).toContain('does not match the certificate');
    expect(sim.log.entries()).toHaveLength(0);
  });

  it('refuses a wrong passphrase before any network call', async () => {
    const leaf = await makeCertificate(ca.p384Root, { name: 'locked', spec: 'p384' });
    const err = configError(() =>
      fromRolesAnywhere(
        {
          ...writeLeaf('locked', leaf, 'encrypted-pkcs8'),
          ...arns,
          endpoint: sim.endpoint,
          passphraseEnv: 'PW',
        },
        { clock, env: { PW: 'wrong ' + PASSPHRASE } },
      ),
    );
    expect(err.message).toContain('wrong passphrase');
    expect(sim.log.entries()).toHaveLength(0);
  });
});

describe('Roles Anywhere session lifetime against the sim', () => {
  const clock = manualClock();
  let sim: RunningSim;
  let files: Pick<RolesAnywhereOptions, 'certificate' | 'privateKey'>;
  beforeAll(async () => {
    sim = await startWorld(clock);
    files = writeLeaf(
      'lifetime',
      await makeCertificate(ca.rsaRoot, { name: 'lifetime-leaf', spec: 'p256' }),
      'sec1',
    );
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.log.reset();
    delete sim.knobs.credentialLifetimeSeconds;
  });

  it('lets concurrent callers share one CreateSession', async () => {
    const provider = fromRolesAnywhere({ ...files, ...arns, endpoint: sim.endpoint }, { clock });
    const results = await Promise.all(Array.from({ length: 25 }, () => provider()));
    expect(new Set(results.map((c) => c.accessKeyId)).size).toBe(1);
    expect(sim.log.entries({ operation: 'CreateSession' })).toHaveLength(1);
  });

  it('refreshes the session the window before it expires (time moved by the clock)', async () => {
    sim.knobs.credentialLifetimeSeconds = 120;
    const provider = fromRolesAnywhere(
      { ...files, ...arns, endpoint: sim.endpoint, refreshWindowSeconds: 30 },
      { clock },
    );
    const first = await provider();
    clock.advance(89_000); // 31 s left
    expect((await provider()).accessKeyId).toBe(first.accessKeyId);
    clock.advance(2_000); // 29 s left: renewed
    const second = await provider();
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
    expect(second.expiration.getTime() - clock()).toBeGreaterThan(30_000);
    expect(sim.log.entries({ operation: 'CreateSession' }).map((e) => e.status)).toEqual([201, 201]);
    const client = sts(sim, second);
    expect((await client.send(new GetCallerIdentityCommand({}))).Account).toBe(centralAccountId);
    client.destroy();
    clock.set(Date.now()); // back to real time for the SDK's own signatures
  });
});

describe('Roles Anywhere end to end: no secrets in messages', () => {
  it('shows no passphrase or key material in any error of this file', () => {
    expect(errorMessages.length).toBeGreaterThanOrEqual(5);
    for (const message of errorMessages) for (const secret of secrets) expect(message).not.toContain(secret);
  });
});
