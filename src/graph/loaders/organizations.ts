// Per-request loaders over the account source: Organizations (each call made at most once per
// request) or the configured static list (no call at all).
import type {
  Account as OrgAccount,
  OrganizationalUnit,
  Organization,
  Root,
} from '@aws-sdk/client-organizations';
import type { AwsData, CallOptions, Fetched } from '../../aws/data.js';
import type { GatewayGraphConfig } from '../../config/gateway.js';
import type { AccountRecord } from '../mappers.js';
import { Memo } from './memo.js';

export interface UnitRecord {
  unitId: string;
  name?: string;
  arn?: string;
}

export class OrganizationsLoaders {
  readonly #data: AwsData;
  readonly #config: GatewayGraphConfig;
  readonly #call: () => CallOptions;
  readonly #memo = new Memo<unknown>();

  constructor(data: AwsData, config: GatewayGraphConfig, call: () => CallOptions) {
    this.#data = data;
    this.#config = config;
    this.#call = call;
  }

  /** True when accounts come from Organizations (so units, parents and the organization exist). */
  get hasOrganization(): boolean {
    return this.#config.accounts.source === 'organizations';
  }

  organization(): Promise<Fetched<Organization>> {
    return this.#once('org', () => this.#data.organizations.describeOrganization(this.#call()));
  }

  /** Every account of the source, in its order (Organizations' order, or the configured list's). */
  accounts(): Promise<AccountRecord[]> {
    const source = this.#config.accounts;
    if (source.source === 'static') {
      return Promise.resolve(
        source.accounts.map((a) => ({
          accountId: a.id,
          ...(a.name !== undefined ? { name: a.name } : {}),
          ...(a.email !== undefined ? { email: a.email } : {}),
        })),
      );
    }
    return this.#once('accounts', async () =>
      (await this.#data.organizations.listAccounts(this.#call())).value.flatMap(toAccountRecord),
    );
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

  /** The id of the unit or root directly above an account or a unit (null above a root). */
  parentOf(childId: string): Promise<string | null> {
    if (childId.startsWith('r-')) return Promise.resolve(null);
    return this.#once(
      `parent:${childId}`,
      async () => (await this.#data.organizations.listParents(childId, this.#call())).value[0]?.Id ?? null,
    );
  }

  /** A root or unit's name and ARN. */
  async unit(unitId: string): Promise<UnitRecord> {
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
