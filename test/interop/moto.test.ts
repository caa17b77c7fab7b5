// The same organization-wide query against moto, an independent AWS emulator, seeded through the AWS
// SDK: proof that the gateway is not tuned to our own sim. Skipped with a visible message where moto
// is not installed; .ci/run makes its absence a failure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { createGateway } from '../../src/gateway.js';
import type { Gateway } from '../../src/gateway.js';
import { parseOrgraphConfig } from '../../src/config/orgraph-config.js';
import { restoreEnvironment, useEmulatorEnvironment } from '../helpers/gateway-env.js';
import { motoAvailable, requireMotoOrSkip, startMoto } from '../helpers/moto.js';
import type { RunningMoto } from '../helpers/moto.js';

requireMotoOrSkip('moto interop test');

const CREDENTIALS = {
  accessKeyId: 'AKIAMOTOTESTKEY00000',
  secretAccessKey: 'moto-test-secret-key-0000000000000000000',
};
const REGIONS = ['us-east-1', 'eu-west-1'];
const EXTERNAL_ID = 'orgraph-moto';

let moto: RunningMoto | undefined;
let endpoint = '';
let gateway: Gateway | undefined;
/** What we seeded: instance id → "account/region". */
const seeded = new Map<string, string>();
/** The security group we made in each account and Region: group id → what the gateway must answer. */
const seededGroups = new Map<string, { groupName: string; vpcId: string; place: string }>();
/** Instance id → the id of the seeded group it runs in. */
const instanceGroup = new Map<string, string>();

const client = <T>(Ctor: new (config: object) => T, region: string, credentials: object = CREDENTIALS): T =>
  new Ctor({ endpoint, region, credentials, maxAttempts: 2 });

