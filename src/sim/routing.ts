// Which service a request is for, decided from the request itself (path, X-Amz-Target, the Query
// protocol's Version and Action), and whether its SigV4 credential scope fits that service. AWS runs
// one endpoint per service, so a request signed for another service or for a Region the service does
// not serve is refused with the service's signature error before the key is even looked up; the sim
// serves every service on one port, so it must make the same decision from the request's shape.
import type { ParsedAuthorization } from './sigv4.js';
import type { RawRequest, ServiceName } from './types.js';
import { isKnownRegion } from './regions.js';

const STS_VERSION = '2011-06-15';
const EC2_VERSION = '2016-11-15';
const STS_ACTIONS = new Set([
  'AssumeRole',
  'AssumeRoleWithSAML',
  'AssumeRoleWithWebIdentity',
  'AssumeRoot',
  'DecodeAuthorizationMessage',
  'GetAccessKeyInfo',
  'GetCallerIdentity',
  'GetFederationToken',
  'GetSessionToken',
]);

/** The Region every Organizations request must be signed for (its one endpoint, in the aws partition). */
export const ORGANIZATIONS_SIGNING_REGION = 'us-east-1';

/** The SigV4 signing name of each service (what the credential scope must name). */
export const SIGNING_NAMES: Record<ServiceName, string> = {
  sts: 'sts',
  ec2: 'ec2',
  organizations: 'organizations',
  rolesanywhere: 'rolesanywhere',
};

function queryParams(raw: RawRequest): URLSearchParams {
  const contentType = String(raw.headers['content-type'] ?? '');
  const fromBody =
    raw.method === 'POST' &&
    (contentType.startsWith('application/x-www-form-urlencoded') || contentType === '');
  return new URLSearchParams(fromBody ? raw.body.toString('utf8') : raw.rawQuery);
}

/**
 * The service a request's shape belongs to: Roles Anywhere by its REST path, Organizations by its
 * JSON X-Amz-Target, and the two Query services by their API Version (or, without one, the Action).
 * Anything else is treated as EC2, whose parser then refuses it (MissingAction, InvalidAction).
 */
export function serviceForRequest(raw: RawRequest): ServiceName {
  if (raw.path === '/sessions') return 'rolesanywhere';
  if (raw.headers['x-amz-target'] !== undefined) return 'organizations';
  const params = queryParams(raw);
  const version = params.get('Version');
  if (version === STS_VERSION) return 'sts';
  if (version === EC2_VERSION) return 'ec2';
  return STS_ACTIONS.has(params.get('Action') ?? '') ? 'sts' : 'ec2';
}

/**
 * What is wrong with the credential scope for `service`, as AWS words it, or undefined when it fits.
 * AWS ends these messages with '. ' (a trailing space); so does the sim.
 */
export function scopeProblem(service: ServiceName, auth: ParsedAuthorization): string | undefined {
  const problems: string[] = [];
  const validRegion =
    service === 'organizations' ? auth.region === ORGANIZATIONS_SIGNING_REGION : isKnownRegion(auth.region);
  // STS answers without naming the Region (as observed on sts.<region>.amazonaws.com); the JSON and
  // EC2 front ends name it.
  if (!validRegion)
    problems.push(
      service === 'sts'
        ? 'Credential should be scoped to a valid region. '
        : `Credential should be scoped to a valid region, not '${auth.region}'. `,
    );
  const name = SIGNING_NAMES[service];
  if (auth.service !== name) problems.push(`Credential should be scoped to correct service: '${name}'. `);
  return problems.length > 0 ? problems.join('') : undefined;
}
