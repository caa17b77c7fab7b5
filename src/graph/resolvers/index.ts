// Every resolver of the schema, one file per GraphQL type.
import type { Resolvers } from '../generated/resolvers-types.js';
import { Account } from './Account.js';
import { AccountAccess } from './AccountAccess.js';
import { DateTime } from './DateTime.js';
import { Instance } from './Instance.js';
import { Node } from './Node.js';
import { Organization } from './Organization.js';
import { OrganizationalUnit } from './OrganizationalUnit.js';
import { Query } from './Query.js';
import { Region } from './Region.js';
import { SecurityGroup, SecurityGroupPeer, SecurityGroupRule } from './SecurityGroup.js';
import { Subnet } from './Subnet.js';
import { Vpc } from './Vpc.js';

export const resolvers: Resolvers = {
  DateTime,
  Node,
  Query,
  Organization,
  OrganizationalUnit,
  Account,
  AccountAccess,
  Region,
  Vpc,
  Subnet,
  Instance,
  SecurityGroup,
  SecurityGroupRule,
  SecurityGroupPeer,
};
