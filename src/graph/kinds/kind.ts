// A resource kind: everything orgraph knows about one EC2 list (instances, VPCs, subnets, security
// groups), in one description. The generic machinery — the data layer's paging, by-id batching and
// caching, the loaders, the fan-out, cursors, `where` checks, the AWS-call budget, node(id), federation
// keys — takes the description; nothing else names a kind. Recipe: docs/architecture.md, "Adding a
// resource kind".
import type { Target } from '../../aws/contract.js';
import type { Ec2List } from '../../aws/ec2-lists.js';
import type { PushedFilters } from '../where.js';

/** A filter that names a parent: the VPC or the subnet an item belongs to. */
export type ParentAttribute = 'vpc-id' | 'subnet-id';

/** What the graph holds of one EC2 item: the AWS item, where it was read and when. */
export interface Ec2Model<TypeName extends string, Item> {
  readonly __typename: TypeName;
  target: Target;
  item: Item;
  fetchedAt: Date;
}

export interface ResourceKind<TypeName extends string = string, Item = unknown, Where = unknown> {
  /** The GraphQL object type (a Node) and the global id's type. */
  typename: TypeName;
  /** The list field on Query, Organization, units, accounts and Regions (`instances`). */
  listField: string;
  /** The lookup by id on Region (`instance(id:)`). */
  lookupField: string;
  /** The field holding the AWS id (`instanceId`): the federation key beside the account and Region. */
  idField: string;
  /** How the list is asked for and read (AWS's half). */
  aws: Ec2List<Item>;
  /** `where` as EC2 Filters; null when it matches nothing (answered without a call). */
  filters(where: Where | null | undefined): PushedFilters;
  /** The EC2 filter on the kind's own ids (`instance-id`); its `where` argument lists ids of this kind. */
  idFilter: string;
  /** The `where` argument each EC2 filter comes from (for messages). */
  whereArguments: Readonly<Record<string, string>>;
  /** Filters with at most one value per item: their exact-value lists can be split over calls. */
  singleValued: readonly string[];
  /** The filter by which lists nested under this kind name it (a VPC's subnets: vpc-id). */
  childAttribute?: ParentAttribute;
  /** The parents an item belongs to, by the filter that names them. */
  parentOf?: Partial<Record<ParentAttribute, (item: Item) => string | undefined>>;
}

/** Any kind, for the generic machinery (which never looks inside items). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a kind's Where is checked where it is declared; the registry only passes it through
export type AnyKind = ResourceKind<string, any, any>;

/** The model of an item of `kind`. */
export function modelOf<TypeName extends string, Item>(
  kind: ResourceKind<TypeName, Item>,
  target: Target,
  item: Item,
  fetchedAt: Date,
): Ec2Model<TypeName, Item> {
  return { __typename: kind.typename, target, item, fetchedAt };
}
