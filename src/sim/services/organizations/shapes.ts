// World objects as Organizations puts them on the wire (AWS JSON 1.1: member names as in the API
// reference, timestamps as epoch seconds with a fraction).
import type { SimAccount, SimOrganizationalUnit, SimWorld } from '../../model.js';
import type { OrgHierarchy } from './hierarchy.js';

export interface PolicyTypeSummaryShape {
  Type: string;
  Status: 'ENABLED' | 'PENDING_ENABLE' | 'PENDING_DISABLE';
}

export function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}

/** Service control policies exist only in organizations with all features enabled. */
function policyTypes(world: SimWorld): PolicyTypeSummaryShape[] {
  return world.organization.featureSet === 'ALL'
    ? [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }]
    : [];
}

export function organizationShape(world: SimWorld) {
  const org = world.organization;
  return {
    Id: org.id,
    Arn: org.arn,
    FeatureSet: org.featureSet,
    MasterAccountArn: org.managementAccountArn,
    MasterAccountId: org.managementAccountId,
    MasterAccountEmail: org.managementAccountEmail,
    AvailablePolicyTypes: policyTypes(world),
  };
}

export function rootShape(world: SimWorld) {
  const { root } = world.organization;
  return { Id: root.id, Arn: root.arn, Name: root.name, PolicyTypes: policyTypes(world) };
}

export function accountShape(account: SimAccount, hierarchy: OrgHierarchy) {
  return {
    Id: account.id,
    Arn: account.arn,
    Email: account.email,
    Name: account.name,
    Status: account.status,
    State: account.state,
    Paths: [hierarchy.accountPath(account)],
    JoinedMethod: account.joinedMethod,
    JoinedTimestamp: epochSeconds(account.joinedTimestamp),
  };
}

export function organizationalUnitShape(ou: SimOrganizationalUnit, hierarchy: OrgHierarchy) {
  return { Id: ou.id, Arn: ou.arn, Name: ou.name, Path: hierarchy.containerPath(ou.id) };
}
