import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Requires } from '../../../server/auth/access.js';
import { romeDay } from '../../../server/clock.js';
import type { RequestContext } from '../../../server/context.js';
import { InvalidInputError } from '../../../server/errors/domain-error.js';
import { isUuid } from '../../../server/errors/input-checks.js';
import {
  Connection,
  connectionOf,
  pageRequest,
  type ConnectionShape,
} from '../../../server/graphql/connection.js';
import { Fascicolo, fascicoloVisibilitySql } from '../../../schema/fascicoli/index.js';
import { DAILY_REGISTER_READ, DailyRegister } from '../../../schema/registro-giornaliero/index.js';
import { CONSERVATION_READ, ConservationColour } from '../package/index.js';
import { requireConservationRead } from './package-access.js';
import { fascicoliDueBefore } from '../package/fascicoli-due-before.js';

export const MAX_DUE_PAGE = 100;

/** The archivist's "what is due" of one AOO, as of the request clock's day (Europe/Rome). */
@ObjectType({ simpleResolvers: true, description: 'What an AOO still has to send to conservation' })
@Requires(CONSERVATION_READ)
export class ConservationDue {
  @Field(() => ID, { description: 'The AOO' })
  aooId!: string;

  @Field({ description: 'The day it is computed for (YYYY-MM-DD, Europe/Rome)' })
  today!: string;

  @Field({
    description:
      'Fascicoli closed before this day (today less one year) are due: those closed before it without a green package',
  })
  closedBefore!: string;
}

@ObjectType({ simpleResolvers: true, description: 'Daily registers not yet conserved, per state' })
@Requires(CONSERVATION_READ)
export class ConservationDueRegisterCounts {
  @Field(() => Int, { description: 'All the registers not conserved yet' })
  total!: number;

  @Field(() => Int, { description: 'Produced, never sent (READY_FOR_CONSERVATION)' })
  readyForConservation!: number;

  @Field(() => Int, { description: 'Sent, no answer yet (IN_CONSERVATION)' })
  inConservation!: number;

  @Field(() => Int, { description: 'Refused by the conservator: to resend (CONSERVATION_FAILED)' })
  conservationFailed!: number;
}

@ObjectType({ simpleResolvers: true, description: 'Fascicoli due for conservation, per where they stand' })
@Requires(CONSERVATION_READ)
export class ConservationDueFascicoloCounts {
  @Field(() => Int, { description: 'All the due fascicoli the caller sees' })
  total!: number;

  @Field(() => Int, { description: 'Never sent' })
  neverSent!: number;

  @Field(() => Int, { description: 'Their latest package is orange (waiting for the conservator)' })
  waiting!: number;

  @Field(() => Int, { description: 'Their latest package is red (rejected): resend it' })
  rejected!: number;
}

@ObjectType({ description: 'A page of the daily registers not yet conserved, oldest first' })
export class ConservationDueRegisterConnection extends Connection(DailyRegister, 'ConservationDueRegister') {}

@ObjectType({ description: 'A page of the fascicoli due for conservation, closed longest ago first' })
export class ConservationDueFascicoloConnection extends Connection(Fascicolo, 'ConservationDueFascicolo') {}

/** The due view of an AOO whose desk the caller reads (NOT_FOUND otherwise), as of the request clock. */
export function conservationDue(ctx: RequestContext, aooId: string): ConservationDue {
  requireConservationRead(ctx, aooId);
  const now = ctx.clock.now();
  return { aooId, today: romeDay(now), closedBefore: fascicoliDueBefore(now) };
}

const readsRegisters = (ctx: RequestContext, aooId: string) => ctx.grants.has(DAILY_REGISTER_READ, aooId);

export async function dueRegisterCounts(
  ctx: RequestContext,
  due: ConservationDue,
): Promise<ConservationDueRegisterCounts> {
  const rows = readsRegisters(ctx, due.aooId)
    ? await ctx.em.execute<Array<{ state: string; n: string }>>(
        `select state, count(*) as n from daily_register where aoo_id = ? and state <> 'CONSERVED' group by state`,
        [due.aooId],
      )
    : [];
  const n = (state: string) => Number(rows.find((r) => r.state === state)?.n ?? 0);
  return {
    total: rows.reduce((s, r) => s + Number(r.n), 0),
    readyForConservation: n('READY_FOR_CONSERVATION'),
    inConservation: n('IN_CONSERVATION'),
    conservationFailed: n('CONSERVATION_FAILED'),
  };
}

