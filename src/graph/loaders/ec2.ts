// Per-request EC2 loaders keyed by (account, Region): by-id lookups batched into one `…ByIds` call per
// target, lists read once and shared by every field that needs the same list, and nested lists (a
// VPC's subnets, a subnet's instances) batched into one filtered list call per target.
import type { Filter, Region } from '@aws-sdk/client-ec2';
import DataLoader from 'dataloader';
import type { AwsData, CallOptions, Fetched, Target } from '../../aws/data.js';
import { AwsCallError } from '../../aws/errors.js';
import type { GatewayGraphConfig } from '../../config/gateway.js';
import type { InstanceModel, SubnetModel, VpcModel } from '../mappers.js';
import { instanceModel, subnetModel, vpcModel } from '../mappers.js';
import type { ListKind } from '../list-kinds.js';
import { splitFilters } from '../filter-split.js';
import { filtersKey } from '../where.js';
import { Memo } from './memo.js';
import { SharedReads } from './shared-reads.js';

/** One Region of an account as the graph knows it. */
export interface RegionInfo {
  region: string;
  optInStatus?: string;
  endpoint?: string;
}

/** One AWS page as read: the token it was read with (absent for the first page) and the next one. */
export interface ReadPage<Model> {
  token?: string;
  nextToken?: string;
  items: Model[];
}

/** A nested list read whole: every item with the time its pages were read. */
export interface ReadList<Model> {
  items: Model[];
  fetchedAt: Date;
}

const targetKey = (t: Target) => `${t.accountId}|${t.region}`;

export class Ec2Loaders {
  readonly #data: AwsData;
  readonly #config: GatewayGraphConfig;
  readonly #call: () => CallOptions;
  readonly #memo = new Memo<unknown>();
  readonly #pages = new SharedReads<ReadPage<unknown>>();

  readonly instanceById: DataLoader<string, InstanceModel | null>;
  readonly vpcById: DataLoader<string, VpcModel | null>;
  readonly subnetById: DataLoader<string, SubnetModel | null>;
  readonly #nested = new Map<string, DataLoader<NestedKey, ReadList<unknown>, string>>();

  constructor(data: AwsData, config: GatewayGraphConfig, call: () => CallOptions) {
    this.#data = data;
    this.#config = config;
    this.#call = call;
    this.instanceById = byIdLoader(
      (target, ids) => data.ec2.instancesByIds(target, ids, this.#call()),
      instanceModel,
    );
    this.vpcById = byIdLoader((target, ids) => data.ec2.vpcsByIds(target, ids, this.#call()), vpcModel);
    this.subnetById = byIdLoader(
      (target, ids) => data.ec2.subnetsByIds(target, ids, this.#call()),
      subnetModel,
    );
  }

  /** The key of a by-id loader. */
  static idKey(target: Target, id: string): string {
    return `${target.accountId}|${target.region}|${id}`;
  }

  /** The account's Regions, sorted by name: the configured list (no call), else DescribeRegions. */
  async regions(accountId: string): Promise<RegionInfo[]> {
    const configured = this.#config.regions;
    if (configured) return [...new Set(configured)].sort().map((region) => ({ region }));
    return this.describedRegions(accountId);
  }

  /** DescribeRegions for the account (enabled Regions with their opt-in status), sorted by name. */
  describedRegions(accountId: string): Promise<RegionInfo[]> {
    return this.#once(`regions:${accountId}`, async () => {
      const fetched = await this.#data.ec2.describeRegions(accountId, this.#call());
      return fetched.value
        .flatMap(toRegionInfo)
        .sort((a, b) => (a.region < b.region ? -1 : a.region > b.region ? 1 : 0));
    });
  }

  zones(target: Target) {
    return this.#once(`zones:${targetKey(target)}`, () =>
      this.#data.ec2.describeAvailabilityZones(target, this.#call()),
    );
  }

  /**
   * One AWS page of a list: the page read with `token` (undefined: the first one) for these filters.
   * Every field of the request that asks for the same page shares one read: asks made in the same tick
   * are served by one call with the largest MaxResults asked for, and a page already read is served
   * again as it is, whatever size is asked (readers take what they need of a longer page and follow
   * NextToken past a shorter one, so no item is read twice).
   */
  page<Item, Model>(
    kind: ListKind<Item, Model>,
    target: Target,
    filters: readonly Filter[],
    token: string | undefined,
    maxResults: number,
  ): Promise<ReadPage<Model>> {
    const key = `page:${kind.name}:${targetKey(target)}:${filtersKey(filters)}:${token ?? ''}`;
    return this.#pages.read(key, maxResults, async (size) => {
      const request = {
        filters: [...filters],
        maxResults: size,
        ...(token !== undefined ? { nextToken: token } : {}),
      };
      for await (const page of kind.pages(this.#data, target, request, this.#call())) {
        if (page.nextToken !== undefined && page.nextToken === token) throw repeatedToken(kind, target);
        // Only this page: the generator stops fetching when left.
        return {
          ...(token !== undefined ? { token } : {}),
          ...(page.nextToken !== undefined ? { nextToken: page.nextToken } : {}),
          items: page.items.map((item) => kind.toModel(target, item, page.fetchedAt)),
        };
      }
      return { ...(token !== undefined ? { token } : {}), items: [] };
    }) as Promise<ReadPage<Model>>;
  }

