// Per-request loaders over the account source: Organizations (each call made at most once per
// request) or the configured static list (no call at all).
import type {
  Account as OrgAccount,
  OrganizationalUnit,
  Organization,
  Root,
} from '@aws-sdk/client-organizations';
import type { AwsData, CallOptions, Fetched } from '../../aws/contract.js';
import type { GraphConfig } from '../../config/graph.js';
import type { AccountRecord } from '../mappers.js';
import DataLoader from 'dataloader';
import { isNotFound } from '../../aws/classify.js';
import { Memo } from './memo.js';
import { GrowingList } from '../growing-list.js';

export interface UnitRecord {
  unitId: string;
  name?: string;
  arn?: string;
}

/** The organization tree: every unit (roots included) by id, and the parent of every unit and account. */
export interface OrganizationTree {
  units: Map<string, UnitRecord>;
  parents: Map<string, string>;
}

export class OrganizationsLoaders {
  readonly #data: AwsData;
  readonly #config: GraphConfig;
  readonly #call: () => CallOptions;
  readonly #memo = new Memo<unknown>();
  readonly #parents: DataLoader<string, UnitRecord | null>;
  /** The account list of this request, once asked for (see accountFeed). */
  #feed: GrowingList<AccountRecord> | undefined;

  readonly #listCall: () => CallOptions;

  /**
   * `listCall`: the options of the account list's read — by default `call`'s; the request context
   * passes a signal that the response being sent does not abort (see createGraphContext).
   */
  constructor(
    data: AwsData,
    config: GraphConfig,
    call: () => CallOptions,
    listCall: () => CallOptions = call,
  ) {
    this.#data = data;
    this.#config = config;
    this.#call = call;
    this.#listCall = listCall;
    this.#parents = new DataLoader((childIds) => this.#loadParents(childIds));
  }

  /** True when accounts come from Organizations (so units, parents and the organization exist). */
  get hasOrganization(): boolean {
    return this.#config.accounts.source === 'organizations';
  }

  organization(): Promise<Fetched<Organization>> {
    return this.#once('org', () => this.#data.organizations.describeOrganization(this.#call()));
  }

  /** Every account of the source, in its order (Organizations' order, or the configured list's). */
  async accounts(): Promise<AccountRecord[]> {
    return [...(await this.accountFeed().whole())];
  }

