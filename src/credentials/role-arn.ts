// The member role's ARN in each account, built from one template (partition, path, role name), and
// the STS input rules the broker checks before any call so a bad setting fails at start-up.
import { isAccountId } from '../aws/ids.js';

export interface RoleArnTemplate {
  /** aws | aws-cn | aws-us-gov | ... Default 'aws'. */
  partition?: string;
  /** IAM path, '/' or '/a/b/'. Default '/'. */
  path?: string;
  /** Default 'CMDBReadRole'. */
  roleName?: string;
}

export const DEFAULT_ROLE_NAME = 'CMDBReadRole';
export const DEFAULT_ROLE_SESSION_NAME = 'orgraph';

const PARTITION = /^aws(-[a-z]+)*$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const ROLE_PATH = /^\/(?:[\x21-\x7e]+\/)?$/;
const ROLE_SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

export { isAccountId };

/** Throws a TypeError naming the bad part; returns a function from account id to role ARN. */
export function roleArnTemplate(template: RoleArnTemplate = {}): (accountId: string) => string {
  const partition = template.partition ?? 'aws';
  const path = template.path ?? '/';
  const roleName = template.roleName ?? DEFAULT_ROLE_NAME;
  if (!PARTITION.test(partition))
    throw new TypeError(`role partition must look like 'aws' or 'aws-cn' (got '${partition}')`);
  if (!ROLE_PATH.test(path) || path.length > 512)
    throw new TypeError(`role path must be '/' or start and end with '/' (got '${path}')`);
  if (!ROLE_NAME.test(roleName))
    throw new TypeError(`role name must be 1–64 characters of [\\w+=,.@-] (got '${roleName}')`);
  return (accountId) => {
    if (!isAccountId(accountId)) throw new TypeError(`account id must be 12 digits (got '${accountId}')`);
    return `arn:${partition}:iam::${accountId}:role${path}${roleName}`;
  };
}

/** The account id inside an IAM or STS ARN, e.g. arn:aws:sts::123456789012:assumed-role/R/s. */
export function accountOfArn(arn: string): string | undefined {
  const account = arn.split(':')[4];
  return account !== undefined && isAccountId(account) ? account : undefined;
}

/** The partition of an ARN ('aws' for arn:aws:...). */
export function partitionOfArn(arn: string): string | undefined {
  const partition = arn.split(':')[1];
  return partition && PARTITION.test(partition) ? partition : undefined;
}

export function validateRoleSessionName(name: string): void {
  if (!ROLE_SESSION_NAME.test(name)) {
    throw new TypeError(`roleSessionName must be 2–64 characters of [\\w+=,.@-] (got '${name}')`);
  }
}

/** The ExternalId is not a secret in IAM's eyes, but it is not echoed either. */
export function validateExternalId(externalId: string): void {
  if (!EXTERNAL_ID.test(externalId)) {
    throw new TypeError(
      `externalId must be 2–1224 characters of [\\w+=,.@:/-] (got ${externalId.length} characters)`,
    );
  }
}
