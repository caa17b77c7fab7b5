// The checks of `orgraph doctor` in one account, and the plain-words cause and fix of each failure.
// One cheap call per step: AssumeRole (through the session broker, so overrides apply), DescribeRegions
// for the enabled Regions, then every EC2 read action orgraph uses with DryRun=true in one Region —
// AWS answers DryRunOperation when the action is allowed and UnauthorizedOperation when it is not,
// and its message says whether a service control policy denied it.
import { ec2Sdk } from '../aws/sdk-clients.js';
import type { DescribeRegionsCommand, EC2Client } from '../aws/sdk-clients.js';
import type { MemberAccounts } from '../gateway.js';
import { SessionError } from '../credentials/session-errors.js';
import { awsErrorFacts } from '../aws/classify.js';

/** Every EC2 action orgraph's member role needs (deploy/cmdb-read-role.yaml grants exactly these). */
export const READ_ACTIONS = [
  'ec2:DescribeRegions',
  'ec2:DescribeAvailabilityZones',
  'ec2:DescribeVpcs',
  'ec2:DescribeSubnets',
  'ec2:DescribeInstances',
] as const;
export type ReadAction = (typeof READ_ACTIONS)[number];

export type Cause =
  | 'accountNotActive'
  | 'roleNotAssumable'
  | 'sessionDurationTooLong'
  | 'permissionMissing'
  | 'scpDenied'
  | 'regionNotEnabled'
  | 'awsError';

/** The likely cause in plain words and the fix, per cause. */
export const CAUSES: Record<Cause, { title: string; fix: string }> = {
  accountNotActive: {
    title: 'account suspended or closing',
    fix: 'AWS refuses sessions in it; nothing to fix in orgraph (it lists the account and skips its data)',
  },
  roleNotAssumable: {
    title:
      'AssumeRole refused: the role is not deployed in this account (StackSet instance missing), its trust policy does not name the central principal, or the ExternalId differs',
    fix: 'add the StackSet instance for this account; check the trust policy names the central principal and the ExternalId matches credentials.broker (or its override)',
  },
  sessionDurationTooLong: {
    title: "the session duration exceeds the role's MaxSessionDuration (or the 1-hour role-chaining limit)",
    fix: 'lower credentials.broker.durationSeconds (or the override) or raise MaxSessionDuration',
  },
  permissionMissing: {
    title: 'the role lacks a read permission',
    fix: 'redeploy deploy/cmdb-read-role.yaml (StackSet) so the role allows every ec2:Describe* action orgraph uses',
  },
  scpDenied: {
    title: 'a service control policy denies a read action',
    fix: 'exempt the member role from the SCP (or allow the action) for this account or its OU',
  },
  regionNotEnabled: {
    title: 'a configured Region is not enabled in this account',
    fix: 'enable the Region in the account, or remove it from graph.regions',
  },
  awsError: {
    title: 'AWS did not answer (throttling, timeout or a service error)',
    fix: 'run doctor again; if it persists, check the endpoint and network',
  },
};

export interface AccountCheck {
  accountId: string;
  name: string;
  ok: boolean;
  cause?: Cause;
  /** What exactly failed (the action, the Regions, AWS's error code). */
  detail?: string;
  roleArn: string;
  enabledRegions?: string[];
}

export interface AccountCheckDeps {
  /** The gateway's member accounts: the role to assume (overrides applied), its session, EC2 clients. */
  member: MemberAccounts;
  /** The Region the per-action checks use (aws.homeRegion). */
  checkRegion: string;
  /** graph.regions, when configured. */
  regions?: readonly string[];
  signal: AbortSignal;
}

