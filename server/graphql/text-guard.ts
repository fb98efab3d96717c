import type { ApolloServerPlugin } from '@apollo/server';
import {
  getArgumentValues,
  getNamedType,
  getOperationAST,
  GraphQLError,
  isInterfaceType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { InvalidInputError } from '../errors/domain-error.js';

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What makes a text unstorable: PostgreSQL text holds valid UTF-8 without NUL. */
function problemOf(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain control characters (NUL cannot be stored)';
  if (LONE_SURROGATE.test(text))
    return 'must be valid Unicode: it contains an unpaired UTF-16 surrogate (send valid UTF-8)';
  return null;
}

function walk(value: unknown, path: string): InvalidInputError | null {
  if (typeof value === 'string') {
    const problem = problemOf(value);
    return problem === null ? null : new InvalidInputError(path, problem);
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = walk(item, `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const found = walk(item, path === '' ? key : `${path}.${key}`);
      if (found) return found;
    }
  }
  return null;
}

/**
 * The first unstorable string among a field's arguments (after coercion, so variables and
 * literals alike), named as the services name fields: `name`, `attachments[0].description`
 * inside the `input` argument, or the argument itself (`activeTo`).
 */
export function unstorableArgs(args: Record<string, unknown>): InvalidInputError | null {
  for (const [name, value] of Object.entries(args)) {
    const found = walk(value, name === 'input' ? '' : name);
    if (found) return found;
  }
  return null;
}

/**
 * Refuses text PostgreSQL cannot store before anything runs, for every field of the operation
 * that takes arguments (after coercion, so variables and literals alike): otherwise a lone
 * surrogate failed deep in a write (an internal error through the audit row) or was silently
 * replaced by U+FFFD, and NUL failed the statement. One walk of the document per request,
 * not a middleware on every resolved field. Used for HTTP (Apollo) and WebSocket alike.
 */
export function unstorableText(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): InvalidInputError | null {
  const operation = getOperationAST(document, operationName);
  const root = operation ? schema.getRootType(operation.operation) : undefined;
  if (!operation || !root) return null;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const vars = variables ?? {};
  const visit = (
    selectionSet: SelectionSetNode,
    parent: GraphQLNamedType,
    seen: ReadonlySet<string>,
  ): InvalidInputError | null => {
    for (const selection of selectionSet.selections) {
      let found: InvalidInputError | null = null;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        found = visit(selection.selectionSet, type ?? parent, seen);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !seen.has(fragment.name.value)) {
          const type = schema.getType(fragment.typeCondition.name.value) ?? parent;
          found = visit(fragment.selectionSet, type, new Set([...seen, fragment.name.value]));
        }
      } else if (isObjectType(parent) || isInterfaceType(parent)) {
        const field = parent.getFields()[selection.name.value];
        if (field) {
          if (selection.arguments?.length) found = unstorableArgs(getArgumentValues(field, selection, vars));
          if (!found && selection.selectionSet) {
            found = visit(selection.selectionSet, getNamedType(field.type), seen);
          }
        }
      }
      if (found) return found;
    }
    return null;
  };
  return visit(operation.selectionSet, root, new Set());
}

export const textGuardPlugin: ApolloServerPlugin = {
  requestDidStart: () =>
    Promise.resolve({
      didResolveOperation: ({ schema, document, operationName, request }) => {
        const error = unstorableText(schema, document, operationName, request.variables);
        if (!error) return Promise.resolve();
        // A request error (nothing executed): 400, like a variable of the wrong type.
        return Promise.reject(
          new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status: 400 } } }),
        );
      },
    }),
};
