import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  getOperationAST,
  GraphQLError,
  isAbstractType,
  isLeafType,
  isListType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { listSizeOf } from './list-size.js';

/**
 * The cost of an operation: what it may make the server load in the worst case. A scalar costs
 * 1, an object 2 plus its selection, and a list of objects as many times as it may hold items:
 * its page argument (clamped to its maximum) or the bound its domain enforces (see ListSize).
 * Aliases and fragments count as the fields they resolve; @skip/@include are assumed to
 * include. Computed with the request's variables, so `first: $n` counts as n.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): number {
  const operation = getOperationAST(document, operationName);
  if (!operation) return 0;
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const vars = variables ?? {};

  const selectionCost = (
    selectionSet: SelectionSetNode,
    parent: GraphQLCompositeType,
    pageOfLists: number | undefined,
    seen: ReadonlySet<string>,
  ): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        total += selectionCost(
          selection.selectionSet,
          (type ?? parent) as GraphQLCompositeType,
          pageOfLists,
          seen,
        );
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || seen.has(fragment.name.value)) continue;
        const type = schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType | undefined;
        total += selectionCost(
          fragment.selectionSet,
          type ?? parent,
          pageOfLists,
          new Set([...seen, fragment.name.value]),
        );
        continue;
      }
      const name = selection.name.value;
      // Introspection is bounded by the schema itself; __typename is free.
      if (name.startsWith('__') || isAbstractType(parent)) continue;
      const field = parent.getFields()[name];
      if (!field) continue;
      const named = getNamedType(field.type);
      if (isLeafType(named) || !selection.selectionSet) {
        total += 1;
        continue;
      }
      const spec = listSizeOf(field.extensions);
      let size = spec?.maxItems;
      if (spec?.pageArg) {
        const requested = getArgumentValues(field, selection, vars)[spec.pageArg];
        size =
          typeof requested === 'number' && requested > 0 ? Math.min(requested, spec.maxItems) : spec.maxItems;
      }
      const isList = isListType(getNullableType(field.type));
      const target = isObjectType(named) || isAbstractType(named) ? named : parent;
      if (isList) {
        // A list inside a connection (edges) holds one page of the connection.
        const items = pageOfLists ?? size ?? UNDECLARED_LIST_SIZE;
        total += items * (2 + selectionCost(selection.selectionSet, target, undefined, seen));
      } else {
        // A connection passes its page size to its own lists; any other object costs once.
        total += 2 + selectionCost(selection.selectionSet, target, spec?.pageArg ? size : undefined, seen);
      }
    }
    return total;
  };
  return selectionCost(operation.selectionSet, root, undefined, new Set());
}

/** What an undeclared list counts as (a schema test makes sure there is none). */
const UNDECLARED_LIST_SIZE = 1000;

export function costError(cost: number, maxCost: number): GraphQLError {
  return new GraphQLError(
    `Query cost ${cost} exceeds the maximum of ${maxCost}: ask for smaller pages (first) or fewer nested lists`,
    { extensions: { code: 'QUERY_TOO_COSTLY', cost, maxCost } },
  );
}
