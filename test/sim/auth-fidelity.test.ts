// How the sim's core authenticates, where AWS is strict: the credential scope must name the service the
// request is for and a Region it serves (Organizations only us-east-1; STS only Regions the caller's
// account has enabled), a long-term key carries no session token, the payload is always hashed and the
// date always signed, and every answer's Date header is the sim's time (the SDKs correct clock skew
// from it). Real SDK clients where they can express the case, requests signed by the SDK's own signer
// (@smithy/signature-v4) where they cannot.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { EC2Client, DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { OrganizationsClient, ListRootsCommand, ListAccountsCommand } from '@aws-sdk/client-organizations';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { signedFormPost } from '../helpers/signed-request.js';
import type { SignedPostOptions } from '../helpers/signed-request.js';
import { startSim } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { manualClock } from '../helpers/clock.js';
import type { ManualClock } from '../helpers/clock.js';
import {
  assumeReadRole,
  awsError,
  centralCredentials,
  ec2Client,
  organizationsClient,
  stsClient,
} from '../helpers/sim-clients.js';

let sim: RunningSim;
let clock: ManualClock;

beforeEach(async () => {
  clock = manualClock();
  sim = await startSim({ seed: 7, accounts: 4, regions: ['us-east-1'], instancesPerRegion: 2, clock });
});
afterEach(async () => {
  await sim.close();
});

const EC2_BODY = 'Action=DescribeRegions&Version=2016-11-15';
const STS_BODY = 'Action=GetCallerIdentity&Version=2011-06-15';

/** POSTs a form body signed by the SDK's signer for `service`/`region`, at the sim's clock. */
function signedPost(
  body: string,
  options: Omit<SignedPostOptions, 'credentials' | 'signingDate'> & { credentials?: AwsCredentialIdentity },
) {
  return signedFormPost(sim.endpoint, body, {
    ...options,
    credentials: options.credentials ?? centralCredentials(sim),
    signingDate: new Date(clock()),
  });
}

describe('the credential scope must fit the service the request is for', () => {
  it('refuses an EC2 request signed for another service with EC2’s signature error', async () => {
    for (const service of ['iam', 'sts', 'organizations']) {
      const res = await signedPost(EC2_BODY, { service });
      expect(res.status).toBe(401);
      expect(res.text).toContain('<Code>AuthFailure</Code>');
      expect(res.text).toContain('Credential should be scoped to correct service: &apos;ec2&apos;. ');
    }
    expect(sim.log.count({ service: 'ec2', operation: 'DescribeRegions', errorCode: 'AuthFailure' })).toBe(3);
    expect(sim.log.count({ status: 200 })).toBe(0);
  });

  it('refuses an STS request signed for EC2 with SignatureDoesNotMatch, and accepts it signed for sts', async () => {
    const wrong = await signedPost(STS_BODY, { service: 'ec2' });
    expect(wrong.status).toBe(403);
    expect(wrong.text).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect(wrong.text).toContain('Credential should be scoped to correct service: &apos;sts&apos;. ');
    const right = await signedPost(STS_BODY, { service: 'sts' });
    expect(right.status).toBe(200);
    expect(right.text).toContain(`<Account>${sim.world.centralAccountId}</Account>`);
    expect(sim.log.entries().map((e) => [e.service, e.status])).toEqual([
      ['sts', 403],
      ['sts', 200],
    ]);
  });

  it('requires Organizations to be signed for us-east-1', async () => {
    const elsewhere = new OrganizationsClient({
      endpoint: sim.endpoint,
      region: 'eu-west-1',
      credentials: centralCredentials(sim),
      maxAttempts: 1,
    });
    expect(await awsError(elsewhere.send(new ListAccountsCommand({})))).toEqual({
      name: 'InvalidSignatureException',
      status: 400,
      message: "Credential should be scoped to a valid region, not 'eu-west-1'. ",
    });
    const roots = await organizationsClient(sim).send(new ListRootsCommand({}));
    expect(roots.Roots?.map((r) => r.Id)).toEqual([sim.world.organization.root.id]);
  });

  it('requires STS and EC2 to be signed for a Region that exists', async () => {
    expect(
      await awsError(
        stsClient(sim, centralCredentials(sim), 'xx-fake-9').send(new GetCallerIdentityCommand({})),
      ),
    ).toEqual({
      name: 'SignatureDoesNotMatch',
      status: 403,
      message: 'Credential should be scoped to a valid region. ',
    });
    const creds = await assumeReadRole(sim, sim.world.accounts[1]!.id);
    expect(await awsError(ec2Client(sim, creds, 'xx-fake-9').send(new DescribeRegionsCommand({})))).toEqual({
      name: 'AuthFailure',
      status: 401,
      message: "Credential should be scoped to a valid region, not 'xx-fake-9'. ",
    });
  });

  it('refuses STS in a Region the caller’s account has not enabled, and answers in one it opted into', async () => {
    const central = sim.world.accountById.get(sim.world.centralAccountId)!;
    const optIns = [...sim.world.optInRegions];
    const disabled = optIns.filter((r) => !central.enabledRegions.has(r));
    expect(disabled.length).toBeGreaterThanOrEqual(2);
    const [stillDisabled, optedIn] = disabled as [string, string];
    expect(
      await awsError(
        stsClient(sim, centralCredentials(sim), stillDisabled).send(new GetCallerIdentityCommand({})),
      ),
    ).toEqual({
      name: 'InvalidClientTokenId',
      status: 403,
      message: 'The security token included in the request is invalid.',
    });
    // Opting the account into a Region makes STS answer there.
    central.enabledRegions.add(optedIn);
    const out = await stsClient(sim, centralCredentials(sim), optedIn).send(new GetCallerIdentityCommand({}));
    expect(out.Account).toBe(central.id);
    // A Region a scenario disables for a member account refuses that account's role session too.
    const member = sim.world.accounts[1]!.id;
    const creds = await assumeReadRole(sim, member);
    sim.knobs.scenarios.set(member, { disabledRegions: ['eu-west-1'] });
    expect(
      (await awsError(stsClient(sim, creds, 'eu-west-1').send(new GetCallerIdentityCommand({})))).name,
    ).toBe('InvalidClientTokenId');
    expect((await stsClient(sim, creds, 'us-east-1').send(new GetCallerIdentityCommand({}))).Account).toBe(
      member,
    );
  });
});