async function seed(): Promise<void> {
  const org = client(OrganizationsClient, 'us-east-1');
  await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const accountIds: string[] = [];
  for (let i = 0; i < 3; i++) {
    const out = await org.send(
      new CreateAccountCommand({ AccountName: `member-${i}`, Email: `member-${i}@example.com` }),
    );
    accountIds.push(out.CreateAccountStatus!.AccountId!);
  }
  const sts = client(STSClient, 'us-east-1');
  for (const [a, accountId] of accountIds.entries()) {
    const assumed = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${accountId}:role/CMDBReadRole`,
        RoleSessionName: 'seed',
        ExternalId: EXTERNAL_ID,
      }),
    );
    const c = assumed.Credentials!;
    const creds = {
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: c.SessionToken!,
    };
    for (const region of REGIONS) {
      const ec2 = client(EC2Client, region, creds);
      const images = await ec2.send(new DescribeImagesCommand({}));
      const imageId = images.Images?.[0]?.ImageId;
      if (!imageId) throw new Error('moto offered no AMI');
      const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }));
      const subnet = await ec2.send(
        new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId!, CidrBlock: '10.20.1.0/24' }),
      );
      const groupName = `orgraph-app-${a}`;
      const group = await ec2.send(
        new CreateSecurityGroupCommand({
          GroupName: groupName,
          Description: 'orgraph interop',
          VpcId: vpc.Vpc!.VpcId!,
        }),
      );
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: group.GroupId!,
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
          ],
        }),
      );
      seededGroups.set(group.GroupId!, {
        groupName,
        vpcId: vpc.Vpc!.VpcId!,
        place: `${accountId}/${region}`,
      });
      const count = 2 + a; // a different number per account
      const run = await ec2.send(
        new RunInstancesCommand({
          ImageId: imageId,
          MinCount: count,
          MaxCount: count,
          InstanceType: 't3.micro',
          SubnetId: subnet.Subnet!.SubnetId!,
          SecurityGroupIds: [group.GroupId!],
          TagSpecifications: [
            { ResourceType: 'instance', Tags: [{ Key: 'Name', Value: `m${a}-${region}` }] },
          ],
        }),
      );
      for (const instance of run.Instances ?? []) {
        seeded.set(instance.InstanceId!, `${accountId}/${region}`);
        instanceGroup.set(instance.InstanceId!, group.GroupId!);
      }
    }
  }
}

beforeAll(async () => {
  if (!motoAvailable) return;
  moto = await startMoto();
  endpoint = moto.endpoint;
  await seed();
  useEmulatorEnvironment(CREDENTIALS);
  gateway = await createGateway(
    parseOrgraphConfig({
      credentials: { endpoints: { default: endpoint }, broker: { externalId: EXTERNAL_ID } },
      graph: { regions: REGIONS },
    }),
  );
}, 120_000);

afterAll(async () => {
  await gateway?.close();
  restoreEnvironment();
  moto?.stop();
});

describe.skipIf(!motoAvailable)('interop with moto', () => {
  it('answers the organization-wide instance query with exactly what was seeded', async () => {
    const result = await gateway!.execute(`{
      instances(first: 1000) {
        totalCount
        nodes { instanceId name instanceType account { accountId } region { name } }
        failures { code accountId region }
      }
    }`);
    expect(result.errors).toBeUndefined();
    const connection = result.data!['instances'] as {
      nodes: {
        instanceId: string;
        name: string;
        instanceType: string;
        account: { accountId: string };
        region: { name: string };
      }[];
      failures: unknown[];
    };
    expect(connection.failures).toEqual([]);
    const got = new Map(
      connection.nodes.map((n) => [n.instanceId, `${n.account.accountId}/${n.region.name}`]),
    );
    expect(got.size).toBe(connection.nodes.length);
    expect(Object.fromEntries(got)).toEqual(Object.fromEntries(seeded));
    expect(connection.nodes.every((n) => n.instanceType === 't3.micro' && /^m\d-/.test(n.name))).toBe(true);
  });

  it('lists the organization’s accounts as moto reports them', async () => {
    const result = await gateway!.execute('{ organization { accounts { nodes { accountId name } } } }');
    const names = (
      result.data!['organization'] as { accounts: { nodes: { name: string }[] } }
    ).accounts.nodes.map((n) => n.name);
    expect(names).toEqual(expect.arrayContaining(['member-0', 'member-1', 'member-2']));
  });

  it('answers security groups, their rules and the instances’ groups as seeded', async () => {
    const result = await gateway!.execute(`{
      securityGroups { nodes { groupId groupName description vpcId account { accountId } region { name }
        ingress { protocol fromPort toPort ipv4Ranges { cidr } } } failures { code } }
      instances(first: 1000) { nodes { instanceId securityGroups { groupId groupName description } } }
    }`);
    expect(result.errors).toBeUndefined();
    type Group = {
      groupId: string;
      groupName: string;
      description: string;
      vpcId: string;
      account: { accountId: string };
      region: { name: string };
      ingress: {
        protocol: string;
        fromPort: number | null;
        toPort: number | null;
        ipv4Ranges: { cidr: string }[];
      }[];
    };
    const groups = (result.data!['securityGroups'] as { nodes: Group[]; failures: unknown[] }).nodes;
    const ours = groups.filter((g) => seededGroups.has(g.groupId));
    expect(
      Object.fromEntries(
        ours.map((g) => [
          g.groupId,
          { groupName: g.groupName, vpcId: g.vpcId, place: `${g.account.accountId}/${g.region.name}` },
        ]),
      ),
    ).toEqual(Object.fromEntries(seededGroups));
    for (const g of ours) {
      expect(g.description).toBe('orgraph interop');
      expect(g.ingress).toEqual([
        { protocol: 'tcp', fromPort: 8080, toPort: 8080, ipv4Ranges: [{ cidr: '10.0.0.0/8' }] },
      ]);
    }
    // moto makes each VPC's default group too; every group is in a seeded account and Region.
    expect(groups.some((g) => g.groupName === 'default')).toBe(true);
    const instances = (
      result.data!['instances'] as {
        nodes: {
          instanceId: string;
          securityGroups: { groupId: string; groupName: string; description: string }[];
        }[];
      }
    ).nodes;
    expect(instances).toHaveLength(seeded.size);
    for (const i of instances) {
      const groupId = instanceGroup.get(i.instanceId) as string;
      expect(i.securityGroups).toEqual([
        { groupId, groupName: seededGroups.get(groupId)?.groupName, description: 'orgraph interop' },
      ]);
    }
  });
});
