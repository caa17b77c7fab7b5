// What `orgraph query` needs to know about the operation before running it, from the document and the
// schema alone (no AWS): which operation runs (--operation), the typed values of --var, which list of
// the result becomes rows (--path), the columns of those rows, and how to page through that list with
// the engine's own cursors so an export never holds the whole list.
import type {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLField,
  GraphQLOutputType,
  GraphQLSchema,
  GraphQLType,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';
import {
  GraphQLError,
  Kind,
  getNamedType,
  getNullableType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  isScalarType,
  parse,
  typeFromAST,
  validate,
} from 'graphql';
import { CliUsageError } from './errors.js';

export interface PreparedDocument {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  fragments: Map<string, FragmentDefinitionNode>;
}

/** Parses the document and picks its operation: the only one, or the one --operation names. */
export function prepareDocument(source: string, operationName: string | undefined): PreparedDocument {
  let document: DocumentNode;
  try {
    document = parse(source);
  } catch (err) {
    const e = err as GraphQLError;
    const at = e.locations?.[0];
    throw new CliUsageError(
      `the query is not valid GraphQL${at ? ` (line ${at.line}, column ${at.column})` : ''}: ${e.message.replace(/^Syntax Error: /, '')}`,
    );
  }
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const names = operations.map((o) => o.name?.value ?? '(anonymous)');
  let operation: OperationDefinitionNode | undefined;
  if (operationName !== undefined) {
    operation = operations.find((o) => o.name?.value === operationName);
    if (!operation)
      throw new CliUsageError(
        `--operation ${operationName}: the document has no operation of that name (it has: ${names.join(', ') || 'none'})`,
      );
  } else if (operations.length === 1) {
    operation = operations[0];
  } else {
    throw new CliUsageError(
      operations.length === 0
        ? 'the document has no operation (only fragments)'
        : `the document has ${operations.length} operations (${names.join(', ')}): choose one with --operation NAME`,
    );
  }
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  // Only the chosen operation (and the fragments) is sent, so the others never need variables.
  const single: DocumentNode = {
    ...document,
    definitions: document.definitions.filter((d) => d === operation || d.kind === Kind.FRAGMENT_DEFINITION),
  };
  return { document: single, operation: operation as OperationDefinitionNode, fragments };
}

/** Validation errors of the document against the schema, as one usage error (before any AWS call). */
export function checkAgainstSchema(schema: GraphQLSchema, prepared: PreparedDocument): void {
  const errors = validate(schema, prepared.document);
  if (errors.length === 0) return;
  throw new CliUsageError(
    `the query does not match the schema:\n${errors
      .map((e) => {
        const at = e.locations?.[0];
        return `  ${at ? `line ${at.line}, column ${at.column}: ` : ''}${e.message}`;
      })
      .join('\n')}`,
  );
}

/**
 * Turns `--var name=value` into a typed variable by the operation's definition of `$name`: Int,
 * Float and Boolean are parsed and checked, String, ID, enums and custom scalars stay strings, an
 * input object is JSON, and a list is a JSON array or comma-separated items of the item type.
 */
export function typedVariables(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  specs: readonly string[],
): Record<string, unknown> {
  const defs = new Map((operation.variableDefinitions ?? []).map((d) => [d.variable.name.value, d]));
  const out: Record<string, unknown> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new CliUsageError(`--var expects NAME=VALUE, got '${spec}'`);
    const name = spec.slice(0, eq).replace(/^\$/, '');
    const raw = spec.slice(eq + 1);
    const def = defs.get(name);
    if (!def) {
      const declared = [...defs.keys()].map((n) => `$${n}`).join(', ');
      throw new CliUsageError(
        `--var ${name}: the operation declares no $${name} (${declared ? `it declares ${declared}` : 'it declares no variables'})`,
      );
    }
    const type = typeFromAST(schema, def.type);
    if (!type) throw new CliUsageError(`--var ${name}: unknown type of $${name}`);
    out[name] = typedValue(type as GraphQLType, raw, `--var ${name}`);
  }
  return out;
}

