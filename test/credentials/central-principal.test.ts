// The central principal against the simulated AWS: the SDK default chain, named profiles (plain and
// with role_arn), native Roles Anywhere; start-up validation with errors that say what to fix; and
// role chaining detected and honoured by the broker.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import {
  CentralPrincipalError,
  createCentralPrincipal,
  validateCentralPrincipal,
} from '../../src/credentials/central-principal.js';
import type { CentralPrincipalConfig } from '../../src/credentials/central-principal.js';
import { SessionBroker } from '../../src/credentials/session-broker.js';
import { SessionDurationTooLongError } from '../../src/credentials/session-errors.js';
import { createLogger } from '../../src/log.js';
import { manualClock } from '../helpers/clock.js';
import { keyPem, makeCertificate, makeRootCa, tempPkiDir } from './roles-anywhere-fixtures.js';
import { rejectionOf } from '../helpers/rejection.js';

const clock = manualClock(Math.floor(Date.now() / 1000) * 1000);
const files = tempPkiDir();
let sim: RunningSim;
const savedEnv = { ...process.env };
const messages: string[] = [];

/** The environment the SDK's default chain sees: nothing from this machine, only what a test sets. */
function isolateEnv(extra: Record<string, string> = {}): void {
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  process.env['AWS_CONFIG_FILE'] = join(files.dir, 'no-config');
  process.env['AWS_SHARED_CREDENTIALS_FILE'] = join(files.dir, 'no-credentials');
  process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
  Object.assign(process.env, extra);
}

function validate(config: CentralPrincipalConfig, stsRegion = 'eu-west-1') {
  const principal = createCentralPrincipal(config, { clock, endpoints: { default: sim.endpoint } });
  return validateCentralPrincipal(principal, { stsRegion, endpoints: { default: sim.endpoint } }).then(
    (identity) => ({ principal, identity }),
  );
}

async function refusal(promise: Promise<unknown>): Promise<CentralPrincipalError> {
  const err = await rejectionOf(promise, messages);
  expect(err).toBeInstanceOf(CentralPrincipalError);
  return err as CentralPrincipalError;
}

beforeAll(async () => {
  sim = await startSim({ seed: 21, accounts: 4, regions: ['us-east-1'], instancesPerRegion: 1, clock });
});
afterAll(async () => {
  process.env = savedEnv;
  files.remove();
  await sim.close();
});
beforeEach(() => {
  isolateEnv();
  sim.log.reset();
});
afterEach(() => {
  process.env = { ...savedEnv };
});

