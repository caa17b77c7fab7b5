// The three EC2 lists the graph fans out over, described once: how to read their pages from the data
// layer and how an item becomes the resolver model.
import type { Subnet, Vpc } from '@aws-sdk/client-ec2';
import type { AwsData, AwsPage, CallOptions, Ec2ListRequest, InstanceItem, Target } from '../aws/data.js';
import type { InstanceModel, SubnetModel, VpcModel } from './mappers.js';
import { instanceModel, subnetModel, vpcModel } from './mappers.js';

export interface ListKind<Item, Model> {
  readonly name: 'instances' | 'vpcs' | 'subnets';
  pages(
    data: AwsData,
    target: Target,
    request: Ec2ListRequest,
    options: CallOptions,
  ): AsyncGenerator<AwsPage<Item>>;
  toModel(target: Target, item: Item, fetchedAt: Date): Model;
}

export const INSTANCES: ListKind<InstanceItem, InstanceModel> = {
  name: 'instances',
  pages: (data, target, request, options) => data.ec2.instancePages(target, request, options),
  toModel: instanceModel,
};

export const VPCS: ListKind<Vpc, VpcModel> = {
  name: 'vpcs',
  pages: (data, target, request, options) => data.ec2.vpcPages(target, request, options),
  toModel: vpcModel,
};

export const SUBNETS: ListKind<Subnet, SubnetModel> = {
  name: 'subnets',
  pages: (data, target, request, options) => data.ec2.subnetPages(target, request, options),
  toModel: subnetModel,
};

/** EC2's MaxResults range for the Describe calls the graph makes. */
export const MIN_MAX_RESULTS = 5;
export const MAX_MAX_RESULTS = 1000;

export function clampMaxResults(wanted: number): number {
  return Math.min(MAX_MAX_RESULTS, Math.max(MIN_MAX_RESULTS, Math.ceil(wanted)));
}
