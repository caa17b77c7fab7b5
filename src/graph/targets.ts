// Which accounts and Regions a request may read: the account source after the configured include and
// exclude lists, narrowed by a field's `where`. Unit lists are expanded through the organization tree
// (recursively); nothing is called for account-id lists or when no list is configured.
import type { GraphConfig } from '../config/graph.js';
import { badUserInput } from './errors.js';
import { GrowingList } from './growing-list.js';
import type { FanoutPlan } from './fanout.js';
import type { Ec2Loaders } from './loaders/ec2.js';
import { Memo } from './loaders/memo.js';
import type { OrganizationsLoaders } from './loaders/organizations.js';
import type { AccountRecord } from './mappers.js';
import type { TargetNarrowing } from './where.js';

/**
 * The accounts a fan-out starts from: every account in scope, a unit's subtree, or one account (with
 * its record when the caller has it, so its state needs no lookup).
 */
export type FanoutBase = { all: true } | { unitId: string } | { accountId: string; record?: AccountRecord };

export class Targets {
  readonly #config: GraphConfig;
  readonly #organizations: OrganizationsLoaders;
  readonly #ec2: Ec2Loaders;
  readonly #memo = new Memo<unknown>();
  #gate: { max: number; refusal: (count: number) => Error; reached: Set<string> } | undefined;

  constructor(config: GraphConfig, organizations: OrganizationsLoaders, ec2: Ec2Loaders) {
    this.#config = config;
    this.#organizations = organizations;
    this.#ec2 = ec2;
  }

