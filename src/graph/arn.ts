// ARNs of EC2 resources, built the way EC2 spells them (EC2 reports only a subnet's ARN itself).

/** The partition of a Region: aws, aws-cn, aws-us-gov, or an isolated one. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  return 'aws';
}

/** arn:<partition>:ec2:<region>:<account>:<resource type>/<id> */
export function ec2Arn(
  region: string,
  accountId: string,
  /** The ARN's resource type: instance, vpc, subnet, security-group … */
  resourceType: string,
  id: string,
): string {
  return `arn:${partitionOf(region)}:ec2:${region}:${accountId}:${resourceType}/${id}`;
}
