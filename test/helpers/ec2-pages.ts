// The pages of a resource kind's list through the data layer's one-page call, as a test walks them:
// from `nextToken` on, following NextToken until AWS leaves it out.
import type { AwsData, CallOptions, Page, Target } from '../../src/aws/contract.js';
import type { Ec2List } from '../../src/aws/ec2-lists.js';
import { INSTANCE, SUBNET, VPC } from '../../src/graph/kinds/index.js';
import type { InstanceItem } from '../../src/graph/kinds/index.js';
import type { Subnet, Vpc } from '@aws-sdk/client-ec2';

export interface PagesRequest {
  filters?: { Name: string; Values: string[] }[];
  maxResults?: number;
  nextToken?: string;
}

export async function* listPages<T>(
  data: Pick<AwsData, 'ec2'>,
  list: Ec2List<T>,
  target: Target,
  request: PagesRequest = {},
  options?: CallOptions,
): AsyncGenerator<Page<T>> {
  let token = request.nextToken;
  do {
    const page = await data.ec2.page(
      list,
      target,
      {
        ...(request.filters ? { filters: request.filters } : {}),
        ...(request.maxResults !== undefined ? { wanted: request.maxResults } : {}),
        ...(token !== undefined ? { token } : {}),
      },
      options,
    );
    yield page;
    token = page.nextToken;
  } while (token !== undefined);
}

type Pages<T> = (
  data: Pick<AwsData, 'ec2'>,
  target: Target,
  request?: PagesRequest,
  options?: CallOptions,
) => AsyncGenerator<Page<T>>;

export const instancePages: Pages<InstanceItem> = (data, target, request, options) =>
  listPages(data, INSTANCE.aws, target, request, options);
export const vpcPages: Pages<Vpc> = (data, target, request, options) =>
  listPages(data, VPC.aws, target, request, options);
export const subnetPages: Pages<Subnet> = (data, target, request, options) =>
  listPages(data, SUBNET.aws, target, request, options);
