// Explicit id lists (InstanceId.N, VpcId.N, SubnetId.N, GroupId.N): every id is checked for shape first
// (`.Malformed`), then for existence (`.NotFound`, naming every unknown id — the whole call fails).
// EC2 ids are `<prefix>-` and 8 (old style) or 17 (current) lowercase hex digits.
import { isEc2Id } from '../../../aws/ids.js';
import type { SimError } from '../../types.js';
import { ec2Errors } from './errors.js';

export interface IdScope {
  prefix: string; // 'i', 'vpc', 'subnet'
  noun: string; // 'instance', 'vpc', 'subnet' (as EC2 words its NotFound message)
  malformedCode: string;
  notFoundCode: string;
  /** The NotFound error, when the operation words it otherwise than "The <noun> ID 'x' does not exist". */
  notFound?: (ids: readonly string[]) => SimError;
}

export const INSTANCE_IDS: IdScope = {
  prefix: 'i',
  noun: 'instance',
  malformedCode: 'InvalidInstanceID.Malformed',
  notFoundCode: 'InvalidInstanceID.NotFound',
};

export const VPC_IDS: IdScope = {
  prefix: 'vpc',
  noun: 'vpc',
  malformedCode: 'InvalidVpcID.Malformed',
  notFoundCode: 'InvalidVpcID.NotFound',
};

export const SUBNET_IDS: IdScope = {
  prefix: 'subnet',
  noun: 'subnet',
  malformedCode: 'InvalidSubnetID.Malformed',
  notFoundCode: 'InvalidSubnetID.NotFound',
};

export const SECURITY_GROUP_IDS: IdScope = {
  prefix: 'sg',
  noun: 'security group',
  malformedCode: 'InvalidGroupId.Malformed',
  notFoundCode: 'InvalidGroup.NotFound',
  notFound: ec2Errors.securityGroupNotFound,
};

export function isWellFormedId(scope: IdScope, id: string): boolean {
  return isEc2Id(scope.prefix, id);
}

/** Throws `.Malformed` for the first id whose shape EC2 would refuse. */
export function assertIdsWellFormed(scope: IdScope, ids: readonly string[]): void {
  for (const id of ids)
    if (!isWellFormedId(scope, id)) throw ec2Errors.malformedId(scope.malformedCode, id, scope.prefix);
}

/** Throws `.NotFound` naming every requested id that is not among `known`. */
export function assertIdsExist(scope: IdScope, ids: readonly string[], known: ReadonlySet<string>): void {
  const missing = [...new Set(ids.filter((id) => !known.has(id)))];
  if (missing.length > 0)
    throw scope.notFound?.(missing) ?? ec2Errors.notFound(scope.notFoundCode, scope.noun, missing);
}
