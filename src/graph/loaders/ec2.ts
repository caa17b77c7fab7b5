// Per-request EC2 loaders keyed by (account, Region), for every resource kind: lookups by id batched
// into one by-id call per target, pages read once and shared by every field that asks for the same page,
// and nested lists (a VPC's subnets, a subnet's instances) batched into one filtered list per target.
// DataLoader does the batching and the per-request sharing; nothing here outlives the request.
import type { Filter, Region } from '@aws-sdk/client-ec2';
import DataLoader from 'dataloader';
import type { AwsData, CallOptions, Page, Target } from '../../aws/contract.js';
import { filtersKey } from '../../aws/ec2-lists.js';
import type { GraphConfig } from '../../config/graph.js';
import { splitFilters } from '../filter-split.js';
import type { AnyKind, Ec2Model, ParentAttribute, ResourceKind } from '../kinds/index.js';
import { modelOf } from '../kinds/kind.js';
import { Memo } from './memo.js';

/** One Region of an account as the graph knows it. */
export interface RegionInfo {
  region: string;
  optInStatus?: string;
  endpoint?: string;
}

type Model = Ec2Model<string, unknown>;

const targetKey = (t: Target) => `${t.accountId}|${t.region}`;

/** One page of one kind's list asked for by a field. */
interface PageKey {
  key: string;
  kind: AnyKind;
  target: Target;
  filters: readonly Filter[];
  token: string | undefined;
}

interface NestedKey {
  target: Target;
  parentId: string;
  filters: readonly Filter[];
}

export class Ec2Loaders {
  readonly #data: AwsData;
  readonly #config: GraphConfig;
  readonly #call: () => CallOptions;
  readonly #memo = new Memo<unknown>();
  readonly #lookups = new Map<string, DataLoader<string, Model | null>>();
  readonly #nested = new Map<string, DataLoader<NestedKey, Page<Model>, string>>();
  /** The largest number of items any field asked of a page before its read started. */
  readonly #wanted = new Map<string, number>();
  readonly #pages: DataLoader<PageKey, Page<Model>, string>;

  constructor(data: AwsData, config: GraphConfig, call: () => CallOptions) {
    this.#data = data;
    this.#config = config;
    this.#call = call;
    this.#pages = new DataLoader(
      (keys) => Promise.all(keys.map((k) => this.#readPage(k).catch((error: unknown) => toError(error)))),
      { cacheKeyFn: (k) => k.key },
    );
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
   * One item by id in one target, or null when AWS does not know it. The lookups of one tick are grouped
   * by target and each group is one by-id call (the data layer splits above 1,000 ids); a failed call
   * fails every lookup of its target.
   */
  lookup<TypeName extends string, Item>(
    kind: ResourceKind<TypeName, Item>,
    target: Target,
    id: string,
  ): Promise<Ec2Model<TypeName, Item> | null> {
    let loader = this.#lookups.get(kind.typename);
    if (!loader) {
      loader = new DataLoader((keys) => this.#loadByIds(kind as AnyKind, keys));
      this.#lookups.set(kind.typename, loader);
    }
    return loader.load(`${targetKey(target)}|${id}`) as Promise<Ec2Model<TypeName, Item> | null>;
  }

  /**
   * One AWS page of a list: the page read with `token` (undefined: the first one) for these filters.
   * Every field of the request that asks for the same page shares one read: asks made in the same tick
   * are served by one call with the largest number of items asked for, and a page already read is
   * served again as it is, whatever size is asked (readers take what they need of a longer page and
   * follow NextToken past a shorter one, so no item is read twice).
   */
  page<M extends Model>(
    kind: AnyKind,
    target: Target,
    filters: readonly Filter[],
    token: string | undefined,
    wanted: number,
  ): Promise<Page<M>> {
    const key = `${kind.typename}|${targetKey(target)}|${filtersKey(filters)}|${token ?? ''}`;
    this.#wanted.set(key, Math.max(this.#wanted.get(key) ?? 0, wanted));
    return this.#pages.load({ key, kind, target, filters, token }) as Promise<Page<M>>;
  }

  /**
   * The items of a nested list whose `attribute` filter (vpc-id, subnet-id) is `parentId`. Siblings
   * (every VPC's subnets in one target) share one list call filtered by all of their ids.
   */
  nested<M extends Model>(
    kind: AnyKind,
    target: Target,
    attribute: ParentAttribute,
    parentId: string,
    filters: readonly Filter[],
  ): Promise<Page<M>> {
    const name = `${kind.typename}|${attribute}`;
    let loader = this.#nested.get(name);
    if (!loader) {
      loader = new DataLoader((keys) => this.#loadNested(kind, attribute, keys), {
        cacheKeyFn: (k) => `${targetKey(k.target)}|${k.parentId}|${filtersKey(k.filters)}`,
      });
      this.#nested.set(name, loader);
    }
    return loader.load({ target, parentId, filters }) as Promise<Page<M>>;
  }

  async #readPage(k: PageKey): Promise<Page<Model>> {
    const wanted = this.#wanted.get(k.key) ?? 0;
    const page = await this.#data.ec2.page(
      k.kind.aws,
      k.target,
      { filters: k.filters, wanted, ...(k.token !== undefined ? { token: k.token } : {}) },
      this.#call(),
    );
    return { ...page, items: page.items.map((item) => modelOf(k.kind, k.target, item, page.fetchedAt)) };
  }

