// STS on the AWS Query protocol: AssumeRole (trust policy, ExternalId, duration bounds, role chaining,
// session-name rules) and GetCallerIdentity. Issued credentials are bound to the role's account and
// expire for real (on the sim's clock).
import type { ServiceModule, ServiceRequest, SimContext, SimResponse } from '../types.js';
import { SimError } from '../types.js';
import { parseQueryParams, queryAction, xmlElement, xmlEscape, xmlResponse } from '../protocols/query.js';
import { scenarioFor } from '../knobs.js';
import type { SimRole } from '../model.js';
import { ACCOUNT_ID_SOURCE } from '../../aws/ids.js';

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const ROLE_ARN = new RegExp(
  `^arn:(aws|aws-cn|aws-us-gov):iam::(${ACCOUNT_ID_SOURCE}):role/(?:[\\w+=,.@-]+/)*([\\w+=,.@-]{1,64})$`,
);
const SESSION_NAME = /^[\w+=,.@-]*$/;
const ROLE_CHAINING_MAX = 3600;

function validation(field: string, value: string, constraint: string): SimError {
  return new SimError(
    'ValidationError',
    `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: ${constraint}`,
    400,
  );
}

function notAuthorized(req: ServiceRequest, roleArn: string): SimError {
  return new SimError(
    'AccessDenied',
    `User: ${req.caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    403,
  );
}

/**
 * The role as the scenario knobs leave it: missing, under another name, expecting another ExternalId,
 * or trusting another principal.
 */
function effectiveRole(ctx: SimContext, roleArn: string): SimRole | undefined {
  let role = ctx.world.roles.get(roleArn);
  const m = ROLE_ARN.exec(roleArn);
  if (!m) return undefined;
  const accountId = m[2] as string;
  const scenario = scenarioFor(ctx.knobs, accountId);
  const readRoleArn = `arn:${m[1]}:iam::${accountId}:role/${ctx.world.readRoleName}`;
  if (scenario.roleName !== undefined) {
    // A legacy account: the read role is deployed under another name (at the root path).
    if (roleArn === `arn:${m[1]}:iam::${accountId}:role/${scenario.roleName}`) {
      const base = ctx.world.roles.get(readRoleArn);
      role = base ? { ...base, arn: roleArn, name: scenario.roleName } : undefined;
    } else if (role?.name === ctx.world.readRoleName) return undefined;
  }
  if (!role) return undefined;
  const isReadRole = role.name === ctx.world.readRoleName || role.name === scenario.roleName;
  if (!isReadRole) return role;
  if (scenario.roleMissing) return undefined;
  if (scenario.externalId !== undefined) role = { ...role, externalId: scenario.externalId };
  if (scenario.externalIdMismatch) role = { ...role, externalId: `${role.externalId ?? 'none'}-rotated` };
  if (scenario.trustMissingPrincipal)
    role = { ...role, trustedPrincipals: [`arn:aws:iam::${accountId}:role/SomeoneElse`] };
  return role;
}

function trusts(role: SimRole, req: ServiceRequest): boolean {
  const principal = req.caller.isRoleSession ? req.caller.roleArn : req.caller.arn;
  return (
    role.trustedPrincipals.includes('*') ||
    (principal !== undefined && role.trustedPrincipals.includes(principal))
  );
}

function assumeRole(req: ServiceRequest, ctx: SimContext): SimResponse {
  const p = req.params as Record<string, string>;
  const roleArn = p['RoleArn'] ?? '';
  const sessionName = p['RoleSessionName'] ?? '';
  if (!roleArn) throw new SimError('MissingParameter', 'The request must contain the parameter RoleArn', 400);
  if (!sessionName)
    throw new SimError('MissingParameter', 'The request must contain the parameter RoleSessionName', 400);
  if (roleArn.length < 20 || roleArn.length > 2048)
    throw validation('roleArn', roleArn, 'Member must have length between 20 and 2048');
  if (sessionName.length < 2 || sessionName.length > 64)
    throw validation('roleSessionName', sessionName, 'Member must have length between 2 and 64');
  if (!SESSION_NAME.test(sessionName))
    throw validation(
      'roleSessionName',
      sessionName,
      'Member must satisfy regular expression pattern: [\\w+=,.@-]*',
    );
  const externalId = p['ExternalId'];
  if (externalId !== undefined && (externalId.length < 2 || externalId.length > 1224)) {
    throw validation('externalId', externalId, 'Member must have length between 2 and 1224');
  }
  let duration = 3600;
  if (p['DurationSeconds'] !== undefined) {
    duration = Number(p['DurationSeconds']);
    if (!Number.isInteger(duration))
      throw new SimError(
        'ValidationError',
        `Invalid value for DurationSeconds: ${p['DurationSeconds']}`,
        400,
      );
    if (duration < 900)
      throw validation(
        'durationSeconds',
        String(duration),
        'Member must have value greater than or equal to 900',
      );
    if (duration > 43200)
      throw validation(
        'durationSeconds',
        String(duration),
        'Member must have value less than or equal to 43200',
      );
  }
  if (!ROLE_ARN.test(roleArn)) throw new SimError('ValidationError', `${roleArn} is invalid`, 400);

  const role = effectiveRole(ctx, roleArn);
  if (!role || !trusts(role, req)) throw notAuthorized(req, roleArn);
  // AWS refuses sessions in suspended or closing accounts with the same AccessDenied.
  const target = ctx.world.accountById.get(role.accountId);
  if (target && target.state !== 'ACTIVE') throw notAuthorized(req, roleArn);
  if (role.externalId !== undefined && role.externalId !== externalId) throw notAuthorized(req, roleArn);
  if (req.caller.isRoleSession && duration > ROLE_CHAINING_MAX) {
    throw new SimError(
      'ValidationError',
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      400,
    );
  }
  if (duration > role.maxSessionDuration) {
    throw new SimError(
      'ValidationError',
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      400,
    );
  }

  const lifetime = ctx.knobs.credentialLifetimeSeconds ?? duration;
  const session = ctx.credentials.issueRoleSession(role, sessionName, ctx.clock() + lifetime * 1000);
  const body =
    `<AssumeRoleResponse xmlns="${NS}"><AssumeRoleResult>` +
    `<AssumedRoleUser>${xmlElement('AssumedRoleId', session.assumedRoleId)}${xmlElement('Arn', session.assumedRoleArn)}</AssumedRoleUser>` +
    `<Credentials>${xmlElement('AccessKeyId', session.accessKeyId)}${xmlElement('SecretAccessKey', session.secretAccessKey)}` +
    `${xmlElement('SessionToken', session.sessionToken)}${xmlElement('Expiration', session.expiration.toISOString())}</Credentials>` +
    `<PackedPolicySize>0</PackedPolicySize>` +
    `</AssumeRoleResult><ResponseMetadata>${xmlElement('RequestId', req.requestId)}</ResponseMetadata></AssumeRoleResponse>`;
  return xmlResponse(200, body, req.requestId);
}

function getCallerIdentity(req: ServiceRequest): SimResponse {
  const body =
    `<GetCallerIdentityResponse xmlns="${NS}"><GetCallerIdentityResult>` +
    `${xmlElement('Arn', req.caller.arn)}${xmlElement('UserId', req.caller.userId)}${xmlElement('Account', req.caller.accountId)}` +
    `</GetCallerIdentityResult><ResponseMetadata>${xmlElement('RequestId', req.requestId)}</ResponseMetadata></GetCallerIdentityResponse>`;
  return xmlResponse(200, body, req.requestId);
}

export const stsService: ServiceModule = {
  service: 'sts',
  iamPrefix: 'sts',
  parse(raw) {
    const params = parseQueryParams(raw);
    const operation = queryAction(params);
    return { operation, params };
  },
  handle(req, ctx) {
    switch (req.operation) {
      case 'AssumeRole':
        return assumeRole(req, ctx);
      case 'GetCallerIdentity':
        return getCallerIdentity(req);
      default:
        throw new SimError(
          'InvalidAction',
          `Could not find operation ${req.operation} for version 2011-06-15`,
          400,
        );
    }
  },
  errorResponse(err, requestId) {
    const body =
      `<ErrorResponse xmlns="${NS}"><Error><Type>${err.fault}</Type>${xmlElement('Code', err.code)}` +
      `<Message>${xmlEscape(err.message)}</Message></Error>${xmlElement('RequestId', requestId)}</ErrorResponse>`;
    return xmlResponse(err.status, body, requestId);
  },
};
