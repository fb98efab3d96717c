import DataLoader from 'dataloader';
import { loader, type RequestContext } from '../../server/context.js';
import { pgArray } from '../../server/db/sql-array.js';
import { grouped } from '../../server/graphql/loader-helpers.js';
import type { CorrespondentVersion } from './correspondent.types.js';
import { versionOf } from './correspondent-rows.js';

/**
 * The latest `last` versions of many entries, newest first, in one statement per distinct
 * `last` (the parents were checked visible already): a page of 5 or 50 entries with their
 * history costs the same statements.
 */
export function versionsLoader(
  ctx: RequestContext,
  last: number,
): DataLoader<string, CorrespondentVersion[]> {
  return loader(
    ctx,
    `rubrica.versions.${last}`,
    () =>
      new DataLoader<string, CorrespondentVersion[]>(async (ids) => {
        const rows = await ctx.em.execute<Parameters<typeof versionOf>[0][]>(
          `select correspondent_id, version, change, at, actor_id, data from (
             select v.*, row_number() over (partition by correspondent_id order by version desc) as rn
               from correspondent_version v where v.correspondent_id = any(?::uuid[])) h
            where rn <= ? order by correspondent_id, version desc`,
          [pgArray([...ids]), last],
        );
        return grouped(rows.map(versionOf), [...ids], (v) => v.correspondentId);
      }),
  );
}
