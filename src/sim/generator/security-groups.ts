// The security groups of one (account, Region): full records for the groups instances refer to, plus a
// few groups no instance uses, with ingress and egress rules as teams really write them.
//
// The group ids and names of the groups instances use come from the main EC2 stream (ec2-data.ts draws
// them per VPC, before any instance); everything else here (rules, descriptions, tags, the unused
// groups and their ids) comes from a separate stream, `<seed>|<account>|<Region>|security-groups`, so
// adding security groups left every VPC, subnet and instance of the EC2 stream exactly as it was.
//
// Per VPC, in this order: the `default` group ("default VPC security group"; all traffic from itself,
// no tags, as AWS creates it), `<team>-web`, `<team>-app`, `<team>-db`, `ssh-from-bastion`, then 0–2
// unused groups (`launch-wizard-<n>`, `<team>-monitoring`). Rules reference other groups of the same
// VPC (app ← web on 8080, db ← app, app ← bastion on 22, default ← itself).
import type { SimIpPermission, SimSecurityGroup, SimUserIdGroupPair, SimVpc, Tag } from '../model.js';
import type { AccountProfile } from './organization.js';
import { REFERENCE_TIME_MS } from './organization.js';
import { Rng } from './prng.js';

/** The part a group plays in a VPC; instances use the first five. */
export type SecurityGroupRole = 'default' | 'web' | 'app' | 'db' | 'bastion' | 'wizard' | 'monitoring';

/** The groups every VPC has (and instances pick from), in the order their ids are drawn. */
export const VPC_SECURITY_GROUP_ROLES: readonly SecurityGroupRole[] = [
  'default',
  'web',
  'app',
  'db',
  'bastion',
];

export function securityGroupNameFor(role: SecurityGroupRole, team: string): string {
  switch (role) {
    case 'default':
      return 'default';
    case 'bastion':
      return 'ssh-from-bastion';
    default:
      return `${team}-${role}`;
  }
}

export interface VpcSecurityGroupRefs {
  vpc: SimVpc;
  /** The groups instances may use, with their ids from the EC2 stream. */
  groups: readonly { role: SecurityGroupRole; groupId: string; groupName: string }[];
}

export interface SecurityGroupsInput {
  seed: number;
  accountId: string;
  region: string;
  profile: AccountProfile;
  vpcs: readonly VpcSecurityGroupRefs[];
}

const DAY_MS = 24 * 3_600_000;
const ANYWHERE = '0.0.0.0/0';
const ANYWHERE_V6 = '::/0';

interface Draft {
  role: SecurityGroupRole;
  groupId: string;
  groupName: string;
}

export function deriveSecurityGroups(input: SecurityGroupsInput): SimSecurityGroup[] {
  const { seed, accountId, region, profile } = input;
  const rng = Rng.from(`${seed}|${accountId}|${region}|security-groups`);
  const taken = new Set(input.vpcs.flatMap((v) => v.groups.map((g) => g.groupId)));
  const newGroupId = (): string => {
    for (;;) {
      const id = `sg-${rng.hex(17)}`;
      if (!taken.has(id)) {
        taken.add(id);
        return id;
      }
    }
  };
  let wizards = 0;
  const out: SimSecurityGroup[] = [];
  for (const { vpc, groups } of input.vpcs) {
    const drafts: Draft[] = [...groups];
    if (!drafts.some((g) => g.role === 'default'))
      drafts.unshift({ role: 'default', groupId: newGroupId(), groupName: 'default' });
    const extras = rng.weighted<number>([
      [0, 50],
      [1, 35],
      [2, 15],
    ]);
    for (let e = 0; e < extras; e++) {
      const role: SecurityGroupRole = e === 0 && rng.chance(0.5) ? 'wizard' : 'monitoring';
      if (drafts.some((g) => g.role === role)) continue;
      const groupName =
        role === 'wizard' ? `launch-wizard-${++wizards}` : securityGroupNameFor(role, profile.team);
      drafts.push({ role, groupId: newGroupId(), groupName });
    }
    const idOf = (role: SecurityGroupRole): string | undefined =>
      drafts.find((g) => g.role === role)?.groupId;
    for (const draft of drafts) {
      const ctx: RuleContext = { rng, accountId, vpc, idOf, self: draft.groupId };
      const description = descriptionFor(rng, draft, profile.team);
      out.push({
        groupId: draft.groupId,
        groupName: draft.groupName,
        description,
        vpcId: vpc.vpcId,
        ownerId: accountId,
        securityGroupArn: `arn:aws:ec2:${region}:${accountId}:security-group/${draft.groupId}`,
        tags: tagsFor(rng, draft, profile, description),
        ipPermissions: ingressFor(ctx, draft.role),
        ipPermissionsEgress: egressFor(ctx, draft.role),
      });
    }
  }
  return out;
}

