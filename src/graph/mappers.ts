// What a resolver's parent really is. Parents are cheap: an Account is its id (plus what a list call
// already told us), a Region is (account, Region name), so nothing is fetched for a field the query did
// not select. Node types carry __typename so Query.node and the Node interface can tell them apart.
import type { AwsCallErrorFacts } from '../aws/errors.js';
import type {
  InstanceModel,
  SecurityGroupModel,
  SecurityGroupPeerModel,
  SecurityGroupRuleModel,
  SubnetModel,
  VpcModel,
} from './kinds/index.js';

export type {
  InstanceModel,
  SecurityGroupModel,
  SecurityGroupPeerModel,
  SecurityGroupRuleModel,
  SubnetModel,
  VpcModel,
};

/** The organization; its details are read only when a field needs them. */
export interface OrganizationModel {
  readonly __typename: 'Organization';
}

/** What a list call already reported about an account (from Organizations or the static list). */
export interface AccountRecord {
  accountId: string;
  arn?: string;
  name?: string;
  email?: string;
  /** Organizations' State, else its retired Status. */
  state?: string;
  joinedMethod?: string;
  joinedTimestamp?: Date;
}

export interface AccountModel {
  readonly __typename: 'Account';
  accountId: string;
  /** Present when the account came from a list; otherwise read on demand. */
  record?: AccountRecord;
}

export type UnitType = 'ROOT' | 'ORGANIZATIONAL_UNIT';

export interface UnitModel {
  readonly __typename: 'OrganizationalUnit';
  unitId: string;
  type: UnitType;
  /** Present when the unit came from a list call. */
  name?: string;
  arn?: string;
}

export interface RegionModel {
  readonly __typename: 'Region';
  accountId: string;
  region: string;
  /** Present when the Region came from DescribeRegions. */
  optInStatus?: string;
  endpoint?: string;
}

export interface AccountAccessModel {
  accountId: string;
  /** The account's record when the parent had it (its state decides whether STS is asked at all). */
  record?: AccountRecord;
}

export type NodeModel =
  | OrganizationModel
  | UnitModel
  | AccountModel
  | RegionModel
  | VpcModel
  | SubnetModel
  | InstanceModel
  | SecurityGroupModel;

/** One part of the organization that could not be read, as data. */
export type AccessFailureModel = AwsCallErrorFacts;

export interface EdgeModel<T> {
  cursor: string;
  node: T;
}

export interface PageInfoModel {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

/** Every connection of the schema; `failures` is read only by fan-out connections. */
export interface ConnectionModel<T> {
  edges: EdgeModel<T>[];
  nodes: T[];
  pageInfo: PageInfoModel;
  totalCount: number | null;
  failures: AccessFailureModel[];
}

export type AccountConnectionModel = ConnectionModel<AccountModel>;
export type AccountEdgeModel = EdgeModel<AccountModel>;
export type UnitConnectionModel = ConnectionModel<UnitModel>;
export type UnitEdgeModel = EdgeModel<UnitModel>;
export type RegionConnectionModel = ConnectionModel<RegionModel>;
export type RegionEdgeModel = EdgeModel<RegionModel>;
export type VpcConnectionModel = ConnectionModel<VpcModel>;
export type VpcEdgeModel = EdgeModel<VpcModel>;
export type SubnetConnectionModel = ConnectionModel<SubnetModel>;
export type SubnetEdgeModel = EdgeModel<SubnetModel>;
export type InstanceConnectionModel = ConnectionModel<InstanceModel>;
export type InstanceEdgeModel = EdgeModel<InstanceModel>;
export type SecurityGroupConnectionModel = ConnectionModel<SecurityGroupModel>;
export type SecurityGroupEdgeModel = EdgeModel<SecurityGroupModel>;

export const organizationModel = (): OrganizationModel => ({ __typename: 'Organization' });

export const accountModel = (accountId: string, record?: AccountRecord): AccountModel =>
  record === undefined ? { __typename: 'Account', accountId } : { __typename: 'Account', accountId, record };

export const unitModel = (unitId: string, known: { name?: string; arn?: string } = {}): UnitModel => ({
  __typename: 'OrganizationalUnit',
  unitId,
  type: unitId.startsWith('r-') ? 'ROOT' : 'ORGANIZATIONAL_UNIT',
  ...(known.name !== undefined ? { name: known.name } : {}),
  ...(known.arn !== undefined ? { arn: known.arn } : {}),
});

/** Units as Organizations lists them (roots, child OUs); one without an Id is skipped. */
export const unitModelsOf = (units: readonly { Id?: string; Name?: string; Arn?: string }[]): UnitModel[] =>
  units.flatMap((u) =>
    u.Id
      ? [
          unitModel(u.Id, {
            ...(u.Name !== undefined ? { name: u.Name } : {}),
            ...(u.Arn !== undefined ? { arn: u.Arn } : {}),
          }),
        ]
      : [],
  );

export const regionModel = (
  accountId: string,
  region: string,
  known: { optInStatus?: string; endpoint?: string } = {},
): RegionModel => ({
  __typename: 'Region',
  accountId,
  region,
  ...(known.optInStatus !== undefined ? { optInStatus: known.optInStatus } : {}),
  ...(known.endpoint !== undefined ? { endpoint: known.endpoint } : {}),
});
