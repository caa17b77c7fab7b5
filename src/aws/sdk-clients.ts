// The AWS SDK clients and commands orgraph sends, loaded with require(). Why: these packages are
// CommonJS without a "type" field, and Node 20 parses such a file imported from ESM once more, to
// detect its format, before loading it as CommonJS — about 200 ms of start-up for client-ec2's 2 MB
// alone, on every `orgraph` command. require() loads the very same module (one module cache: an
// ESM import elsewhere, a test's say, gets the same classes). Types: import them from the packages.
//
// The EC2 package is loaded on first use (ec2Sdk()): it is by far the largest (2 MB, ≈ 0.4 s to load on
// this project's 2-core machine), and a command that makes no EC2 call — an account list, `orgraph
// schema` — need not pay for it. createGateway asks for it before it sends anything, unless told not to
// (GatewayDeps.loadEc2Sdk).
import { createRequire } from 'node:module';
import type * as Ec2 from '@aws-sdk/client-ec2';
import type * as Organizations from '@aws-sdk/client-organizations';
import type * as Sts from '@aws-sdk/client-sts';

const require = createRequire(import.meta.url);
const organizations = require('@aws-sdk/client-organizations') as typeof Organizations;
const sts = require('@aws-sdk/client-sts') as typeof Sts;

let ec2: typeof Ec2 | undefined;

/** The EC2 client package (@aws-sdk/client-ec2), loaded the first time it is asked for. */
export function ec2Sdk(): typeof Ec2 {
  return (ec2 ??= require('@aws-sdk/client-ec2') as typeof Ec2);
}

export type EC2Client = Ec2.EC2Client;
export type DescribeRegionsCommand = Ec2.DescribeRegionsCommand;

export const {
  OrganizationsClient,
  DescribeAccountCommand,
  DescribeOrganizationCommand,
  DescribeOrganizationalUnitCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
} = organizations;
export type OrganizationsClient = Organizations.OrganizationsClient;

export const { STSClient, AssumeRoleCommand, GetCallerIdentityCommand } = sts;
export type STSClient = Sts.STSClient;
