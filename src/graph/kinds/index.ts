// The registry of resource kinds: the one list the generic machinery iterates. Order is the order
// fields are generated in.
import type { AnyKind } from './kind.js';
import { INSTANCE } from './instance.js';
import { SECURITY_GROUP } from './security-group.js';
import { SUBNET } from './subnet.js';
import { VPC } from './vpc.js';

export const KINDS: readonly AnyKind[] = [INSTANCE, VPC, SUBNET, SECURITY_GROUP];

/** The kind of a GraphQL type name, or undefined for types that are not EC2 kinds. */
export function kindOfType(typename: string): AnyKind | undefined {
  return KINDS.find((k) => k.typename === typename);
}

/** The kind of a list field (`instances`), or undefined. */
export function kindOfList(field: string): AnyKind | undefined {
  return KINDS.find((k) => k.listField === field);
}

/** The `where` argument an EC2 filter comes from (for messages about it). */
export function whereArgumentOf(filterName: string): string {
  if (filterName.startsWith('tag:') || filterName === 'tag-key') return 'tags';
  for (const kind of KINDS) {
    const argument = kind.whereArguments[filterName];
    if (argument !== undefined) return argument;
  }
  return filterName;
}

/** Filters whose attribute has at most one value per item, in any kind that uses them. */
export const SINGLE_VALUED: ReadonlySet<string> = new Set(KINDS.flatMap((k) => k.singleValued));

export { INSTANCE, SECURITY_GROUP, SUBNET, VPC };
export type { AnyKind, Ec2Model, ParentAttribute, ResourceKind } from './kind.js';
export type { InstanceItem, InstanceModel } from './instance.js';
export type { SecurityGroupModel, SecurityGroupPeerModel, SecurityGroupRuleModel } from './security-group.js';
export type { SubnetModel } from './subnet.js';
export type { VpcModel } from './vpc.js';
