// The EC2 errors the Describe* operations raise, with AWS's codes, HTTP statuses and message wordings.
// Where a wording was taken from a public capture of a real EC2 answer, the source is named.
import { SimError } from '../../types.js';

export const ec2Errors = {
  /** A Region not enabled for the account (AWS-FACTS.md: EC2 answers AuthFailure 401 there). */
  authFailure: (): SimError =>
    new SimError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401),

  /** An action the caller's policies (or a service control policy) do not allow: HTTP 403. */
  unauthorized: (message: string): SimError => new SimError('UnauthorizedOperation', message, 403),

  invalidAction: (action: string): SimError =>
    new SimError('InvalidAction', `The action ${action} is not valid for this web service.`, 400),

  /** DryRun=true on a permitted call: HTTP 412, as the AWS CLI shows for `--dry-run`. */
  dryRun: (): SimError =>
    new SimError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412),

  invalidFilter: (name: string): SimError =>
    new SimError('InvalidParameterValue', `The filter '${name}' is invalid`, 400),

  invalidParameterValue: (message: string): SimError => new SimError('InvalidParameterValue', message, 400),

  /** More than 200 filter values in one call (the limit and wording of EC2's FilterLimitExceeded). */
  filterLimitExceeded: (): SimError =>
    new SimError(
      'FilterLimitExceeded',
      'The maximum number of filter values specified on a single call is 200',
      400,
    ),

  invalidParameterCombination: (message: string): SimError =>
    new SimError('InvalidParameterCombination', message, 400),

  /**
   * `Invalid id: "x" (expecting "i-...")` — the wire wording reported by real EC2 answers (e.g. a
   * gitlab-runner log: `InvalidInstanceID.Malformed: Invalid id: "" (expecting "i-...")`).
   */
  malformedId: (code: string, id: string, prefix: string): SimError =>
    new SimError(code, `Invalid id: ${JSON.stringify(id)} (expecting "${prefix}-...")`, 400),

  /**
   * DescribeSecurityGroups' wording differs from the other NotFound errors: "The security group
   * 'sg-1' does not exist" (as quoted in issue threads of real EC2 answers). For several unknown ids
   * EC2's wording is not documented; the sim names them all in the same sentence.
   */
  securityGroupNotFound: (ids: readonly string[]): SimError =>
    new SimError('InvalidGroup.NotFound', `The security group '${ids.join(', ')}' does not exist`, 400),

  /**
   * A GroupName.N that names no group of the default VPC: "The security group 'web' does not exist in
   * default VPC 'vpc-06dd0cf5353d4b39e'" (a captured real answer).
   */
  securityGroupNameNotFound: (name: string, defaultVpcId: string): SimError =>
    new SimError(
      'InvalidGroup.NotFound',
      `The security group '${name}' does not exist in default VPC '${defaultVpcId}'`,
      400,
    ),

  /** GroupName.N in a Region whose default VPC was deleted. */
  noDefaultVpc: (): SimError => new SimError('VPCIdNotSpecified', 'No default VPC for this user', 400),

  /**
   * "The instance ID 'i-1' does not exist" / "The instance IDs 'i-1, i-2' do not exist" (the plural
   * wording is what EC2 answers for several unknown ids, as quoted in moto's and Eucalyptus' tests).
   */
  notFound: (code: string, noun: string, ids: readonly string[]): SimError =>
    new SimError(
      code,
      ids.length === 1
        ? `The ${noun} ID '${ids[0] ?? ''}' does not exist`
        : `The ${noun} IDs '${ids.join(', ')}' do not exist`,
      400,
    ),
};