describe('central principal: default chain and profiles', () => {
  it('validates credentials from the environment with GetCallerIdentity at the configured Region', async () => {
    isolateEnv({
      AWS_ACCESS_KEY_ID: sim.central.accessKeyId,
      AWS_SECRET_ACCESS_KEY: sim.central.secretAccessKey,
    });
    const { identity } = await validate({ source: 'default' });
    expect(identity).toEqual({
      source: 'default',
      accountId: sim.world.centralAccountId,
      arn: sim.world.centralUser.arn,
      userId: sim.world.centralUser.userId,
      partition: 'aws',
      isRoleSession: false,
    });
    expect(sim.log.entries({ service: 'sts', operation: 'GetCallerIdentity' }).map((e) => e.region)).toEqual([
      'eu-west-1',
    ]);
  });

  it('says plainly when the default chain finds nothing', async () => {
    const err = await refusal(validate({ source: 'default' }));
    expect(err.message).toMatch(
      /^no credentials from the default chain \(environment, shared config and credentials files, SSO, credential_process, container and instance metadata\)/,
    );
    expect(sim.log.count()).toBe(0);
  });

  it('reads a named profile from the shared credentials file', async () => {
    const credentialsFile = files.write(
      'credentials',
      `[ops]\naws_access_key_id = ${sim.central.accessKeyId}\naws_secret_access_key = ${sim.central.secretAccessKey}\n`,
    );
    isolateEnv({ AWS_SHARED_CREDENTIALS_FILE: credentialsFile });
    const { principal, identity } = await validate({ source: 'profile', profile: 'ops' });
    expect(principal.description).toBe("profile 'ops'");
    expect(identity).toMatchObject({
      source: 'profile',
      arn: sim.world.centralUser.arn,
      isRoleSession: false,
    });
  });

  it('reports a profile that is in neither file as "profile \'x\' not found in <config> or <credentials>"', async () => {
    const configFile = files.write('config-other', '[profile other]\nregion = us-east-1\n');
    isolateEnv({ AWS_CONFIG_FILE: configFile });
    const err = await refusal(validate({ source: 'profile', profile: 'nope' }));
    expect(err.message).toBe(
      `profile 'nope' not found in ${configFile} or ${join(files.dir, 'no-credentials')}`,
    );
    expect(sim.log.count()).toBe(0);
  });

  it('detects a role session (assumed-role ARN) behind a profile with role_arn: AssumeRole from there is chaining', async () => {
    const member = sim.world.accounts[1]!.id;
    const configFile = files.write(
      'config-chained',
      [
        '[profile base]',
        `aws_access_key_id = ${sim.central.accessKeyId}`,
        `aws_secret_access_key = ${sim.central.secretAccessKey}`,
        '[profile chained]',
        `role_arn = arn:aws:iam::${member}:role/${sim.world.readRoleName}`,
        'source_profile = base',
        `external_id = ${sim.world.externalId}`,
        'region = us-east-1',
        '',
      ].join('\n'),
    );
    isolateEnv({ AWS_CONFIG_FILE: configFile });
    const { identity } = await validate({ source: 'profile', profile: 'chained' });
    expect(identity.arn).toMatch(
      new RegExp(`^arn:aws:sts::${member}:assumed-role/${sim.world.readRoleName}/`),
    );
    expect(identity).toMatchObject({ accountId: member, isRoleSession: true });
    expect(sim.log.count({ service: 'sts', operation: 'AssumeRole' })).toBe(1);
  });

  it('explains a secret key that does not belong to its access key, without printing it', async () => {
    const wrongSecret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    isolateEnv({ AWS_ACCESS_KEY_ID: sim.central.accessKeyId, AWS_SECRET_ACCESS_KEY: wrongSecret });
    const err = await refusal(validate({ source: 'default' }));
    expect(err.awsErrorCode).toBe('SignatureDoesNotMatch');
    expect(err.message).toMatch(
      /^STS rejected the signature of the default credential chain \(SignatureDoesNotMatch\): the secret key does not belong to the access key/,
    );
    expect(err.message).not.toContain(wrongSecret);
  });

  it('explains an access key STS does not know', async () => {
    isolateEnv({ AWS_ACCESS_KEY_ID: 'AKIAUNKNOWNUNKNOWN00', AWS_SECRET_ACCESS_KEY: 'x'.repeat(40) });
    const err = await refusal(validate({ source: 'default' }));
    expect(err.awsErrorCode).toBe('InvalidClientTokenId');
    expect(err.message).toContain('STS does not know the access key of the default credential chain');
  });

  it('explains an STS it cannot reach, naming the endpoint', async () => {
    isolateEnv({
      AWS_ACCESS_KEY_ID: sim.central.accessKeyId,
      AWS_SECRET_ACCESS_KEY: sim.central.secretAccessKey,
    });
    const closed = await startSim({ seed: 1, accounts: 1, regions: ['us-east-1'], instancesPerRegion: 0 });
    await closed.close();
    const principal = createCentralPrincipal({ source: 'default' }, { clock });
    const err = await refusal(
      validateCentralPrincipal(principal, { stsRegion: 'us-east-1', endpoints: { sts: closed.endpoint } }),
    );
    expect(err.message).toMatch(
      new RegExp(`^could not reach STS at ${closed.endpoint} to validate the default credential chain`),
    );
  });

  it('shares one memoized provider that the SDK will not wrap again', async () => {
    isolateEnv({
      AWS_ACCESS_KEY_ID: sim.central.accessKeyId,
      AWS_SECRET_ACCESS_KEY: sim.central.secretAccessKey,
    });
    const principal = createCentralPrincipal({ source: 'default' }, { clock });
    expect(principal.credentials.memoized).toBe(true);
    const [a, b] = await Promise.all([principal.credentials(), principal.credentials()]);
    expect(a).toBe(b);
    expect(a.accessKeyId).toBe(sim.central.accessKeyId);
  });

  it('never put a secret into an error message', () => {
    expect(messages.length).toBeGreaterThan(4);
    for (const m of messages) expect(m).not.toContain(sim.central.secretAccessKey);
  });
});