  async #loadByIds(kind: AnyKind, keys: readonly string[]): Promise<(Model | null | Error)[]> {
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
          const fetched = await this.#data.ec2.byIds(kind.aws, target, [...new Set(ids)], this.#call());
          for (const id of ids) {
            const item = fetched.value.get(id);
            results.set(
              `${targetKey(target)}|${id}`,
              item === undefined ? null : modelOf(kind, target, item, fetched.fetchedAt),
            );
          }
        } catch (error) {
          for (const id of ids) results.set(`${targetKey(target)}|${id}`, toError(error));
        }
      }),
    );
    return keys.map((k) => results.get(k) ?? null);
  }

  async #loadNested(
    kind: AnyKind,
    attribute: ParentAttribute,
    keys: readonly NestedKey[],
  ): Promise<(Page<Model> | Error)[]> {
    const parentOf = kind.parentOf?.[attribute];
    if (!parentOf) throw new Error(`${kind.typename} items have no ${attribute}`);
    const groups = new Map<string, NestedKey[]>();
    for (const key of keys) {
      const group = `${targetKey(key.target)}|${filtersKey(key.filters)}`;
      const list = groups.get(group);
      if (list) list.push(key);
      else groups.set(group, [key]);
    }
    const results = new Map<NestedKey, Page<Model> | Error>();
    await Promise.all(
      [...groups.values()].map(async (group) => {
        const { target, filters } = group[0] as NestedKey;
        const parentIds = [...new Set(group.map((k) => k.parentId))];
        try {
          const byParent = new Map<string, Model[]>(parentIds.map((id) => [id, []]));
          let fetchedAt: Date | undefined;
          // Every call within EC2's filter value limit: the parent ids, and the where's own lists when
          // they need it too, are divided between calls that select disjoint items.
          const parts = splitFilters([...filters, { Name: attribute, Values: parentIds }], {
            singleValued: new Set(kind.singleValued),
          });
          for (const part of parts) {
            const list = await this.#data.ec2.all(kind.aws, target, part, this.#call());
            for (const item of list.items) {
              const parent = parentOf(item);
              if (parent !== undefined)
                byParent.get(parent)?.push(modelOf(kind, target, item, list.fetchedAt));
            }
            // The oldest read, as every Page says.
            if (fetchedAt === undefined || list.fetchedAt < fetchedAt) fetchedAt = list.fetchedAt;
          }
          const read = fetchedAt ?? new Date(0);
          for (const key of group)
            results.set(key, { items: byParent.get(key.parentId) ?? [], fetchedAt: read });
        } catch (error) {
          for (const key of group) results.set(key, toError(error));
        }
      }),
    );
    return keys.map((k) => results.get(k) ?? new Error('nested list was not loaded'));
  }

  #once<V>(key: string, load: () => Promise<V>): Promise<V> {
    return this.#memo.get(key, load) as Promise<V>;
  }
}

const toError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

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
