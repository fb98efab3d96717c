import { ObjectType } from 'type-graphql';
import type { RequestContext } from '../../../server/context.js';
import { InvalidInputError } from '../../../server/errors/domain-error.js';
import {
  Connection,
  connectionOf,
  pageRequest,
  type ConnectionShape,
} from '../../../server/graphql/connection.js';
import { ConservationItem } from '../package/index.js';

export const MAX_ITEM_PAGE = 100;

@ObjectType({ description: 'A page of the documents of a package, in the order the package lists them' })
export class ConservationItemConnection extends Connection(ConservationItem, 'ConservationItem') {}

/**
 * The items of one package (already read through a package the caller may read), in package
 * order, keyset pages on the position.
 */
export async function itemPage(
  ctx: RequestContext,
  packageId: string,
  first: number,
  after: string | null,
): Promise<ConnectionShape<ConservationItem>> {
  const page = pageRequest(first, after, MAX_ITEM_PAGE, 1);
  const from = page.after === null ? -1 : page.after[0];
  if (typeof from !== 'number' || !Number.isInteger(from))
    throw new InvalidInputError('after', 'is not a cursor of this list (use pageInfo.endCursor)');
  const rows = await ctx.em.find(
    ConservationItem,
    { packageId, position: { $gt: from } },
    { orderBy: { position: 'asc' }, limit: page.first + 1 },
  );
  return connectionOf(
    rows.slice(0, page.first),
    rows.length > page.first,
    page,
    (i) => [i.position],
    () => ctx.em.count(ConservationItem, { packageId }),
  );
}
