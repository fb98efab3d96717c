import DataLoader from 'dataloader';
import { loader, type RequestContext } from '../../server/context.js';
import { pgArray } from '../../server/db/sql-array.js';
import { byId, grouped } from '../../server/graphql/loader-helpers.js';
import { Administration } from './administration.entity.js';
import { Aoo } from './aoo.entity.js';
import { Membership } from './membership.entity.js';
import { canReadOrg, canSeeAoo, visibleUsersSql } from './org-visibility.js';
import { Uor } from './uor.entity.js';
import { User } from './user.entity.js';

/**
 * Per-request loaders for nested organisation fields: one query per field per request level,
 * whatever the number of parents, and row visibility applied to what they return.
 */
export const orgLoaders = {
  aoo: (ctx: RequestContext) =>
    loader(
      ctx,
      'org.aoo',
      () =>
        new DataLoader<string, Aoo | null>(async (ids) =>
          byId(await ctx.em.find(Aoo, { id: { $in: [...ids] } }), ids).map((a) =>
            a && canSeeAoo(ctx, a.id) ? a : null,
          ),
        ),
    ),
  administration: (ctx: RequestContext) =>
    loader(
      ctx,
      'org.administration',
      () =>
        new DataLoader<string, Administration | null>(async (ids) =>
          byId(await ctx.em.find(Administration, { id: { $in: [...ids] } }), ids),
        ),
    ),
  /** The AOOs of each administration that the caller sees (all of them for a platform administrator). */
  aoosOfAdministration: (ctx: RequestContext) =>
    loader(
      ctx,
      'org.aoosOfAdministration',
      () =>
        new DataLoader<string, Aoo[]>(async (ids) =>
          grouped(
            (
              await ctx.em.find(Aoo, { administration: { $in: [...ids] } }, { orderBy: { code: 'asc' } })
            ).filter((a) => canSeeAoo(ctx, a.id)),
            ids,
            (a) => a.administration.id,
          ),
        ),
    ),
  uor: (ctx: RequestContext) =>
    loader(
      ctx,
      'org.uor',
      () =>
        new DataLoader<string, Uor | null>(async (ids) =>
          byId(await ctx.em.find(Uor, { id: { $in: [...ids] } }), ids).map((u) =>
            u && canReadOrg(ctx, u.aoo.id) ? u : null,
          ),
        ),
    ),
  /** Users, visible when they belong to (or were created in) an AOO whose structure the caller reads. */
  user: (ctx: RequestContext) =>
    loader(
      ctx,
      'org.user',
      () =>
        new DataLoader<string, User | null>(async (ids) => {
          // The rule of user(id) (visibleUsersSql), in the statement that loads the rows.
          if (ctx.user === null) return ids.map(() => null);
          const visible = visibleUsersSql(ctx);
          const rows = await ctx.em.execute<Array<Record<string, unknown>>>(
            `select u.* from app_user u where u.id = any(?::uuid[]) and ${visible.sql}`,
            [pgArray(ids), ...visible.params],
          );
          return byId(
            rows.map((r) => ctx.em.map(User, r)),
            ids,
          );
        }),
    ),
  /** AOOs of each user's active memberships, or the AOO it was created in (see governingAoosOfUser). */
  governingAoos: (ctx: RequestContext) =>
    loader(
      ctx,
      'org.governingAoos',
      () =>
        new DataLoader<string, string[]>(async (ids) => {
          const rows = await ctx.em.execute<Array<{ user_id: string; aoo_id: string }>>(
            `select distinct m.user_id, u.aoo_id from membership m join uor u on u.id = m.uor_id
              where m.ended_at is null and m.user_id = any(?::uuid[])
             union
             select id as user_id, created_in_aoo_id as aoo_id from app_user au
              where au.id = any(?::uuid[]) and au.created_in_aoo_id is not null
                and not exists (select 1 from membership m where m.user_id = au.id and m.ended_at is null)`,
            [pgArray(ids), pgArray(ids)],
          );
          return grouped(rows, ids, (r) => r.user_id).map((list) => list.map((r) => r.aoo_id));
        }),
    ),
  uorsOfAoo: (ctx: RequestContext) =>
    loader(
      ctx,
      'org.uorsOfAoo',
      () =>
        new DataLoader<string, Uor[]>(async (aooIds) =>
          grouped(
            await ctx.em.find(Uor, { aoo: { $in: [...aooIds] } }, { orderBy: { code: 'asc' } }),
            aooIds,
            (u) => u.aoo.id,
          ),
        ),
    ),
  childrenOfUor: (ctx: RequestContext) =>
    loader(
      ctx,
      'org.childrenOfUor',
      () =>
        new DataLoader<string, Uor[]>(async (ids) =>
          grouped(
            await ctx.em.find(Uor, { parent: { $in: [...ids] } }, { orderBy: { code: 'asc' } }),
            ids,
            (u) => u.parent?.id ?? '',
          ),
        ),
    ),
  membershipsOfUor: (ctx: RequestContext) =>
    loader(
      ctx,
      'org.membershipsOfUor',
      () =>
        new DataLoader<string, Membership[]>(async (ids) =>
          grouped(
            await ctx.em.find(
              Membership,
              { uor: { $in: [...ids] }, endedAt: null },
              { orderBy: { createdAt: 'asc' } },
            ),
            ids,
            (m) => m.uor.id,
          ),
        ),
    ),
  membershipsOfUser: (ctx: RequestContext) =>
    loader(
      ctx,
      'org.membershipsOfUser',
      () =>
        new DataLoader<string, Membership[]>(async (ids) =>
          grouped(
            (
              await ctx.em.find(
                Membership,
                { user: { $in: [...ids] } },
                { populate: ['uor'], orderBy: { createdAt: 'asc' } },
              )
            ).filter((m) => canReadOrg(ctx, m.uor.aoo.id)), // the UOR must be visible through Membership.uor
            ids,
            (m) => m.user.id,
          ),
        ),
    ),
};