  /** Whether the include/exclude lists admit an account (does not check that it exists). */
  admits(): Promise<(accountId: string) => boolean> {
    return this.#memo.get('admits', async () => {
      const { include, exclude } = this.#config;
      const [includedByUnit, excludedByUnit] = await Promise.all([
        this.#unitsAccounts(include.unitIds),
        this.#unitsAccounts(exclude.unitIds),
      ]);
      const includeAll = include.accountIds.length === 0 && include.unitIds.length === 0;
      const included = new Set([...include.accountIds, ...includedByUnit]);
      const excluded = new Set([...exclude.accountIds, ...excludedByUnit]);
      return (accountId: string) => (includeAll || included.has(accountId)) && !excluded.has(accountId);
    }) as Promise<(accountId: string) => boolean>;
  }

  /** Every account in scope, in the source's order. */
  accounts(): Promise<AccountRecord[]> {
    return this.#memo.get('accounts', async () => [...(await (await this.#inScope()).whole())]) as Promise<
      AccountRecord[]
    >;
  }

  /**
   * Limits the accounts in scope in a fan-out state (what the AWS-call estimate multiplies) to `max`
   * for this request: the list that would bring the request past it — a ListAccounts page of the whole
   * scope, or a unit's accounts — fails with `refusal()` before any work on those accounts can start.
   * Set before any list is read (by the query-budgets plugin); it applies to every reader.
   */
  limitFanOutAccounts(max: number, refusal: (count: number) => Error): void {
    this.#gate = { max, refusal, reached: new Set() };
  }

  /**
   * The accounts in scope as they arrive (see GrowingList), behind the fan-out account limit when one
   * is set.
   */
  #inScope(): Promise<GrowingList<AccountRecord>> {
    return this.#memo.get('inScope', async () => {
      const admits = await this.admits();
      return this.#organizations
        .accountFeed()
        .derive((added) => this.#withinLimit(added.filter((a) => admits(a.accountId))));
    }) as Promise<GrowingList<AccountRecord>>;
  }

  /** The account's record when it exists in the source and is in scope, else null. */
  async account(accountId: string): Promise<AccountRecord | null> {
    if (!(await this.admits())(accountId)) return null;
    return this.#organizations.account(accountId);
  }

  /** The accounts in a unit's subtree that are in scope (Organizations' order, depth first). */
  async unitAccounts(unitId: string): Promise<AccountRecord[]> {
    const [below, admits] = await Promise.all([this.#organizations.subtreeAccounts(unitId), this.admits()]);
    return this.#withinLimit(below.filter((a) => admits(a.accountId)));
  }

  /** The accounts directly in a unit that are in scope (Organizations' order). */
  async parentAccounts(unitId: string): Promise<AccountRecord[]> {
    const [direct, admits] = await Promise.all([
      this.#organizations.accountsForParent(unitId),
      this.admits(),
    ]);
    return this.#withinLimit(direct.filter((a) => admits(a.accountId)));
  }

  /**
   * Accounts about to be read (in scope), under the fan-out account limit when one is set: every
   * account in a fan-out state that this request reached — through the whole scope's list as it
   * arrives, or a unit's accounts read without it — counts once, and the refusal is thrown (before the
   * accounts are returned) when they become more than the limit.
   */
  #withinLimit(records: AccountRecord[]): AccountRecord[] {
    const gate = this.#gate;
    if (!gate) return records;
    for (const a of records) if (this.fansOut(a)) gate.reached.add(a.accountId);
    if (gate.reached.size > gate.max) throw gate.refusal(gate.reached.size);
    return records;
  }

  /** The accounts of a where's unitIds (in any of the units' subtrees). */
  async narrowByUnits(unitIds: readonly string[]): Promise<Set<string>> {
    if (!this.#organizations.hasOrganization)
      throw badUserInput(
        "'unitIds' needs the Organizations account source; this gateway reads a static account list",
      );
    return new Set(await this.#unitsAccounts(unitIds));
  }

  /** The Regions of an account, narrowed; the configured list needs no call. */
  async regionsOf(accountId: string, regions?: readonly string[]): Promise<string[]> {
    const all = (await this.#ec2.regions(accountId)).map((r) => r.region);
    if (regions === undefined) return all;
    const wanted = new Set(regions);
    return all.filter((r) => wanted.has(r));
  }

  /**
   * Whether fan-outs read an account: its state is one of `fanOutAccountStates`, or it has none (an
   * account of a static list, or one Organizations did not report).
   */
  fansOut(record: AccountRecord | undefined): boolean {
    const state = record?.state;
    return state === undefined || (this.#config.fanOutAccountStates as readonly string[]).includes(state);
  }

  /**
   * The targets of a fan-out field: its base accounts in a fan-out state (see fansOut), narrowed by
   * the where, each with its Regions.
   */
  async plan(base: FanoutBase, narrowing: TargetNarrowing): Promise<FanoutPlan> {
    const wanted = narrowing.accountIds ? new Set(narrowing.accountIds) : undefined;
    const inUnits = narrowing.unitIds ? await this.narrowByUnits(narrowing.unitIds) : undefined;
    const keep = (records: readonly AccountRecord[]): string[] =>
      records
        .filter((a) => this.fansOut(a))
        .map((a) => a.accountId)
        .filter((a) => (!wanted || wanted.has(a)) && (!inUnits || inUnits.has(a)));
    let accounts: GrowingList<string>;
    // The whole scope starts on each account as its page arrives; a unit's subtree or one account is
    // known at once.
    if ('all' in base) accounts = (await this.#inScope()).derive(keep);
    else if ('unitId' in base) accounts = GrowingList.of(keep(await this.unitAccounts(base.unitId)));
    else if (!(await this.admits())(base.accountId)) accounts = GrowingList.of([]);
    else {
      const record = base.record ?? (await this.#organizations.accountById()).get(base.accountId);
      accounts = GrowingList.of(keep([record ?? { accountId: base.accountId }]));
    }
    const regions = narrowing.regions;
    return {
      accounts,
      regionsOf: (accountId) => this.regionsOf(accountId, regions),
      ...(regions ? { requestedRegions: [...new Set(regions)] } : {}),
    };
  }

  async #unitsAccounts(unitIds: readonly string[]): Promise<string[]> {
    if (unitIds.length === 0) return [];
    const subtrees = await Promise.all(unitIds.map((u) => this.#organizations.subtreeAccounts(u)));
    return subtrees.flat().map((a) => a.accountId);
  }
}
