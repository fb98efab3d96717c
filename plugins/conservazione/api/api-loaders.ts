import DataLoader from 'dataloader';
import { loader, type RequestContext } from '../../../server/context.js';
import { pgArray } from '../../../server/db/sql-array.js';
import { byId } from '../../../server/graphql/loader-helpers.js';
import { Document, documentVisibilitySql } from '../../../schema/documents/index.js';
import { DAILY_REGISTER_READ, DailyRegister } from '../../../schema/registro-giornaliero/index.js';
import { ConservationPackage } from '../package/index.js';

/** Per-request loaders of the references of packages and items, each with its row visibility. */
export const conservationApiLoaders = {
  /** The package that resent each (rejected) package, if any: one resend per package. */
  resentAs: (ctx: RequestContext) =>
    loader(
      ctx,
      'conservazione.resentAs',
      () =>
        new DataLoader<string, ConservationPackage | null>(async (ids) => {
          const rows = await ctx.em.find(ConservationPackage, { resentFromId: { $in: [...ids] } });
          const by = new Map(rows.map((p) => [p.resentFromId, p]));
          return ids.map((id) => by.get(id) ?? null);
        }),
    ),
  /** Packages by id (the same AOO as the package naming them: its readers read them too). */
  package: (ctx: RequestContext) =>
    loader(
      ctx,
      'conservazione.package',
      () =>
        new DataLoader<string, ConservationPackage | null>(async (ids) =>
          byId(await ctx.em.find(ConservationPackage, { id: { $in: [...ids] } }), ids),
        ),
    ),
  /** Documents by id, null when the caller does not see them (the documents module's rule). */
  visibleDocument: (ctx: RequestContext) =>
    loader(
      ctx,
      'conservazione.visibleDocument',
      () =>
        new DataLoader<string, Document | null>(async (ids) => {
          if (ctx.user === null) return ids.map(() => null);
          const v = documentVisibilitySql(ctx);
          const rows = await ctx.em.execute<Array<Record<string, unknown>>>(
            `select d.* from document d where d.id = any(?::uuid[]) and ${v.sql}`,
            [pgArray(ids), ...v.params],
          );
          return byId(
            rows.map((r) => ctx.em.map(Document, r)),
            ids,
          );
        }),
    ),
  /** Daily registers by id, for holders of DAILY_REGISTER_READ in their AOO. */
  dailyRegister: (ctx: RequestContext) =>
    loader(
      ctx,
      'conservazione.dailyRegister',
      () =>
        new DataLoader<string, DailyRegister | null>(async (ids) =>
          byId(await ctx.em.find(DailyRegister, { id: { $in: [...ids] } }), ids).map((r) =>
            r && ctx.grants.has(DAILY_REGISTER_READ, r.aooId) ? r : null,
          ),
        ),
    ),
};
