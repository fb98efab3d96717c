import { Field, ID, InputType, ObjectType } from 'type-graphql';
import type { RequestContext } from '../../../server/context.js';
import { InvalidInputError } from '../../../server/errors/domain-error.js';
import { isoDate, isUuid } from '../../../server/errors/input-checks.js';
import {
  Connection,
  connectionOf,
  pageRequest,
  type ConnectionShape,
} from '../../../server/graphql/connection.js';
import { ConservationColour, ConservationPackage, PackageKind } from '../package/index.js';
import { requireConservationRead } from './package-access.js';

export const MAX_PACKAGE_PAGE = 100;

@ObjectType({ description: 'A page of conservation packages, newest first' })
export class ConservationPackageConnection extends Connection(ConservationPackage, 'ConservationPackage') {}

@InputType({ description: 'Which conservation packages to list (all conditions apply)' })
export class ConservationPackageFilter {
  @Field(() => PackageKind, { nullable: true, description: 'Only packages of this kind' })
  kind?: PackageKind | null;

  @Field(() => ConservationColour, { nullable: true, description: 'Only packages of this colour now' })
  colour?: ConservationColour | null;

  @Field(() => ID, { nullable: true, description: 'Only the packages of this fascicolo (FASCICOLO)' })
  fascicoloId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Created on or after this day (YYYY-MM-DD, Europe/Rome)',
  })
  createdFrom?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Created on or before this day (YYYY-MM-DD, Europe/Rome)',
  })
  createdTo?: string | null;
}

function filterSql(
  aooId: string,
  filter: ConservationPackageFilter | null,
): { sql: string[]; params: unknown[] } {
  const where = { sql: ['p.aoo_id = ?'], params: [aooId] as unknown[] };
  if (!filter) return where;
  if (filter.kind) {
    where.sql.push('p.kind = ?');
    where.params.push(filter.kind);
  }
  if (filter.colour) {
    where.sql.push('p.colour = ?');
    where.params.push(filter.colour);
  }
  if (filter.fascicoloId) {
    if (!isUuid(filter.fascicoloId)) throw new InvalidInputError('filter.fascicoloId', 'is not an id');
    where.sql.push('p.fascicolo_id = ?');
    where.params.push(filter.fascicoloId);
  }
  const from = filter.createdFrom ? isoDate('filter.createdFrom', filter.createdFrom) : null;
  const to = filter.createdTo ? isoDate('filter.createdTo', filter.createdTo) : null;
  if (from !== null && to !== null && to < from)
    throw new InvalidInputError('filter.createdTo', `must not precede createdFrom (${from})`);
  // Italian calendar days, as every list of the platform counts them.
  if (from !== null) {
    where.sql.push(`p.created_at >= (?::date)::timestamp at time zone 'Europe/Rome'`);
    where.params.push(from);
  }
  if (to !== null) {
    where.sql.push(`p.created_at < (?::date + 1)::timestamp at time zone 'Europe/Rome'`);
    where.params.push(to);
  }
  return where;
}

/**
 * The packages of an AOO whose desk the caller reads (NOT_FOUND otherwise), filtered, newest
 * first, keyset pages (created_at, id), with the count on demand.
 */
export async function packagePage(
  ctx: RequestContext,
  aooId: string,
  filter: ConservationPackageFilter | null,
  first: number,
  after: string | null,
): Promise<ConnectionShape<ConservationPackage>> {
  const page = pageRequest(first, after, MAX_PACKAGE_PAGE, 2);
  requireConservationRead(ctx, aooId);
  const where = filterSql(aooId, filter);
  const keyset = { sql: [...where.sql], params: [...where.params] };
  if (page.after !== null) {
    const [at, id] = page.after;
    if (typeof id !== 'string' || !isUuid(id) || typeof at !== 'string' || Number.isNaN(Date.parse(at)))
      throw new InvalidInputError('after', 'is not a cursor of this list (use pageInfo.endCursor)');
    keyset.sql.push('(p.created_at, p.id) < (?::timestamptz, ?::uuid)');
    keyset.params.push(at, id);
  }
  const rows = await ctx.em.execute<Array<Record<string, unknown>>>(
    `select p.* from conservation_package p where ${keyset.sql.join(' and ')}
      order by p.created_at desc, p.id desc limit ?`,
    [...keyset.params, page.first + 1],
  );
  const nodes = rows.slice(0, page.first).map((r) => ctx.em.map(ConservationPackage, r));
  return connectionOf(
    nodes,
    rows.length > page.first,
    page,
    (p) => [p.createdAt.toISOString(), p.id],
    async () => {
      const [c] = await ctx.em.execute<Array<{ n: string }>>(
        `select count(*) as n from conservation_package p where ${where.sql.join(' and ')}`,
        where.params,
      );
      return Number(c?.n ?? 0);
    },
  );
}
