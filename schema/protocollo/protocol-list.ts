import { auditRead } from '../../server/audit/audit-log.js';
import type { RequestContext } from '../../server/context.js';
import { pgArray } from '../../server/db/sql-array.js';
import { InvalidInputError } from '../../server/errors/domain-error.js';
import { isoDate, isUuid, requiredText } from '../../server/errors/input-checks.js';
import { connectionOf, pageRequest, type ConnectionShape } from '../../server/graphql/connection.js';
import { OrderDirection } from '../../server/graphql/order-direction.js';
import { ITALIAN_TEXT_SEARCH, titolarioSubtreeSql } from '../titolario/index.js';
import { PROTOCOL_READ_PERSONAL_DATA } from '../documents/index.js';
import { ProtocolRecord } from './protocol-record.entity.js';
import { recordVisibilitySql } from './protocol-visibility.js';
import type { ProtocolRecordFilter } from './protocollo.inputs.js';

export const MAX_RECORD_PAGE = 100;

interface Where {
  sql: string[];
  params: unknown[];
}

function whole(field: string, value: number | null | undefined, min: number): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isInteger(value) || value < min || value > 2_000_000_000)
    throw new InvalidInputError(field, `must be a whole number from ${min}`);
  return value;
}

function id(field: string, value: string): string {
  if (!isUuid(value)) throw new InvalidInputError(field, 'is not an id');
  return value;
}

function filterSql(ctx: RequestContext, filter: ProtocolRecordFilter | null | undefined): Where {
  const v = recordVisibilitySql(ctx);
  const where: Where = { sql: [v.sql], params: [...v.params] };
  if (!filter) return where;
  const add = (sql: string, ...params: unknown[]) => {
    where.sql.push(sql);
    where.params.push(...params);
  };
  if (filter.aooId) add('r.aoo_id = ?', id('filter.aooId', filter.aooId));
  if (filter.kinds?.length) add('r.kind = any(?::text[])', pgArray(filter.kinds));
  if (filter.states?.length) add('r.state = any(?::text[])', pgArray(filter.states));
  const year = whole('filter.year', filter.year, 1900);
  if (year !== null) add('r.year = ?', year);
  const from = whole('filter.numberFrom', filter.numberFrom, 1);
  const to = whole('filter.numberTo', filter.numberTo, 1);
  if (from !== null && to !== null && to < from)
    throw new InvalidInputError('filter.numberTo', `must not be below numberFrom (${from})`);
  if (from !== null) add('r.number >= ?', from);
  if (to !== null) add('r.number <= ?', to);
  const dateFrom = filter.dateFrom ? isoDate('filter.dateFrom', filter.dateFrom) : null;
  const dateTo = filter.dateTo ? isoDate('filter.dateTo', filter.dateTo) : null;
  if (dateFrom !== null && dateTo !== null && dateTo < dateFrom)
    throw new InvalidInputError('filter.dateTo', `must not precede dateFrom (${dateFrom})`);
  if (dateFrom !== null) add('r.date >= ?::date', dateFrom);
  if (dateTo !== null) add('r.date <= ?::date', dateTo);
  if (filter.correspondent) {
    const text = requiredText('filter.correspondent', filter.correspondent, 200);
    const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // Personal data (names, codice fiscale, addresses of persons) is searchable only where the
    // caller may read it: a masked field must not be found by guessing (the same rule as the
    // correspondent fields' ACL).
    add(
      `exists (select 1 from protocol_correspondent pc where pc.record_id = r.id and (
         (pc.kind <> 'PERSONA_FISICA' and (lower(dms_unaccent(coalesce(pc.denominazione, ''))) like lower(dms_unaccent(?))
             or upper(coalesce(pc.pec, '')) like upper(?)))
         or upper(concat_ws(' ', pc.partita_iva, pc.ipa_amministrazione, pc.ipa_aoo, pc.ipa_uo)) like upper(?)
         or (r.aoo_id = any(?::uuid[]) and (
           lower(dms_unaccent(concat_ws(' ', pc.denominazione, pc.nome, pc.cognome, pc.cognome || ' ' || pc.nome))) like lower(dms_unaccent(?))
           or upper(concat_ws(' ', pc.codice_fiscale, pc.pec, pc.email, pc.indirizzo)) like upper(?)))))`,
      like,
      like,
      like,
      pgArray(ctx.grants.aoosWith(PROTOCOL_READ_PERSONAL_DATA)),
      like,
      like,
    );
  }
  if (filter.oggetto) {
    const text = requiredText('filter.oggetto', filter.oggetto, 500);
    add(`to_tsvector(${ITALIAN_TEXT_SEARCH}, r.oggetto) @@ plainto_tsquery(${ITALIAN_TEXT_SEARCH}, ?)`, text);
  }
  if (filter.classificationId) {
    add(titolarioSubtreeSql('r.classification_id'), id('filter.classificationId', filter.classificationId));
  }
  if (filter.uorId) add('r.uor_id = ?', id('filter.uorId', filter.uorId));
  if (filter.rpaId) add('r.rpa_id = ?', id('filter.rpaId', filter.rpaId));
  return where;
}

/**
 * A page of the registrations the caller sees, in register order (registration time, then
 * AOO, year and number: across AOOs the time orders, within one the number does), and the
 * audited viewing of the ids shown. The rows come mapped in the statement that finds them.
 */
export async function listRecords(
  ctx: RequestContext,
  args: {
    first: number;
    after?: string | null;
    direction: OrderDirection;
    filter?: ProtocolRecordFilter | null;
  },
): Promise<ConnectionShape<ProtocolRecord>> {
  const page = pageRequest(args.first, args.after, MAX_RECORD_PAGE, 2);
  const where = filterSql(ctx, args.filter);
  const dir = args.direction === OrderDirection.ASC ? 'asc' : 'desc';
  const keyset: Where = { sql: [...where.sql], params: [...where.params] };
  if (page.after) {
    const [at, recordId] = page.after;
    if (
      typeof at !== 'string' ||
      typeof recordId !== 'string' ||
      !isUuid(recordId) ||
      Number.isNaN(Date.parse(at))
    )
      throw new InvalidInputError('after', 'is not a cursor of this list (use pageInfo.endCursor)');
    keyset.sql.push(`(r.registered_at, r.id) ${dir === 'asc' ? '>' : '<'} (?::timestamptz, ?::uuid)`);
    keyset.params.push(at, recordId);
  }
  const rows = await ctx.em.execute<Array<Record<string, unknown>>>(
    `select r.* from protocol_record r where ${keyset.sql.join(' and ')}
      order by r.registered_at ${dir}, r.id ${dir} limit ?`,
    [...keyset.params, page.first + 1],
  );
  const shown = rows.slice(0, page.first).map((row) => ctx.em.map(ProtocolRecord, row));
  const byAoo = new Map<string, string[]>();
  for (const r of shown) byAoo.set(r.aooId, [...(byAoo.get(r.aooId) ?? []), r.id]);
  for (const [aooId, ids] of byAoo) {
    await auditRead(ctx, {
      aooId,
      operation: 'protocolRecord.list',
      targetType: 'ProtocolRecord',
      targetId: null,
      changes: { ids },
    });
  }
  return connectionOf(
    shown,
    rows.length > page.first,
    page,
    (r) => [r.registeredAt.toISOString(), r.id],
    async () => {
      const counted = await ctx.em.execute<Array<{ n: string }>>(
        `select count(*) as n from protocol_record r where ${where.sql.join(' and ')}`,
        where.params,
      );
      return Number(counted[0]?.n ?? 0);
    },
  );
}
