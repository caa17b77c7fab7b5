// The fields every resource kind's node has alike: its global id, its AWS id, its account and Region,
// and when it was read. Each kind's resolver file adds its own fields.
import { encodeGlobalId } from '../global-id.js';
import type { AnyKind, Ec2Model } from '../kinds/index.js';
import { accountModel, regionModel } from '../mappers.js';
import { required } from './fields.js';

export function ec2NodeFields<M extends Ec2Model<string, unknown>>(kind: AnyKind) {
  const awsId = (m: M): string => required(kind.aws.idOf(m.item), awsIdName(kind));
  return {
    id: (m: M) => encodeGlobalId(kind.typename, m.target.accountId, m.target.region, awsId(m)),
    [kind.idField]: awsId,
    account: (m: M) => accountModel(m.target.accountId),
    region: (m: M) => regionModel(m.target.accountId, m.target.region),
    fetchedAt: (m: M) => m.fetchedAt,
  };
}

/** The AWS name of a kind's id (`InstanceId`), for the message when AWS left it out. */
const awsIdName = (kind: AnyKind) => kind.idField.charAt(0).toUpperCase() + kind.idField.slice(1);
