// Explicit id lists (InstanceId.N, VpcId.N, SubnetId.N): every id is checked for shape first
// (`.Malformed`), then for existence (`.NotFound`, naming every unknown id — the whole call fails).
// EC2 ids are `<prefix>-` and 8 (old style) or 17 (current) lowercase hex digits.
import { isEc2Id } from '../../../aws/ids.js';
import { ec2Errors } from './errors.js';

export interface IdScope {
  prefix: string; // 'i', 'vpc', 'subnet'
  noun: string; // 'instance', 'vpc', 'subnet' (as EC2 words its NotFound message)
  malformedCode: string;
  notFoundCode: string;
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
  if (missing.length > 0) throw ec2Errors.notFound(scope.notFoundCode, scope.noun, missing);
}
