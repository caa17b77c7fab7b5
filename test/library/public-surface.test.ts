// The library as a user sees it: only what src/index.ts exports. A gateway over the sim with the
// central principal from Roles Anywhere, an extra Apollo plugin that reads the context extension, and
// an AWS-call observer — which must have seen exactly the requests the sim logged, from the start-up
// CreateSession and GetCallerIdentity through AssumeRole, Organizations and EC2 to a readiness check.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, parseOrgraphConfig, startSim } from '../../src/index.js';
import type { AwsCallEvent, Gateway, GatewayPlugin, RunningSim } from '../../src/index.js';
import { keyPem, makeCertificate, makeRootCa, tempPkiDir } from '../credentials/roles-anywhere-fixtures.js';

const REGION = 'us-east-1';
const pki = tempPkiDir();
let sim: RunningSim;
let gateway: Gateway | undefined;
const events: AwsCallEvent[] = [];
const seen: { principal: unknown; tenant: unknown }[] = [];

const plugin: GatewayPlugin = {
  async requestDidStart({ contextValue }) {
    seen.push({ principal: contextValue.extension['principal'], tenant: contextValue.extension['tenant'] });
  },
};

beforeAll(async () => {
  sim = await startSim({ seed: 23, accounts: 4, regions: [REGION], instancesPerRegion: 3 });
  const central = sim.world.centralAccountId;
  const trustAnchorArn = `arn:aws:rolesanywhere:${REGION}:${central}:trust-anchor/11111111-2222-4333-8444-555555555555`;
  const profileArn = `arn:aws:rolesanywhere:${REGION}:${central}:profile/99999999-2222-4333-8444-555555555555`;
  const roleArn = `arn:aws:iam::${central}:role/OrgraphCentralRole`;
  const root = await makeRootCa({ name: 'library test root', spec: 'p256' });
  const leaf = await makeCertificate(root, { name: 'orgraph library', spec: 'p256' });
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
  const config = parseOrgraphConfig({
    credentials: {
      endpoints: { default: sim.endpoint },
      broker: { externalId: sim.world.externalId },
      centralPrincipal: {
        source: 'rolesAnywhere',
        rolesAnywhere: {
          certificate: pki.write('leaf.pem', leaf.certPem),
          privateKey: pki.write('leaf.key', keyPem(leaf.key, 'sec1')),
          trustAnchorArn,
          profileArn,
          roleArn,
        },
      },
    },
    graph: { regions: [REGION] },
  });
  sim.log.reset();
  gateway = await createGateway(config, {
    awsCallObserver: (event) => events.push(event),
    plugins: [plugin],
    contextExtension: (request) => ({ principal: request.principal, tenant: 'blue' }),
  });
});

afterAll(async () => {
  await gateway?.close();
  await sim?.close();
  pki.remove();
});

/** service:operation Region outcome [account] of each request, sorted: the observer's and the sim's. */
function observed(): string[] {
  return events
    .map((e) => `${e.service}:${e.operation} ${e.region} ${e.outcome} ${e.accountId ?? '-'}`)
    .sort();
}
function logged(): string[] {
  return sim.log
    .entries()
    .map((e) => {
      const outcome = e.status < 300 ? 'OK' : (e.errorCode ?? String(e.status));
      // The observer names the account a call reads: EC2's caller, AssumeRole's target, the role ARN's.
      const account =
        e.service === 'ec2'
          ? e.accountId
          : e.operation === 'AssumeRole'
            ? String(e.params['RoleArn']).split(':')[4]
            : e.service === 'rolesanywhere'
              ? String(e.params['roleArn']).split(':')[4]
              : '-';
      return `${e.service}:${e.operation} ${e.region} ${outcome} ${account}`;
    })
    .sort();
}

describe('the public surface', () => {
  it('runs an operation; the observer saw exactly the calls the sim logged, start-up included', async () => {
    const result = await gateway!.execute('{ instances { totalCount nodes { instanceId } } }', undefined, {
      principal: 'alice',
    });
    const active = sim.world.accounts.filter((a) => a.state === 'ACTIVE').length;
    expect(result.errors).toBeUndefined();
    expect(result.data?.['instances']).toMatchObject({ totalCount: active * 3 });
    expect(seen).toEqual([{ principal: 'alice', tenant: 'blue' }]);

    expect(observed()).toEqual(logged());
    const operations = new Set(events.map((e) => `${e.service}:${e.operation}`));
    for (const op of [
      'rolesanywhere:CreateSession',
      'sts:GetCallerIdentity',
      'sts:AssumeRole',
      'organizations:ListAccounts',
      'ec2:DescribeInstances',
    ])
      expect(operations).toContain(op);
    for (const e of events) {
      expect(e.attempt).toBeGreaterThanOrEqual(1);
      expect(e.durationMs).toBeGreaterThanOrEqual(0);
      if (e.outcome === 'OK') expect(e.bytes).toBeGreaterThan(0);
    }
    expect(gateway!.stats().sessions.sessions).toBe(active);
  });

  it('reports the readiness check calls too, and the schema is the one served', async () => {
    expect(await gateway!.ready()).toEqual({ ready: true });
    expect(observed()).toEqual(logged());
    expect(events.filter((e) => e.operation === 'GetCallerIdentity')).toHaveLength(2);
    expect(gateway!.schema.getQueryType()?.getFields()['instances']).toBeDefined();
  });
});