function typedValue(type: GraphQLType, raw: string, where: string): unknown {
  const t = getNullableType(type);
  const fail = (what: string) => new CliUsageError(`${where}: expected ${what}, got '${raw}'`);
  if (raw === 'null' && !isNonNullType(type)) return null;
  if (isListType(t)) {
    const items = raw.trimStart().startsWith('[') ? parseJson(raw, where) : raw === '' ? [] : raw.split(',');
    if (!Array.isArray(items)) throw fail(`a list (a JSON array or comma-separated items)`);
    return items.map((item) =>
      typeof item === 'string' ? typedValue(t.ofType as GraphQLType, item, where) : item,
    );
  }
  if (isInputObjectType(t)) {
    const v = parseJson(raw, where);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw fail(`a JSON object for ${t.name}`);
    return v;
  }
  if (isEnumType(t)) {
    if (!t.getValue(raw))
      throw fail(
        `one of ${t
          .getValues()
          .map((v) => v.name)
          .join(', ')}`,
      );
    return raw;
  }
  if (isScalarType(t)) {
    switch (t.name) {
      case 'Int':
        if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) throw fail('an integer (Int)');
        return Number(raw);
      case 'Float':
        if (raw.trim() === '' || !Number.isFinite(Number(raw))) throw fail('a number (Float)');
        return Number(raw);
      case 'Boolean':
        if (raw !== 'true' && raw !== 'false') throw fail('true or false (Boolean)');
        return raw === 'true';
      default:
        return raw;
    }
  }
  return raw;
}

function parseJson(raw: string, where: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new CliUsageError(`${where}: not valid JSON: ${raw}`);
  }
}

// ---- the list that becomes rows ----

/** One step of the response path: the field node (response key = alias or name) and its schema field. */
interface Step {
  node: FieldNode;
  key: string;
  field: GraphQLField<unknown, unknown>;
}

/** A list of objects in the result: its response path and the steps that reach it. */
export interface ListTarget {
  path: string[];
  steps: Step[];
  /** The selection of each item. */
  itemSelection: SelectionSetNode;
  itemType: GraphQLOutputType;
}

/** The fields of a selection set, fragments inlined (fields of every type condition). */
function fieldsOf(selection: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>): FieldNode[] {
  const out: FieldNode[] = [];
  for (const s of selection.selections) {
    if (s.kind === Kind.FIELD) out.push(s);
    else if (s.kind === Kind.INLINE_FRAGMENT) out.push(...fieldsOf(s.selectionSet, fragments));
    else {
      const f = fragments.get(s.name.value);
      if (f) out.push(...fieldsOf(f.selectionSet, fragments));
    }
  }
  return out;
}

function fieldOf(type: GraphQLOutputType, name: string): GraphQLField<unknown, unknown> | undefined {
  const named = getNamedType(type);
  if (isObjectType(named) || isInterfaceType(named)) return named.getFields()[name];
  return undefined;
}

/** Every list of objects not inside another list, in document order. */
function listsOf(schema: GraphQLSchema, prepared: PreparedDocument): ListTarget[] {
  const root = prepared.operation.operation === 'query' ? schema.getQueryType() : undefined;
  if (!root) throw new CliUsageError('only query operations can be run');
  const found: ListTarget[] = [];
  const walk = (selection: SelectionSetNode, parentType: GraphQLOutputType, steps: Step[]) => {
    for (const node of fieldsOf(selection, prepared.fragments)) {
      const field = fieldOf(parentType, node.name.value);
      if (!field || !node.selectionSet) continue;
      const here = [...steps, { node, key: node.alias?.value ?? node.name.value, field }];
      if (isListType(getNullableType(field.type))) {
        found.push({
          path: here.map((s) => s.key),
          steps: here,
          itemSelection: node.selectionSet,
          itemType: field.type,
        });
      } else walk(node.selectionSet, field.type, here);
    }
  };
  walk(prepared.operation.selectionSet, root, []);
  return found;
}

