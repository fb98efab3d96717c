import {
  getArgumentValues,
  getOperationAST,
  GraphQLError,
  isObjectType,
  Kind,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import type { MiddlewareFn } from 'type-graphql';
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
 * Refuses text PostgreSQL cannot store before the resolver runs, on every field that takes
 * arguments: otherwise a lone surrogate failed deep in a write (an internal error through the
 * audit row) or was silently replaced by U+FFFD, and NUL failed the statement.
 */
export const refuseUnstorableText: MiddlewareFn = ({ args }, next) => {
  const error = unstorableArgs(args);
  if (error) throw error;
  return next();
};

/**
 * The same check for a subscription before it starts (graphql-ws runs `subscribe` outside the
 * resolver middlewares): the arguments of its root field.
 */
export function unstorableSubscriptionArgs(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown>,
): GraphQLError | null {
  const operation = getOperationAST(document, operationName);
  const root = schema.getSubscriptionType();
  if (!operation || !root || !isObjectType(root)) return null;
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) continue;
    const field = root.getFields()[selection.name.value];
    if (!field) continue;
    const found = unstorableArgs(getArgumentValues(field, selection, variables));
    if (found) return found;
  }
  return null;
}