  /**
   * The accounts of the source as they arrive: ListAccounts page by page (read once per request, as
   * `accounts()`), or the configured list at once.
   */
  accountFeed(): GrowingList<AccountRecord> {
    const source = this.#config.accounts;
    return (this.#feed ??=
      source.source === 'static'
        ? GrowingList.of(
            source.accounts.map((a) => ({
              accountId: a.id,
              ...(a.name !== undefined ? { name: a.name } : {}),
              ...(a.email !== undefined ? { email: a.email } : {}),
            })),
          )
        : this.#listAccounts());
  }

  /** Starts this request's ListAccounts read; its pages fill the list as they arrive. */
  #listAccounts(): GrowingList<AccountRecord> {
    const feed = new GrowingList<AccountRecord>();
    let told = 0;
    const onPage = (page: OrgAccount[]) => {
      told += page.length;
      // The read may go on (for other requests, or to be cached) after this request's list ended.
      if (!feed.done) feed.add(page.flatMap(toAccountRecord));
    };
    void this.#data.organizations.listAccounts(this.#listCall(), onPage).then(
      ({ value }) => {
        // A cache hit, or a read another request started, tells no pages: the whole list at once.
        if (told === 0 && !feed.done) feed.add(value.flatMap(toAccountRecord));
        feed.complete();
      },
      (error: unknown) => feed.fail(error),
    );
    return feed;
  }

  /**
   * One account of the source, or null. When this request has not read the account list, Organizations
   * is asked for just this account (DescribeAccount): one call, not the whole list's pages.
   */
  async account(accountId: string): Promise<AccountRecord | null> {
    // The list, when this request reads it anyway (or it is the configured one, no call at all).
    if (this.#feed !== undefined || this.#config.accounts.source === 'static')
      return (await this.accountById()).get(accountId) ?? null;
    return this.#once(`account:${accountId}`, async () => {
      try {
        const [record] = toAccountRecord(
          (await this.#data.organizations.describeAccount(accountId, this.#call())).value,
        );
        return record ?? null;
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    });
  }

  async accountById(): Promise<Map<string, AccountRecord>> {
    return this.#once(
      'accountById',
      async () => new Map((await this.accounts()).map((a) => [a.accountId, a])),
    );
  }

  roots(): Promise<Root[]> {
    return this.#once('roots', async () => (await this.#data.organizations.listRoots(this.#call())).value);
  }

  childUnits(parentId: string): Promise<OrganizationalUnit[]> {
    return this.#once(
      `units:${parentId}`,
      async () =>
        (await this.#data.organizations.listOrganizationalUnitsForParent(parentId, this.#call())).value,
    );
  }

  accountsForParent(parentId: string): Promise<AccountRecord[]> {
    return this.#once(`accountsFor:${parentId}`, async () =>
      (await this.#data.organizations.listAccountsForParent(parentId, this.#call())).value.flatMap(
        toAccountRecord,
      ),
    );
  }

  /**
   * The unit or root directly above an account or a unit (null above a root, or for an id the
   * organization does not know). The parents asked for in one tick are one batch: a batch of one asks
   * ListParents; a larger one walks the tree once for the request (see tree), so a list of accounts
   * with their parents costs a few calls per unit, not one per account.
   */
  parentOf(childId: string): Promise<UnitRecord | null> {
    if (childId.startsWith('r-')) return Promise.resolve(null);
    return this.#parents.load(childId);
  }

  /**
   * The organization tree, read once per request from the top: ListRoots, then every unit's child
   * units and accounts (ListOrganizationalUnitsForParent and ListAccountsForParent, a unit's children
   * as soon as its own lists are in, concurrently). The same lists serve unit subtrees and `units`/`accounts` fields, and the data
   * layer caches them across requests.
   */
  tree(): Promise<OrganizationTree> {
    return this.#once('tree', async () => {
      const tree: OrganizationTree = { units: new Map(), parents: new Map() };
      const visit = async (unitId: string): Promise<void> => {
        const [units, accounts] = await Promise.all([
          this.childUnits(unitId),
          this.accountsForParent(unitId),
        ]);
        for (const account of accounts) tree.parents.set(account.accountId, unitId);
        const children = units.flatMap((u) => (u.Id ? [u.Id] : []));
        for (const unit of units) {
          if (!unit.Id) continue;
          tree.parents.set(unit.Id, unitId);
          tree.units.set(unit.Id, unitRecord(unit.Id, unit));
        }
        await Promise.all(children.map(visit));
      };
      const roots = (await this.roots()).flatMap((r) => (r.Id ? [r] : []));
      for (const root of roots) tree.units.set(root.Id as string, unitRecord(root.Id as string, root));
      await Promise.all(roots.map((r) => visit(r.Id as string)));
      return tree;
    });
  }

  async #loadParents(childIds: readonly string[]): Promise<(UnitRecord | null | Error)[]> {
    if (childIds.length === 1 && !this.#memo.has('tree'))
      return [await this.#listParent(childIds[0] as string)];
    const tree = await this.tree();
    const settled = await Promise.allSettled(
      childIds.map(async (id) => {
        const parentId = tree.parents.get(id);
        // Not in the tree as read (it may be older than the account list): ask for this one.
        if (parentId === undefined) return this.#listParent(id);
        return tree.units.get(parentId) ?? { unitId: parentId };
      }),
    );
    // A failed lookup fails its own child only.
    return settled.map((r) =>
      r.status === 'fulfilled' ? r.value : r.reason instanceof Error ? r.reason : new Error(String(r.reason)),
    );
  }

  async #listParent(childId: string): Promise<UnitRecord | null> {
    const parent = (await this.#data.organizations.listParents(childId, this.#call())).value[0];
    return parent?.Id ? { unitId: parent.Id } : null;
  }

  /** A root or unit's name and ARN (from the tree when this request walked it). */
  async unit(unitId: string): Promise<UnitRecord> {
    if (this.#memo.has('tree')) {
      const known = await this.tree().then(
        (tree) => tree.units.get(unitId),
        () => undefined,
      );
      if (known) return known;
    }
    if (unitId.startsWith('r-')) {
      const root = (await this.roots()).find((r) => r.Id === unitId);
      return {
        unitId,
        ...(root?.Name !== undefined ? { name: root.Name } : {}),
        ...(root?.Arn !== undefined ? { arn: root.Arn } : {}),
      };
    }
    const unit = await this.#once(
      `unit:${unitId}`,
      async () => (await this.#data.organizations.describeOrganizationalUnit(unitId, this.#call())).value,
    );
    return {
      unitId,
      ...(unit.Name !== undefined ? { name: unit.Name } : {}),
      ...(unit.Arn !== undefined ? { arn: unit.Arn } : {}),
    };
  }

  /**
   * Every account below a root or unit, depth first: the unit's own accounts, then each child unit's
   * subtree in Organizations' order. Each level is read concurrently.
   */
  subtreeAccounts(unitId: string): Promise<AccountRecord[]> {
    return this.#once(`subtree:${unitId}`, async () => {
      const [own, children] = await Promise.all([this.accountsForParent(unitId), this.childUnits(unitId)]);
      const below = await Promise.all(children.flatMap((c) => (c.Id ? [this.subtreeAccounts(c.Id)] : [])));
      return [...own, ...below.flat()];
    });
  }

  #once<V>(key: string, load: () => Promise<V>): Promise<V> {
    return this.#memo.get(key, load) as Promise<V>;
  }
}

function unitRecord(unitId: string, unit: { Name?: string; Arn?: string }): UnitRecord {
  return {
    unitId,
    ...(unit.Name !== undefined ? { name: unit.Name } : {}),
    ...(unit.Arn !== undefined ? { arn: unit.Arn } : {}),
  };
}

function toAccountRecord(account: OrgAccount): AccountRecord[] {
  if (!account.Id) return [];
  const state = account.State ?? account.Status;
  return [
    {
      accountId: account.Id,
      ...(account.Arn !== undefined ? { arn: account.Arn } : {}),
      ...(account.Name !== undefined ? { name: account.Name } : {}),
      ...(account.Email !== undefined ? { email: account.Email } : {}),
      ...(state !== undefined ? { state } : {}),
      ...(account.JoinedMethod !== undefined ? { joinedMethod: account.JoinedMethod } : {}),
      ...(account.JoinedTimestamp !== undefined ? { joinedTimestamp: account.JoinedTimestamp } : {}),
    },
  ];
}