function descriptionFor(rng: Rng, draft: Draft, team: string): string {
  switch (draft.role) {
    case 'default':
      return 'default VPC security group';
    case 'wizard': {
      const created = new Date(REFERENCE_TIME_MS - rng.int(2, 700) * DAY_MS - rng.int(0, DAY_MS - 1));
      return `${draft.groupName} created ${created.toISOString()}`;
    }
    case 'bastion':
      return rng.chance(0.5) ? 'Managed by Terraform' : 'SSH from the bastion hosts';
    default:
      return rng.chance(0.4) ? 'Managed by Terraform' : `${team} ${draft.role} tier`;
  }
}

/** AWS creates default groups untagged and the console's wizard does not tag; the rest vary. */
function tagsFor(rng: Rng, draft: Draft, profile: AccountProfile, description: string): Tag[] {
  if (draft.role === 'default' || draft.role === 'wizard') return [];
  const tags: Tag[] = [];
  if (rng.chance(0.6)) tags.push({ key: 'Name', value: draft.groupName });
  if (rng.chance(0.5)) tags.push({ key: 'team', value: profile.team });
  if (rng.chance(0.4)) tags.push({ key: 'env', value: profile.env });
  if (description === 'Managed by Terraform') tags.push({ key: 'ManagedBy', value: 'terraform' });
  return tags;
}

interface RuleContext {
  rng: Rng;
  accountId: string;
  vpc: SimVpc;
  idOf: (role: SecurityGroupRole) => string | undefined;
  self: string;
}

function rule(
  ipProtocol: string,
  ports: readonly [number, number] | undefined,
  sources: Partial<Omit<SimIpPermission, 'ipProtocol' | 'fromPort' | 'toPort'>>,
): SimIpPermission {
  const permission: SimIpPermission = {
    ipProtocol,
    userIdGroupPairs: [],
    ipRanges: [],
    ipv6Ranges: [],
    prefixListIds: [],
  };
  if (ports !== undefined) {
    permission.fromPort = ports[0];
    permission.toPort = ports[1];
  }
  return { ...permission, ...sources };
}

function pair(ctx: RuleContext, groupId: string, description?: string): SimUserIdGroupPair {
  return description === undefined
    ? { userId: ctx.accountId, groupId }
    : { userId: ctx.accountId, groupId, description };
}

/** A described entry now and then, as people fill in the console's description field sometimes. */
function described<T extends object>(
  rng: Rng,
  entry: T,
  description: string,
  chance = 0.5,
): T & { description?: string } {
  return rng.chance(chance) ? { ...entry, description } : entry;
}

function prefixListId(rng: Rng): string {
  // AWS-managed prefix lists (S3, DynamoDB) have 8-digit ids; customer-managed ones 17.
  return `pl-${rng.hex(rng.chance(0.5) ? 8 : 17)}`;
}