describe('central principal: Roles Anywhere, and role chaining in the broker', () => {
  const REGION = 'eu-west-1';

  it('validates a Roles Anywhere principal as a role session, and the broker caps AssumeRole at one hour', async () => {
    const centralAccountId = sim.world.centralAccountId;
    const trustAnchorArn = `arn:aws:rolesanywhere:${REGION}:${centralAccountId}:trust-anchor/0a0a0a0a-2222-4333-8444-555555555555`;
    const profileArn = `arn:aws:rolesanywhere:${REGION}:${centralAccountId}:profile/0b0b0b0b-2222-4333-8444-555555555555`;
    const roleArn = `arn:aws:iam::${centralAccountId}:role/OrgraphCentralRole`;
    const root = await makeRootCa({ name: 'central test root', spec: 'p256' });
    const leaf = await makeCertificate(root, { name: 'orgraph gateway', spec: 'p256' });
    sim.rolesAnywhere.trustAnchors.set(trustAnchorArn, {
      arn: trustAnchorArn,
      region: REGION,
      caCertificatesPem: [root.certPem],
      enabled: true,
    });
    sim.rolesAnywhere.profiles.set(profileArn, {
      arn: profileArn,
      region: REGION,
      roleArns: [roleArn],
      durationSeconds: 3600,
      acceptRoleSessionName: false,
      enabled: true,
    });
    const config: CentralPrincipalConfig = {
      source: 'rolesAnywhere',
      rolesAnywhere: {
        certificate: files.write('leaf.pem', leaf.certPem),
        privateKey: files.write('leaf.key', keyPem(leaf.key, 'sec1')),
        trustAnchorArn,
        profileArn,
        roleArn,
      },
    };

    const { principal, identity } = await validate(config);
    expect(identity).toMatchObject({
      source: 'rolesAnywhere',
      accountId: centralAccountId,
      isRoleSession: true,
    });
    expect(identity.arn).toMatch(/:assumed-role\/OrgraphCentralRole\//);
    expect(sim.log.count({ service: 'rolesanywhere' })).toBe(1);

    const member = sim.world.accounts[2]!.id;
    const lines: string[] = [];
    const brokerOptions = {
      sts: {
        region: 'us-east-1',
        credentials: principal.credentials,
        endpoint: sim.endpoint,
        maxAttempts: 1,
      },
      role: { roleName: sim.world.readRoleName },
      externalId: sim.world.externalId,
      durationSeconds: 7200,
      clock,
      logger: createLogger({ sink: (l) => lines.push(l), clock }),
    };
    // Without the cap AWS (and the sim) refuse more than an hour for a chained session.
    const uncapped = new SessionBroker({ ...brokerOptions, roleChaining: false });
    await expect(uncapped.credentialsFor(member)).rejects.toBeInstanceOf(SessionDurationTooLongError);

    const capped = new SessionBroker({ ...brokerOptions, roleChaining: identity.isRoleSession });
    expect(capped.durationSeconds).toBe(3600);
    expect(lines.filter((l) => l.includes('role chaining'))).toHaveLength(1);
    const session = await capped.credentialsFor(member);
    expect(session.accessKeyId).toMatch(/^ASIA/);
    const assumes = sim.log.entries({ service: 'sts', operation: 'AssumeRole' });
    expect(assumes.map((e) => [e.params['DurationSeconds'], e.status])).toEqual([
      ['7200', 400],
      ['3600', 200],
    ]);
    // One CreateSession served validation and both brokers.
    expect(sim.log.count({ service: 'rolesanywhere' })).toBe(1);
  });
});