/** The list chosen by --path (response keys joined by dots), or the only list of the result. */
export function findListTarget(
  schema: GraphQLSchema,
  prepared: PreparedDocument,
  path: string | undefined,
): ListTarget {
  const lists = listsOf(schema, prepared);
  const names = lists.map((l) => l.path.join('.'));
  if (path !== undefined) {
    const match = lists.find((l) => l.path.join('.') === path);
    if (!match)
      throw new CliUsageError(
        `--path ${path}: not a list of objects selected by the query (${names.length ? `lists: ${names.join(', ')}` : 'it selects no list'})`,
      );
    return match;
  }
  if (lists.length === 1) return lists[0] as ListTarget;
  throw new CliUsageError(
    lists.length === 0
      ? 'ndjson and csv need a list in the result (e.g. instances { nodes { … } }); the query selects none'
      : `the result has several lists (${names.join(', ')}): choose the rows with --path`,
  );
}

/**
 * The dotted column names of a row, in selection order: nested objects become `account.name`; a list
 * field is one column whose cell is JSON (see flattenRow).
 */
export function columnsOf(target: ListTarget, fragments: Map<string, FragmentDefinitionNode>): string[] {
  const columns: string[] = [];
  const seen = new Set<string>();
  const walk = (selection: SelectionSetNode, type: GraphQLOutputType, prefix: string) => {
    for (const node of fieldsOf(selection, fragments)) {
      const key = prefix + (node.alias?.value ?? node.name.value);
      const field = fieldOf(type, node.name.value);
      const nested =
        node.selectionSet &&
        field &&
        !isListType(getNullableType(field.type)) &&
        isCompositeType(getNamedType(field.type));
      if (nested) walk(node.selectionSet as SelectionSetNode, field.type, `${key}.`);
      else if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  };
  walk(target.itemSelection, target.itemType, '');
  return columns;
}

/** One item as a flat record of the columns: nested objects by dotted name, lists as JSON text. */
export function flattenRow(item: unknown, columns: readonly string[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const column of columns) {
    let v: unknown = item;
    for (const key of column.split('.')) {
      v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
    }
    row[column] = v === undefined ? null : v;
  }
  return row;
}

/** The items of the list at `path` in `data` (null or missing parts: no items). */
export function itemsAt(data: unknown, path: readonly string[]): unknown[] {
  let v: unknown = data;
  for (const key of path)
    v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
  return Array.isArray(v) ? (v as unknown[]) : [];
}

// ---- paging through the list with the engine's cursors ----

export const PAGE_ALIAS = '__orgraphPage';
export const AFTER_VARIABLE = '__orgraphAfter';

/** How to fetch the rows page by page: the rewritten document and where its pageInfo is. */
export interface PagedPlan {
  document: DocumentNode;
  /** Response path of the connection (the step before `nodes`/`edges`). */
  connectionPath: string[];
}

/**
 * When the list is the `nodes` (or `edges`) of a connection that pages (`first`/`after` arguments) and
 * no other list encloses it, and the query does not set `first` itself: a copy of the document that
 * asks for `first: pageSize, after: $__orgraphAfter` and the connection's pageInfo. Otherwise undefined
 * (the list is read in one go).
 */
export function pagedPlan(
  prepared: PreparedDocument,
  target: ListTarget,
  pageSize: number,
): PagedPlan | undefined {
  if (target.steps.length < 2) return undefined;
  const last = target.steps[target.steps.length - 1] as Step;
  if (last.node.name.value !== 'nodes' && last.node.name.value !== 'edges') return undefined;
  const connection = target.steps[target.steps.length - 2] as Step;
  const argNames = new Set(connection.field.args.map((a) => a.name));
  if (!argNames.has('first') || !argNames.has('after')) return undefined;
  const given = new Set((connection.node.arguments ?? []).map((a) => a.name.value));
  if (given.has('first') || given.has('after')) return undefined;
  // The connection node may come from a fragment; rewriting it in place is enough only when it is in
  // the operation itself, so page only then.
  if (!containsNode(prepared.operation.selectionSet, connection.node)) return undefined;

  const pageInfo: FieldNode = {
    kind: Kind.FIELD,
    alias: { kind: Kind.NAME, value: PAGE_ALIAS },
    name: { kind: Kind.NAME, value: 'pageInfo' },
    selectionSet: {
      kind: Kind.SELECTION_SET,
      selections: ['hasNextPage', 'endCursor'].map((f) => ({
        kind: Kind.FIELD,
        name: { kind: Kind.NAME, value: f },
      })),
    },
  };
  const rewritten: FieldNode = {
    ...connection.node,
    arguments: [
      ...(connection.node.arguments ?? []),
      {
        kind: Kind.ARGUMENT,
        name: { kind: Kind.NAME, value: 'first' },
        value: { kind: Kind.INT, value: String(pageSize) },
      },
      {
        kind: Kind.ARGUMENT,
        name: { kind: Kind.NAME, value: 'after' },
        value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: AFTER_VARIABLE } },
      },
    ],
    selectionSet: {
      kind: Kind.SELECTION_SET,
      selections: [...(connection.node.selectionSet?.selections ?? []), pageInfo],
    },
  };
  const operation: OperationDefinitionNode = {
    ...replaceNode(prepared.operation, connection.node, rewritten),
    variableDefinitions: [
      ...(prepared.operation.variableDefinitions ?? []),
      {
        kind: Kind.VARIABLE_DEFINITION,
        variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: AFTER_VARIABLE } },
        type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: 'String' } },
      },
    ],
  };
  return {
    document: {
      ...prepared.document,
      definitions: prepared.document.definitions.map((d) => (d === prepared.operation ? operation : d)),
    },
    connectionPath: target.path.slice(0, -1),
  };
}