function ingressFor(ctx: RuleContext, role: SecurityGroupRole): SimIpPermission[] {
  const { rng, vpc } = ctx;
  const rules: SimIpPermission[] = [];
  const fromGroup = (from: SecurityGroupRole, port: number, description: string): void => {
    const id = ctx.idOf(from);
    if (id !== undefined)
      rules.push(
        rule('tcp', [port, port], { userIdGroupPairs: [described(rng, pair(ctx, id), description)] }),
      );
  };
  switch (role) {
    case 'default':
      rules.push(rule('-1', undefined, { userIdGroupPairs: [pair(ctx, ctx.self)] }));
      break;
    case 'web': {
      const ipv6 = rng.chance(0.3);
      for (const [port, label] of [
        [443, 'HTTPS'],
        [80, 'HTTP'],
      ] as const) {
        if (port === 80 && !rng.chance(0.7)) continue;
        rules.push(
          rule('tcp', [port, port], {
            ipRanges: [described(rng, { cidrIp: ANYWHERE }, `${label} from anywhere`)],
            ...(ipv6
              ? { ipv6Ranges: [described(rng, { cidrIpv6: ANYWHERE_V6 }, `${label} from anywhere (IPv6)`)] }
              : {}),
          }),
        );
      }
      if (rng.chance(0.15)) rules.push(rule('udp', [443, 443], { ipRanges: [{ cidrIp: ANYWHERE }] }));
      break;
    }
    case 'app':
      fromGroup('web', 8080, 'from the web tier');
      if (rng.chance(0.4)) fromGroup('bastion', 22, 'SSH from the bastion');
      if (rng.chance(0.3))
        rules.push(
          rule('tcp', [8080, 8090], {
            prefixListIds: [described(rng, { prefixListId: prefixListId(rng) }, 'corporate VPN')],
          }),
        );
      break;
    case 'db':
      fromGroup('app', rng.pick([5432, 5432, 3306, 6379]), 'from the app tier');
      if (rng.chance(0.3))
        rules.push(
          rule('tcp', [5432, 5432], { ipRanges: [described(rng, { cidrIp: vpc.cidrBlock }, 'VPC')] }),
        );
      break;
    case 'bastion': {
      const bastion = `10.${rng.int(100, 250)}.${rng.int(0, 255)}.${rng.int(1, 254)}/32`;
      rules.push(
        rule('tcp', [22, 22], { ipRanges: [described(rng, { cidrIp: bastion }, 'bastion host', 0.8)] }),
      );
      if (rng.chance(0.5)) rules.push(rule('icmp', [8, -1], { ipRanges: [{ cidrIp: vpc.cidrBlock }] }));
      break;
    }
    case 'wizard':
      rules.push(rule('tcp', [22, 22], { ipRanges: [{ cidrIp: ANYWHERE }] }));
      break;
    case 'monitoring':
      rules.push(rule('udp', [161, 161], { ipRanges: [described(rng, { cidrIp: vpc.cidrBlock }, 'SNMP')] }));
      rules.push(rule('icmp', [-1, -1], { ipRanges: [{ cidrIp: vpc.cidrBlock }] }));
      rules.push(
        rule('tcp', [9100, 9100], {
          prefixListIds: [{ prefixListId: prefixListId(rng) }],
          ...(rng.chance(0.3)
            ? { ipv6Ranges: [{ cidrIpv6: '2600:1f18::/36', description: 'monitoring (IPv6)' }] }
            : {}),
        }),
      );
      break;
  }
  return rules;
}

/** AWS gives every new group one egress rule: all traffic to 0.0.0.0/0 (and ::/0 in IPv6 VPCs). */
function egressFor(ctx: RuleContext, role: SecurityGroupRole): SimIpPermission[] {
  const { rng } = ctx;
  if (role === 'db' && rng.chance(0.4)) {
    // A locked-down database: HTTPS to a prefix list (an S3 gateway endpoint) and nothing else.
    return [
      rule('tcp', [443, 443], {
        prefixListIds: [described(rng, { prefixListId: `pl-${rng.hex(8)}` }, 'S3')],
      }),
    ];
  }
  return [
    rule('-1', undefined, {
      ipRanges: [{ cidrIp: ANYWHERE }],
      ...(rng.chance(0.2) ? { ipv6Ranges: [{ cidrIpv6: ANYWHERE_V6 }] } : {}),
    }),
  ];
}
