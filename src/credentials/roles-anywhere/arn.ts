// ARNs a Roles Anywhere configuration names, and the endpoint the trust anchor's Region implies.
import { ACCOUNT_ID_SOURCE, REGION_NAME_SOURCE } from '../../aws/ids.js';
import { RolesAnywhereConfigError } from './errors.js';

export interface RolesAnywhereResourceArn {
  partition: string;
  region: string;
  accountId: string;
  resourceId: string;
}

export interface RoleArn {
  partition: string;
  accountId: string;
  /** Path and name, e.g. 'OrgraphCentralRole' or 'team/ReadRole'. */
  roleName: string;
}

const PARTITION = '(aws(?:-[a-z]+)*)';
const REGION = `(${REGION_NAME_SOURCE})`;
const ACCOUNT = `(${ACCOUNT_ID_SOURCE})`;
const RESOURCE_ID = '([A-Za-z0-9-]{1,64})';

const TRUST_ANCHOR_ARN = new RegExp(
  `^arn:${PARTITION}:rolesanywhere:${REGION}:${ACCOUNT}:trust-anchor/${RESOURCE_ID}$`,
);
const PROFILE_ARN = new RegExp(
  `^arn:${PARTITION}:rolesanywhere:${REGION}:${ACCOUNT}:profile/${RESOURCE_ID}$`,
);
const ROLE_ARN = new RegExp(`^arn:${PARTITION}:iam::${ACCOUNT}:role/((?:[\\w+=,.@-]+/)*[\\w+=,.@-]{1,64})$`);

export function parseTrustAnchorArn(arn: string): RolesAnywhereResourceArn {
  return parseResourceArn(arn, TRUST_ANCHOR_ARN, 'trustAnchorArn', 'trust-anchor');
}

export function parseProfileArn(arn: string): RolesAnywhereResourceArn {
  return parseResourceArn(arn, PROFILE_ARN, 'profileArn', 'profile');
}

export function parseRoleArn(arn: string): RoleArn {
  const m = ROLE_ARN.exec(String(arn ?? ''));
  if (!m) {
    throw new RolesAnywhereConfigError(
      'roleArn',
      `${show(arn)} is not an IAM role ARN (arn:aws:iam::<12 digits>:role/<name>)`,
    );
  }
  return { partition: m[1]!, accountId: m[2]!, roleName: m[3]! };
}

/**
 * The public CreateSession endpoint: rolesanywhere[-fips].<region>.amazonaws.com, with the China
 * partition's .amazonaws.com.cn suffix.
 */
export function defaultRolesAnywhereEndpoint(partition: string, region: string, fips = false): string {
  const suffix = partition === 'aws-cn' || region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://rolesanywhere${fips ? '-fips' : ''}.${region}.${suffix}`;
}

function parseResourceArn(
  arn: string,
  pattern: RegExp,
  option: 'trustAnchorArn' | 'profileArn',
  type: string,
): RolesAnywhereResourceArn {
  const m = pattern.exec(String(arn ?? ''));
  if (!m) {
    throw new RolesAnywhereConfigError(
      option,
      `${show(arn)} is not a Roles Anywhere ${type} ARN (arn:aws:rolesanywhere:<region>:<12 digits>:${type}/<id>)`,
    );
  }
  return { partition: m[1]!, region: m[2]!, accountId: m[3]!, resourceId: m[4]! };
}

/** Quotes a configured value for an error message (ARNs are not secret), bounded in length. */
function show(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  return JSON.stringify(text.length > 200 ? text.slice(0, 200) + '…' : text);
}
