import { Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { AnyAuthenticated } from '../auth/access.js';
import { InvalidInputError } from '../errors/domain-error.js';
import { ListSize } from './list-size.js';

/**
 * Relay cursor connections (https://relay.dev/graphql/connections.htm) for every collection a
 * client pages through: `first`/`after`, `edges { cursor node }`, `pageInfo`, `totalCount`.
 * Cursors are opaque (base64url of the sort key and the id), so pages are keyset pages: stable
 * while rows are added, and as fast at page 1000 as at page 1.
 */
/** No connection serves pages larger than this (each may set a smaller maximum). */
export const MAX_PAGE_SIZE = 100;

@ObjectType({ simpleResolvers: true, description: 'Where a page sits in its connection (Relay PageInfo)' })
export class PageInfo {
  @Field({ description: 'Whether more items follow the last one of this page' })
  @AnyAuthenticated()
  hasNextPage!: boolean;

  @Field({ description: 'Whether items precede the first one of this page (true after a cursor)' })
  @AnyAuthenticated()
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first item; null for an empty page' })
  @AnyAuthenticated()
  startCursor!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Cursor of the last item: pass it as `after` for the next page',
  })
  @AnyAuthenticated()
  endCursor!: string | null;
}

export interface ConnectionShape<TNode> {
  edges: Array<{ cursor: string; node: TNode }>;
  pageInfo: PageInfo;
  /** Resolved only when the client asks for it (a count query). */
  readonly totalCount: Promise<number> | number;
}

/**
 * The Edge and Connection object types of a node type, e.g. DocumentEdge and DocumentConnection.
 * Declare the concrete connection as `@ObjectType() class DocumentConnection extends
 * Connection(Document, 'Document') {}`.
 */
export function Connection<TNode extends object>(NodeClass: ClassType<TNode>, name: string) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true, description: `A ${name} with its cursor` })
  class Edge {
    @Field({ description: 'Opaque position of this item: pass it as `after` to continue from here' })
    @AnyAuthenticated()
    cursor!: string;

    @Field(() => NodeClass, { description: `The ${name}` })
    @AnyAuthenticated()
    node!: TNode;
  }

  @ObjectType({ simpleResolvers: true })
  abstract class ConnectionClass implements ConnectionShape<TNode> {
    @Field(() => [Edge], { description: 'The items of this page, in order' })
    @ListSize({ maxItems: MAX_PAGE_SIZE })
    @AnyAuthenticated()
    edges!: Edge[];

    @Field(() => PageInfo, { description: 'Cursors of this page and whether more items follow' })
    @AnyAuthenticated()
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'How many items the whole collection holds for the caller' })
    @AnyAuthenticated()
    totalCount!: number;
  }
  return ConnectionClass;
}

/** The page a client asked for, validated: `first` within 1..max, `after` a cursor of `arity` keys. */
export interface PageRequest {
  first: number;
  after: unknown[] | null;
}

export function pageRequest(
  first: number,
  after: string | null | undefined,
  max: number,
  arity: number,
): PageRequest {
  if (!Number.isInteger(first) || first < 1 || first > max)
    throw new InvalidInputError('first', `must be between 1 and ${max}`);
  return { first, after: after == null ? null : decodeCursor(after, arity) };
}

export function encodeCursor(values: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

function decodeCursor(cursor: string, arity: number): unknown[] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    values = null;
  }
  if (
    !Array.isArray(values) ||
    values.length !== arity ||
    !values.every((v) => typeof v === 'string' || typeof v === 'number')
  ) {
    throw new InvalidInputError('after', 'is not a cursor of this list (use pageInfo.endCursor)');
  }
  return values;
}

/**
 * A page: the nodes shown (at most `first`, fetched with `limit first + 1` so the extra row tells
 * whether more follow) and their cursors. `totalCount` runs only when the client selects it.
 */
export function connectionOf<TNode>(
  nodes: readonly TNode[],
  hasNextPage: boolean,
  page: PageRequest,
  cursorOf: (node: TNode) => unknown[],
  totalCount: () => Promise<number>,
): ConnectionShape<TNode> {
  const edges = nodes.map((node) => ({ cursor: encodeCursor(cursorOf(node)), node }));
  let counted: Promise<number> | undefined;
  return {
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: page.after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    get totalCount() {
      return (counted ??= totalCount());
    },
  };
}