  /**
   * The items of a nested list whose `attribute` filter (vpc-id, subnet-id) is `parentId`. Siblings
   * (every VPC's subnets in one target) share one list call filtered by all of their ids.
   */
  nested<Item, Model>(
    kind: ListKind<Item, Model>,
    target: Target,
    attribute: NestedAttribute,
    parentId: string,
    filters: readonly Filter[],
  ): Promise<ReadList<Model>> {
    const name = `${kind.name}|${attribute}`;
    let loader = this.#nested.get(name) as DataLoader<NestedKey, ReadList<Model>, string> | undefined;
    if (!loader) {
      loader = new DataLoader((keys) => this.#loadNested(kind, attribute, keys), {
        cacheKeyFn: (k) => `${targetKey(k.target)}|${k.parentId}|${filtersKey(k.filters)}`,
      });
      this.#nested.set(name, loader as DataLoader<NestedKey, ReadList<unknown>, string>);
    }
    return loader.load({ target, parentId, filters });
  }

  async #loadNested<Item, Model>(
    kind: ListKind<Item, Model>,
    attribute: NestedAttribute,
    keys: readonly NestedKey[],
  ): Promise<(ReadList<Model> | Error)[]> {
    const groups = new Map<string, NestedKey[]>();
    for (const key of keys) {
      const group = `${targetKey(key.target)}|${filtersKey(key.filters)}`;
      const list = groups.get(group);
      if (list) list.push(key);
      else groups.set(group, [key]);
    }
    const results = new Map<NestedKey, ReadList<Model> | Error>();
    await Promise.all(
      [...groups.values()].map(async (group) => {
        const { target, filters } = group[0] as NestedKey;
        const parentIds = [...new Set(group.map((k) => k.parentId))];
        try {
          const byParent = new Map<string, Model[]>(parentIds.map((id) => [id, []]));
          let fetchedAt = new Date(0);
          // Every call within EC2's filter value limit: the parent ids, and the where's own lists when
          // they need it too, are divided between calls that select disjoint items.
          const parts = splitFilters([...filters, { Name: attribute, Values: parentIds }]);
          for (const part of parts) {
            for await (const page of kind.pages(this.#data, target, { filters: part }, this.#call())) {
              for (const item of page.items) {
                const parent = parentOf(attribute, item);
                if (parent !== undefined)
                  byParent.get(parent)?.push(kind.toModel(target, item, page.fetchedAt));
              }
              if (page.fetchedAt > fetchedAt) fetchedAt = page.fetchedAt;
            }
          }
          for (const key of group) results.set(key, { items: byParent.get(key.parentId) ?? [], fetchedAt });
        } catch (error) {
          const failure = error instanceof Error ? error : new Error(String(error));
          for (const key of group) results.set(key, failure);
        }
      }),
    );
    return keys.map((k) => results.get(k) ?? new Error('nested list was not loaded'));
  }

  #once<V>(key: string, load: () => Promise<V>): Promise<V> {
    return this.#memo.get(key, load) as Promise<V>;
  }
}

export type NestedAttribute = 'vpc-id' | 'subnet-id';

interface NestedKey {
  target: Target;
  parentId: string;
  filters: readonly Filter[];
}

const OPERATIONS = { instances: 'DescribeInstances', vpcs: 'DescribeVpcs', subnets: 'DescribeSubnets' };

/** AWS answered the token it was given: following it would never end. */
function repeatedToken(kind: ListKind<unknown, unknown>, target: Target): AwsCallError {
  const operation = OPERATIONS[kind.name];
  return new AwsCallError({
    code: 'UPSTREAM_ERROR',
    message: `EC2 ${operation} answered the NextToken it was given; stopped paging to avoid a loop`,
    service: 'ec2',
    operation,
    accountId: target.accountId,
    region: target.region,
    retryable: false,
  });
}

/** The VPC or subnet an item belongs to. */
function parentOf(attribute: NestedAttribute, item: unknown): string | undefined {
  const record = item as {
    instance?: { VpcId?: string; SubnetId?: string };
    VpcId?: string;
    SubnetId?: string;
  };
  const source = record.instance ?? record;
  return attribute === 'vpc-id' ? source.VpcId : source.SubnetId;
}

function toRegionInfo(region: Region): RegionInfo[] {
  if (!region.RegionName) return [];
  return [
    {
      region: region.RegionName,
      ...(region.OptInStatus !== undefined ? { optInStatus: region.OptInStatus } : {}),
      ...(region.Endpoint !== undefined ? { endpoint: region.Endpoint } : {}),
    },
  ];
}

/**
 * A DataLoader for by-id lookups: the keys of one tick are grouped by (account, Region) and each group
 * is one `…ByIds` call (the data layer splits above 1,000 ids). An unknown id loads as null; a failed
 * call fails every key of its target.
 */
function byIdLoader<Item, Model>(
  fetch: (target: Target, ids: readonly string[]) => Promise<Fetched<Map<string, Item>>>,
  toModel: (target: Target, item: Item, fetchedAt: Date) => Model,
): DataLoader<string, Model | null> {
  return new DataLoader<string, Model | null>(async (keys) => {
    const groups = new Map<string, { target: Target; ids: string[] }>();
    for (const key of keys) {
      const [accountId, region, id] = key.split('|') as [string, string, string];
      const group = groups.get(`${accountId}|${region}`);
      if (group) group.ids.push(id);
      else groups.set(`${accountId}|${region}`, { target: { accountId, region }, ids: [id] });
    }
    const results = new Map<string, Model | null | Error>();
    await Promise.all(
      [...groups.values()].map(async ({ target, ids }) => {
        try {
          const fetched = await fetch(target, [...new Set(ids)]);
          for (const id of ids) {
            const item = fetched.value.get(id);
            results.set(
              Ec2Loaders.idKey(target, id),
              item === undefined ? null : toModel(target, item, fetched.fetchedAt),
            );
          }
        } catch (error) {
          const failure = error instanceof Error ? error : new Error(String(error));
          for (const id of ids) results.set(Ec2Loaders.idKey(target, id), failure);
        }
      }),
    );
    return keys.map((k) => results.get(k) ?? null);
  });
}