/** The registers not yet conserved, oldest day first (keyset on day, id). */
export async function dueRegisterPage(
  ctx: RequestContext,
  due: ConservationDue,
  first: number,
  after: string | null,
): Promise<ConnectionShape<DailyRegister>> {
  const page = pageRequest(first, after, MAX_DUE_PAGE, 2);
  const where = ['r.aoo_id = ?', `r.state <> 'CONSERVED'`];
  const params: unknown[] = [due.aooId];
  if (!readsRegisters(ctx, due.aooId)) where.push('false');
  if (page.after !== null) {
    const [day, id] = page.after;
    if (typeof day !== 'string' || typeof id !== 'string' || !isUuid(id))
      throw new InvalidInputError('after', 'is not a cursor of this list (use pageInfo.endCursor)');
    where.push('(r.day, r.id) > (?::date, ?::uuid)');
    params.push(day, id);
  }
  const rows = await ctx.em.execute<Array<Record<string, unknown>>>(
    `select r.* from daily_register r where ${where.join(' and ')} order by r.day, r.id limit ?`,
    [...params, page.first + 1],
  );
  const nodes = rows.slice(0, page.first).map((r) => ctx.em.map(DailyRegister, r));
  return connectionOf(
    nodes,
    rows.length > page.first,
    page,
    (r) => [r.day, r.id],
    async () => (await dueRegisterCounts(ctx, due)).total,
  );
}

/**
 * The due fascicoli as SQL over `fascicolo f` with `l`, its latest FASCICOLO package not resent
 * (the head of a chain of resends): top-level fascicoli of the AOO the caller sees, closed before
 * the cut-off day, whose latest package is not green.
 */
export function dueFascicoliSql(
  ctx: RequestContext,
  due: ConservationDue,
): { from: string; params: unknown[] } {
  const v = fascicoloVisibilitySql(ctx);
  return {
    from: `fascicolo f
      left join lateral (select p.id, p.colour from conservation_package p
                          where p.kind = 'FASCICOLO' and p.fascicolo_id = f.id
                            and not exists (select 1 from conservation_package r where r.resent_from_id = p.id)
                          order by p.created_at desc, p.id desc limit 1) l on true
      where f.aoo_id = ? and f.parent_id is null and f.state = 'CLOSED' and f.closing_date < ?::date
        and (l.colour is null or l.colour <> 'GREEN') and ${v.sql}`,
    params: [due.aooId, due.closedBefore, ...v.params],
  };
}

export async function dueFascicoloCounts(
  ctx: RequestContext,
  due: ConservationDue,
): Promise<ConservationDueFascicoloCounts> {
  const q = dueFascicoliSql(ctx, due);
  const [c] = await ctx.em.execute<Array<{ total: string; never: string; orange: string; red: string }>>(
    `select count(*) as total, count(*) filter (where l.colour is null) as never,
            count(*) filter (where l.colour = 'ORANGE') as orange, count(*) filter (where l.colour = 'RED') as red
       from ${q.from}`,
    q.params,
  );
  return {
    total: Number(c?.total ?? 0),
    neverSent: Number(c?.never ?? 0),
    waiting: Number(c?.orange ?? 0),
    rejected: Number(c?.red ?? 0),
  };
}

/** The due fascicoli, closed longest ago first (keyset on closing date, id). */
export async function dueFascicoloPage(
  ctx: RequestContext,
  due: ConservationDue,
  first: number,
  after: string | null,
): Promise<ConnectionShape<Fascicolo>> {
  const page = pageRequest(first, after, MAX_DUE_PAGE, 2);
  const q = dueFascicoliSql(ctx, due);
  const keyset: string[] = [];
  const params = [...q.params];
  if (page.after !== null) {
    const [day, id] = page.after;
    if (typeof day !== 'string' || typeof id !== 'string' || !isUuid(id))
      throw new InvalidInputError('after', 'is not a cursor of this list (use pageInfo.endCursor)');
    keyset.push('and (f.closing_date, f.id) > (?::date, ?::uuid)');
    params.push(day, id);
  }
  const rows = await ctx.em.execute<Array<Record<string, unknown>>>(
    `select f.* from ${q.from} ${keyset.join(' ')} order by f.closing_date, f.id limit ?`,
    [...params, page.first + 1],
  );
  const nodes = rows.slice(0, page.first).map((r) => ctx.em.map(Fascicolo, r));
  return connectionOf(
    nodes,
    rows.length > page.first,
    page,
    (f) => [f.closingDate ?? '', f.id],
    async () => (await dueFascicoloCounts(ctx, due)).total,
  );
}

/** The due fascicoli with their latest package, for conserveDueFascicoli (at most `limit`). */
export async function dueFascicoliToSend(
  ctx: RequestContext,
  due: ConservationDue,
  limit: number,
): Promise<Array<{ fascicoloId: string; latestId: string | null; colour: ConservationColour | null }>> {
  const q = dueFascicoliSql(ctx, due);
  const rows = await ctx.em.execute<
    Array<{ id: string; latest_id: string | null; colour: ConservationColour | null }>
  >(`select f.id, l.id as latest_id, l.colour from ${q.from} order by f.closing_date, f.id limit ?`, [
    ...q.params,
    limit,
  ]);
  return rows.map((r) => ({ fascicoloId: r.id, latestId: r.latest_id, colour: r.colour }));
}