function containsNode(selection: SelectionSetNode, target: FieldNode): boolean {
  return selection.selections.some(
    (s) =>
      s === target ||
      ((s.kind === Kind.FIELD || s.kind === Kind.INLINE_FRAGMENT) &&
        s.selectionSet !== undefined &&
        containsNode(s.selectionSet, target)),
  );
}

/** A copy of `node` with `target` (a field node somewhere inside) replaced. */
function replaceNode<T extends OperationDefinitionNode | FieldNode>(
  node: T,
  target: FieldNode,
  by: FieldNode,
): T {
  const mapSet = (set: SelectionSetNode): SelectionSetNode => ({
    ...set,
    selections: set.selections.map((s) => {
      if (s === target) return by;
      if ((s.kind === Kind.FIELD || s.kind === Kind.INLINE_FRAGMENT) && s.selectionSet)
        return { ...s, selectionSet: mapSet(s.selectionSet) };
      return s;
    }),
  });
  return { ...node, selectionSet: node.selectionSet ? mapSet(node.selectionSet) : node.selectionSet };
}

/** The pageInfo the rewritten document asked for, from one page's data. */
export function pageInfoAt(
  data: unknown,
  connectionPath: readonly string[],
): { hasNextPage: boolean; endCursor: string | null } | undefined {
  let v: unknown = data;
  for (const key of connectionPath)
    v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
  const info = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[PAGE_ALIAS] : undefined;
  if (info === null || typeof info !== 'object') return undefined;
  const i = info as { hasNextPage?: unknown; endCursor?: unknown };
  return {
    hasNextPage: i.hasNextPage === true,
    endCursor: typeof i.endCursor === 'string' ? i.endCursor : null,
  };
}
