// What a field's selection asks of its result, through fragments: to answer from what is at hand when
// nothing else is asked (an instance's security groups by name need no call).
import type { GraphQLResolveInfo, SelectionSetNode } from 'graphql';

/** Whether every field selected below this field (fragments included) is one of `fields`. */
export function selectsOnly(info: GraphQLResolveInfo, fields: ReadonlySet<string>): boolean {
  const within = (set: SelectionSetNode | undefined, seen: Set<string>): boolean =>
    (set?.selections ?? []).every((selection) => {
      if (selection.kind === 'Field') return fields.has(selection.name.value);
      if (selection.kind === 'InlineFragment') return within(selection.selectionSet, seen);
      const name = selection.name.value;
      if (seen.has(name)) return true;
      seen.add(name);
      return within(info.fragments[name]?.selectionSet, seen);
    });
  return info.fieldNodes.every((node) => within(node.selectionSet, new Set()));
}