export async function checkAccount(
  account: { accountId: string; name: string; state: string },
  deps: AccountCheckDeps,
): Promise<AccountCheck> {
  const { accountId, name } = account;
  const roleArn = await deps.member.roleArnFor(accountId);
  const fail = (cause: Cause, detail?: string): AccountCheck => ({
    accountId,
    name,
    ok: false,
    cause,
    roleArn,
    ...(detail !== undefined ? { detail } : {}),
  });
  if (account.state !== 'ACTIVE') return fail('accountNotActive', `state ${account.state}`);
  try {
    await deps.member.credentialsFor(accountId);
  } catch (err) {
    if (err instanceof SessionError) {
      if (err.kind === 'notAuthorized')
        return fail('roleNotAssumable', `${roleArn}: ${err.awsErrorCode ?? ''}`.trim());
      if (err.kind === 'durationTooLong') return fail('sessionDurationTooLong', err.awsErrorCode);
      return fail('awsError', `AssumeRole: ${err.awsErrorCode ?? err.message}`);
    }
    throw err;
  }
  const client = deps.member.ec2(accountId, deps.checkRegion);
  let enabledRegions: string[];
  try {
    const out = await client.send(new (ec2Sdk().DescribeRegionsCommand)({}), { abortSignal: deps.signal });
    enabledRegions = (out.Regions ?? [])
      .map((r) => r.RegionName ?? '')
      .filter(Boolean)
      .sort();
  } catch (err) {
    const denied = unauthorized(err);
    if (denied) return fail(denied, 'ec2:DescribeRegions');
    return fail('awsError', `ec2:DescribeRegions in ${deps.checkRegion}: ${codeOf(err)}`);
  }
  // DescribeRegions was just allowed for real: the other actions need a DryRun each.
  for (const action of READ_ACTIONS.filter((a) => a !== 'ec2:DescribeRegions')) {
    const result = await dryRun(client, action, deps.signal);
    if (result !== 'allowed') {
      if (result === 'scpDenied' || result === 'permissionMissing')
        return { ...fail(result, action), enabledRegions };
      return { ...fail('awsError', `${action}: ${result}`), enabledRegions };
    }
  }
  const missing = (deps.regions ?? []).filter((r) => !enabledRegions.includes(r));
  if (missing.length) return { ...fail('regionNotEnabled', missing.join(', ')), enabledRegions };
  return { accountId, name, ok: true, roleArn, enabledRegions };
}

/** DryRun of one action: 'allowed', a permission cause, or the AWS error code of anything else. */
async function dryRun(
  client: EC2Client,
  action: ReadAction,
  signal: AbortSignal,
): Promise<'allowed' | 'permissionMissing' | 'scpDenied' | string> {
  const {
    DescribeAvailabilityZonesCommand,
    DescribeInstancesCommand,
    DescribeRegionsCommand,
    DescribeSubnetsCommand,
    DescribeVpcsCommand,
  } = ec2Sdk();
  const commands = {
    'ec2:DescribeRegions': () => new DescribeRegionsCommand({ DryRun: true }),
    'ec2:DescribeAvailabilityZones': () => new DescribeAvailabilityZonesCommand({ DryRun: true }),
    'ec2:DescribeVpcs': () => new DescribeVpcsCommand({ DryRun: true }),
    'ec2:DescribeSubnets': () => new DescribeSubnetsCommand({ DryRun: true }),
    'ec2:DescribeInstances': () => new DescribeInstancesCommand({ DryRun: true }),
  } as const;
  try {
    // The command union is not one type the client's overloads accept; each is a valid EC2 command.
    await client.send(commands[action]() as DescribeRegionsCommand, { abortSignal: signal });
    return 'allowed'; // an endpoint that ignores DryRun answered: allowed as well
  } catch (err) {
    if (codeOf(err) === 'DryRunOperation') return 'allowed';
    return unauthorized(err) ?? codeOf(err);
  }
}

function codeOf(err: unknown): string {
  return awsErrorFacts(err).code;
}

/** UnauthorizedOperation (or AccessDenied): an SCP denial when AWS's message says so. */
function unauthorized(err: unknown): 'scpDenied' | 'permissionMissing' | undefined {
  const code = codeOf(err);
  if (code !== 'UnauthorizedOperation' && code !== 'AccessDenied' && code !== 'AccessDeniedException')
    return undefined;
  const message = err instanceof Error ? err.message : '';
  return /service control policy/i.test(message) ? 'scpDenied' : 'permissionMissing';
}
