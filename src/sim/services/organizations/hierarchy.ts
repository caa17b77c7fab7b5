// The organization tree as the list operations need it: children by parent (in world order) and the
// entity paths AWS reports ("o-…/r-…/ou-…/ou-…/" for an OU, the same plus "<account id>/" for an
// account). Built once per world and rebuilt only if the world's account or OU count changes.
import type { SimAccount, SimOrganizationalUnit, SimWorld } from '../../model.js';

export interface OrgHierarchy {
  ouById: Map<string, SimOrganizationalUnit>;
  accountsByParent: Map<string, SimAccount[]>;
  ousByParent: Map<string, SimOrganizationalUnit[]>;
  /** Root or OU ids that exist. */
  isContainer(id: string): boolean;
  /** The entity path of a root or OU, ending in '/'. */
  containerPath(id: string): string;
  accountPath(account: SimAccount): string;
}

interface Cached {
  accounts: number;
  ous: number;
  hierarchy: OrgHierarchy;
}

const cache = new WeakMap<SimWorld, Cached>();

export function hierarchyOf(world: SimWorld): OrgHierarchy {
  const hit = cache.get(world);
  if (hit && hit.accounts === world.accounts.length && hit.ous === world.organizationalUnits.length)
    return hit.hierarchy;
  const hierarchy = buildHierarchy(world);
  cache.set(world, { accounts: world.accounts.length, ous: world.organizationalUnits.length, hierarchy });
  return hierarchy;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function buildHierarchy(world: SimWorld): OrgHierarchy {
  const { organization } = world;
  const rootId = organization.root.id;
  const ouById = new Map<string, SimOrganizationalUnit>();
  const ousByParent = new Map<string, SimOrganizationalUnit[]>();
  const accountsByParent = new Map<string, SimAccount[]>();
  for (const ou of world.organizationalUnits) {
    ouById.set(ou.id, ou);
    push(ousByParent, ou.parentId, ou);
  }
  for (const account of world.accounts) push(accountsByParent, account.parentId, account);

  const paths = new Map<string, string>([[rootId, `${organization.id}/${rootId}/`]]);
  const containerPath = (id: string): string => {
    const known = paths.get(id);
    if (known !== undefined) return known;
    // Walk up to the nearest known ancestor; a cycle or a dangling parent ends at the root.
    const chain: string[] = [];
    let cursor: string | undefined = id;
    const seen = new Set<string>();
    while (cursor !== undefined && !paths.has(cursor) && !seen.has(cursor)) {
      seen.add(cursor);
      chain.push(cursor);
      cursor = ouById.get(cursor)?.parentId;
    }
    let path = (cursor !== undefined ? paths.get(cursor) : undefined) ?? (paths.get(rootId) as string);
    for (const ouId of chain.reverse()) {
      path = `${path}${ouId}/`;
      paths.set(ouId, path);
    }
    return path;
  };

  return {
    ouById,
    accountsByParent,
    ousByParent,
    isContainer: (id) => id === rootId || ouById.has(id),
    containerPath,
    accountPath: (account) => `${containerPath(account.parentId)}${account.id}/`,
  };
}
