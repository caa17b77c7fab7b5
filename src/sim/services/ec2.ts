// The simulated EC2 endpoint: the EC2 Query protocol (form POST, Action + Version=2016-11-15, XML
// answers) for the Describe* calls orgraph makes. Every operation first checks that the request's
// Region is enabled for the calling account (AuthFailure 401 otherwise) and honours DryRun.
import type {
  ParsedOperation,
  RawRequest,
  ServiceModule,
  ServiceRequest,
  SimContext,
  SimError,
  SimResponse,
} from '../types.js';
import { parseQueryParams, queryAction, xmlElement, xmlResponse } from '../protocols/query.js';
import type { Ec2Operation } from './ec2/call.js';
import { isTrue, stringParams } from './ec2/call.js';
import { ec2Errors } from './ec2/errors.js';
import { assertRegionEnabled } from './ec2/regions-enabled.js';
import { scenarioFor } from '../knobs.js';
import { responseEnvelope } from './ec2/serialize.js';
import { describeRegions } from './ec2/describe-regions.js';
import { describeAvailabilityZones } from './ec2/describe-availability-zones.js';
import { describeVpcs } from './ec2/describe-vpcs.js';
import { describeSubnets } from './ec2/describe-subnets.js';
import { describeInstances } from './ec2/describe-instances.js';
import { describeSecurityGroups } from './ec2/describe-security-groups.js';

const OPERATIONS: Record<string, Ec2Operation> = {
  DescribeRegions: describeRegions,
  DescribeAvailabilityZones: describeAvailabilityZones,
  DescribeVpcs: describeVpcs,
  DescribeSubnets: describeSubnets,
  DescribeInstances: describeInstances,
  DescribeSecurityGroups: describeSecurityGroups,
};

function parse(raw: RawRequest): ParsedOperation {
  const all = parseQueryParams(raw);
  const operation = queryAction(all);
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(all)) if (k !== 'Action' && k !== 'Version') params[k] = v;
  return { operation, params };
}

function handle(req: ServiceRequest, ctx: SimContext): SimResponse {
  const operation = Object.prototype.hasOwnProperty.call(OPERATIONS, req.operation)
    ? OPERATIONS[req.operation]
    : undefined;
  if (!operation) throw ec2Errors.invalidAction(req.operation);
  const accountId = req.caller.accountId;
  assertRegionEnabled(ctx.world, ctx.knobs, accountId, req.region);
  assertActionAllowed(ctx, req);
  const params = stringParams(req.params);
  if (isTrue(params['DryRun'])) throw ec2Errors.dryRun();
  const inner = operation({ params, accountId, region: req.region, ctx });
  return xmlResponse(200, responseEnvelope(req.operation, req.requestId, inner), req.requestId);
}

/**
 * The scenario knobs' permission gaps: an action the read role's policy lacks, or one a service control
 * policy denies, is refused with UnauthorizedOperation and AWS's wording for each (which says whether
 * an SCP denied it). Only role sessions are affected; AWS checks this before DryRun.
 */
function assertActionAllowed(ctx: SimContext, req: ServiceRequest): void {
  if (!req.caller.isRoleSession) return;
  const scenario = scenarioFor(ctx.knobs, req.caller.accountId);
  const action = `ec2:${req.operation}`;
  const who = req.caller.arn;
  if (scenario.scpDeniedActions?.includes(action))
    throw ec2Errors.unauthorized(
      `You are not authorized to perform this operation. User: ${who} is not authorized to perform: ${action} with an explicit deny in a service control policy`,
    );
  if (scenario.deniedActions?.includes(action))
    throw ec2Errors.unauthorized(
      `You are not authorized to perform this operation. User: ${who} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`,
    );
}

/** EC2's error document: `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>`. */
function errorResponse(err: SimError, requestId: string): SimResponse {
  const body =
    '<Response><Errors><Error>' +
    xmlElement('Code', err.code) +
    xmlElement('Message', err.message) +
    '</Error></Errors>' +
    xmlElement('RequestID', requestId) +
    '</Response>';
  return xmlResponse(err.status, body, requestId);
}

export const ec2Service: ServiceModule = {
  service: 'ec2',
  iamPrefix: 'ec2',
  parse,
  handle,
  errorResponse,
};
