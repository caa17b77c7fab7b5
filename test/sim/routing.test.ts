// Routing by the request's shape, and the credential-scope check against the routed service.
import { describe, expect, it } from 'vitest';
import { scopeProblem, serviceForRequest } from '../../src/sim/routing.js';
import type { ParsedAuthorization } from '../../src/sim/sigv4.js';
import type { RawRequest } from '../../src/sim/types.js';

function form(body: string, headers: Record<string, string> = {}): RawRequest {
  return {
    method: 'POST',
    path: '/',
    rawQuery: '',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...headers },
    body: Buffer.from(body),
  };
}

function scope(service: string, region: string): ParsedAuthorization {
  return {
    algorithm: 'AWS4-HMAC-SHA256',
    accessKeyId: 'AKIAEXAMPLE',
    date: '20261123',
    region,
    service,
    signedHeaders: ['host', 'x-amz-date'],
    signature: '00',
  };
}

describe('serviceForRequest', () => {
  it('routes by the Query API version first, then by the action, whatever the signature says', () => {
    expect(serviceForRequest(form('Action=DescribeRegions&Version=2016-11-15'))).toBe('ec2');
    expect(serviceForRequest(form('Action=GetCallerIdentity&Version=2011-06-15'))).toBe('sts');
    // An STS action with EC2's version is an EC2 request (EC2 then answers InvalidAction).
    expect(serviceForRequest(form('Action=AssumeRole&Version=2016-11-15'))).toBe('ec2');
    expect(serviceForRequest(form('Action=GetSessionToken'))).toBe('sts');
    expect(serviceForRequest(form('Action=DescribeVpcs'))).toBe('ec2');
    expect(serviceForRequest(form(''))).toBe('ec2');
    const get: RawRequest = {
      method: 'GET',
      path: '/',
      rawQuery: 'Action=GetCallerIdentity&Version=2011-06-15',
      headers: {},
      body: Buffer.alloc(0),
    };
    expect(serviceForRequest(get)).toBe('sts');
  });

  it('routes JSON requests with X-Amz-Target to Organizations and POST /sessions to Roles Anywhere', () => {
    const json = form('{}', {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AWSOrganizationsV20161128.ListAccounts',
    });
    expect(serviceForRequest(json)).toBe('organizations');
    expect(serviceForRequest({ ...form('{}'), path: '/sessions' })).toBe('rolesanywhere');
  });
});

describe('scopeProblem', () => {
  it('accepts the service’s own signing name in a Region it serves', () => {
    expect(scopeProblem('ec2', scope('ec2', 'eu-west-1'))).toBeUndefined();
    expect(scopeProblem('sts', scope('sts', 'af-south-1'))).toBeUndefined();
    expect(scopeProblem('organizations', scope('organizations', 'us-east-1'))).toBeUndefined();
  });

  it('names the service the scope should have named', () => {
    expect(scopeProblem('ec2', scope('iam', 'us-east-1'))).toBe(
      "Credential should be scoped to correct service: 'ec2'. ",
    );
    expect(scopeProblem('sts', scope('ec2', 'us-east-1'))).toBe(
      "Credential should be scoped to correct service: 'sts'. ",
    );
  });

  it('refuses Organizations outside us-east-1 and STS/EC2 in a Region that does not exist', () => {
    expect(scopeProblem('organizations', scope('organizations', 'eu-west-1'))).toBe(
      "Credential should be scoped to a valid region, not 'eu-west-1'. ",
    );
    expect(scopeProblem('ec2', scope('ec2', 'mars-north-1'))).toBe(
      "Credential should be scoped to a valid region, not 'mars-north-1'. ",
    );
    expect(scopeProblem('sts', scope('iam', 'nowhere'))).toBe(
      "Credential should be scoped to a valid region. Credential should be scoped to correct service: 'sts'. ",
    );
  });
});