describe('a long-term key carries no session token', () => {
  it('refuses an AKIA key sent with X-Amz-Security-Token, with each service’s invalid-token error', async () => {
    const withToken = { ...centralCredentials(sim), sessionToken: 'bogus' };
    expect(await awsError(stsClient(sim, withToken).send(new GetCallerIdentityCommand({})))).toEqual({
      name: 'InvalidClientTokenId',
      status: 403,
      message: 'The security token included in the request is invalid.',
    });
    expect(await awsError(ec2Client(sim, withToken).send(new DescribeRegionsCommand({})))).toMatchObject({
      name: 'AuthFailure',
      status: 401,
    });
    expect(await awsError(organizationsClient(sim, withToken).send(new ListRootsCommand({})))).toMatchObject({
      name: 'UnrecognizedClientException',
      status: 400,
    });
    // Without the header the same key works.
    expect((await stsClient(sim).send(new GetCallerIdentityCommand({}))).Account).toBe(
      sim.world.centralAccountId,
    );
  });
});

describe('the payload and the date are always signed', () => {
  it('hashes the real body even when x-amz-content-sha256 says UNSIGNED-PAYLOAD', async () => {
    const creds = await assumeReadRole(sim, sim.world.accounts[1]!.id);
    const unsigned = { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' };
    for (const sendBody of [EC2_BODY, `${EC2_BODY}&AllRegions=true`]) {
      const res = await signedPost(EC2_BODY, {
        service: 'ec2',
        credentials: creds,
        headers: unsigned,
        sendBody,
      });
      expect(res.status).toBe(401);
      expect(res.text).toContain('<Code>AuthFailure</Code>');
    }
    // The real body hash declared in the header is fine.
    const { createHash } = await import('node:crypto');
    const hashed = { 'x-amz-content-sha256': createHash('sha256').update(EC2_BODY).digest('hex') };
    expect((await signedPost(EC2_BODY, { service: 'ec2', credentials: creds, headers: hashed })).status).toBe(
      200,
    );
  });
});

describe('the Date header is the sim’s time', () => {
  it('dates every answer (success, error, admin) by the sim clock, not the wall clock', async () => {
    clock.advance(3 * 3_600_000);
    const expected = new Date(clock()).toUTCString();
    const ok = await fetch(`${sim.endpoint}/__sim/health`);
    expect(ok.headers.get('date')).toBe(expected);
    const answered = await signedPost(STS_BODY, { service: 'sts' });
    expect(answered.status).toBe(200);
    expect(answered.date).toBe(expected);
    const wrongService = await signedPost(STS_BODY, { service: 'iam' });
    expect(wrongService.status).toBe(403);
    expect(wrongService.date).toBe(expected);
  });

  it('lets an SDK client whose clock is 20 minutes off succeed after one skew error, for each service', async () => {
    const member = await assumeReadRole(sim, sim.world.accounts[1]!.id);
    // The sim runs 20 minutes ahead of the client's clock, then 20 minutes behind it.
    for (const offset of [20 * 60_000, -40 * 60_000]) {
      clock.advance(offset);
      sim.log.reset();
      // Default retries and clock-skew correction (no maxAttempts override); a fresh client each time.
      const common = { endpoint: sim.endpoint, region: 'us-east-1', credentials: centralCredentials(sim) };
      const identity = await new STSClient(common).send(new GetCallerIdentityCommand({}));
      expect(identity.Account).toBe(sim.world.centralAccountId);
      const roots = await new OrganizationsClient(common).send(new ListRootsCommand({}));
      expect(roots.Roots).toHaveLength(1);
      const regions = await new EC2Client({ ...common, credentials: member }).send(
        new DescribeRegionsCommand({}),
      );
      expect(regions.Regions?.length).toBeGreaterThan(0);
      expect(sim.log.entries().map((e) => [e.operation, e.status, e.errorCode])).toEqual([
        ['GetCallerIdentity', 403, 'SignatureDoesNotMatch'],
        ['GetCallerIdentity', 200, undefined],
        ['ListRoots', 400, 'InvalidSignatureException'],
        ['ListRoots', 200, undefined],
        ['DescribeRegions', 400, 'RequestExpired'],
        ['DescribeRegions', 200, undefined],
      ]);
    }
  });
});
