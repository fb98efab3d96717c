import DataLoader from 'dataloader';
import { ObjectType } from 'type-graphql';
import { loader, type RequestContext } from '../../../server/context.js';
import { pgArray } from '../../../server/db/sql-array.js';
import { InvalidInputError } from '../../../server/errors/domain-error.js';
import {
  Connection,
  connectionOf,
  pageRequest,
  type ConnectionShape,
} from '../../../server/graphql/connection.js';
import { grouped } from '../../../server/graphql/loader-helpers.js';
import { ConservationItem } from '../package/index.js';

export const MAX_ITEM_PAGE = 100;

@ObjectType({ description: 'A page of the documents of a package, in the order the package lists them' })
export class ConservationItemConnection extends Connection(ConservationItem, 'ConservationItem') {}

/**
 * Pages of items of many packages at once: one statement per distinct (first, after) asked in
 * a request level, `row_number() over (partition by package)` keeping `first + 1` rows of each.
 */
function pages(ctx: RequestContext, first: number, from: number) {
  return loader(
    ctx,
    `conservazione.items:${first}:${from}`,
    () =>
      new DataLoader<string, ConservationItem[]>(async (packageIds) => {
        const rows = await ctx.em.execute<Array<Record<string, unknown>>>(
          `select x.* from (select i.*, row_number() over (partition by i.package_id order by i.position) as rn
                              from conservation_item i where i.package_id = any(?::uuid[]) and i.position > ?) x
            where x.rn <= ? order by x.package_id, x.position`,
          [pgArray(packageIds), from, first + 1],
        );
        return grouped(
          rows.map(({ rn: _rn, ...r }) => ctx.em.map(ConservationItem, r)),
          packageIds,
          (i) => i.packageId,
        );
      }),
  );
}

function counts(ctx: RequestContext) {
  return loader(
    ctx,
    'conservazione.itemCount',
    () =>
      new DataLoader<string, number>(async (packageIds) => {
        const rows = await ctx.em.execute<Array<{ package_id: string; n: string }>>(
          'select package_id, count(*) as n from conservation_item where package_id = any(?::uuid[]) group by package_id',
          [pgArray(packageIds)],
        );
        const by = new Map(rows.map((r) => [r.package_id, Number(r.n)]));
        return packageIds.map((id) => by.get(id) ?? 0);
      }),
  );
}

/**
 * The items of one package (already read through a package the caller may read), in package
 * order, keyset pages on the position; the packages of one list page together.
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
  const rows = await pages(ctx, page.first, from).load(packageId);
  return connectionOf(
    rows.slice(0, page.first),
    rows.length > page.first,
    page,
    (i) => [i.position],
    () => counts(ctx).load(packageId),
  );
}
