import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Requires } from '../../../server/auth/access.js';
import type { RequestContext } from '../../../server/context.js';
import { InvalidInputError } from '../../../server/errors/domain-error.js';
import { isUuid } from '../../../server/errors/input-checks.js';
import { pageRequest, type ConnectionShape } from '../../../server/graphql/connection.js';
import { type Document, documentPage, documentVisibilitySql } from '../../../schema/documents/index.js';
import { CONSERVATION_MANAGE } from '../package/index.js';
import { requireConservationManage } from './package-access.js';

export const MAX_SERIES_PAGE = 100;

/** The daily registers go to conservation on their own (DAILY_REGISTER packages), not as a series. */
const DAILY_REGISTER_REPERTORIO = 'REGISTRO_GIORNALIERO';

export enum ConservationSeriesKind {
  REPERTORIO = 'REPERTORIO',
  DOCUMENT_TYPE = 'DOCUMENT_TYPE',
  REGISTERED_MAIL = 'REGISTERED_MAIL',
}

registerEnumType(ConservationSeriesKind, {
  name: 'ConservationSeriesKind',
  description: 'How a series of documents is formed',
  valuesConfig: {
    REPERTORIO: {
      description:
        'The documents registered in one repertorio (contratti, delibere…): typeKey `repertorio:<code>`',
    },
    DOCUMENT_TYPE: {
      description: 'Protocol records of one document type (managed field): typeKey `tipo:<document type>`',
    },
    REGISTERED_MAIL: { description: 'Protocol records whose means of transmission is PEC: typeKey `pec`' },
  },
});

@ObjectType({
  simpleResolvers: true,
  description: 'A series of registered documents and how much of it is conserved',
})
@Requires(CONSERVATION_MANAGE)
export class ConservationSeriesType {
  @Field({
    description:
      'The key of the series: `repertorio:<repertorio code>`, `tipo:<protocol document type>` or `pec` (registered mail); pass it to conservationSeriesDocuments',
  })
  typeKey!: string;

  @Field(() => ConservationSeriesKind, { description: 'How the series is formed' })
  kind!: ConservationSeriesKind;

  @Field({
    description: 'What to show: the repertorio name, the document type, or "Posta elettronica certificata"',
  })
  label!: string;

  @Field(() => Int, { description: 'Registered documents of the series the caller sees' })
  total!: number;

  @Field(() => Int, { description: 'Of them, conserved (green)' })
  conserved!: number;

  @Field(() => Int, { description: 'Of them, in a package waiting for the conservator (orange)' })
  waiting!: number;

  @Field(() => Int, {
    description: 'Of them, not conserved yet (total less conserved): what a package can still take',
  })
  notConserved!: number;
}

interface Members {
  sql: string;
  params: unknown[];
}

/** Every (series, document) pair of an AOO, or of one series, as SQL selecting type_key, kind, label, document_id. */
function membersSql(aooId: string, only: ParsedKey | null): Members {
  const parts: Members[] = [];
  if (only === null || only.kind === ConservationSeriesKind.REPERTORIO) {
    parts.push({
      sql: `select 'repertorio:' || r.code as type_key, 'REPERTORIO' as kind, r.name as label, e.document_id
              from repertorio r left join repertorio_entry e on e.repertorio_id = r.id
             where r.aoo_id = ? and r.code <> ?${only ? ' and r.code = ?' : ''}`,
      params: [aooId, DAILY_REGISTER_REPERTORIO, ...(only ? [only.value] : [])],
    });
  }
  if (only === null || only.kind === ConservationSeriesKind.DOCUMENT_TYPE) {
    parts.push({
      sql: `select 'tipo:' || pr.document_type, 'DOCUMENT_TYPE', pr.document_type, pr.document_id
              from protocol_record pr
             where pr.aoo_id = ? and pr.document_type is not null${only ? ' and pr.document_type = ?' : ''}`,
      params: [aooId, ...(only ? [only.value] : [])],
    });
  }
  if (only === null || only.kind === ConservationSeriesKind.REGISTERED_MAIL) {
    parts.push({
      sql: `select 'pec', 'REGISTERED_MAIL', 'Posta elettronica certificata', pr.document_id
              from protocol_record pr where pr.aoo_id = ? and upper(pr.means_of_transmission) = 'PEC'`,
      params: [aooId],
    });
  }
  return { sql: parts.map((p) => p.sql).join(' union all '), params: parts.flatMap((p) => p.params) };
}

interface ParsedKey {
  kind: ConservationSeriesKind;
  value: string;
}

/** `repertorio:<code>`, `tipo:<document type>` or `pec`. */
export function parseTypeKey(typeKey: string): ParsedKey {
  if (typeKey === 'pec') return { kind: ConservationSeriesKind.REGISTERED_MAIL, value: '' };
  const at = typeKey.indexOf(':');
  const prefix = at < 0 ? '' : typeKey.slice(0, at);
  const value = typeKey.slice(at + 1);
  if (value.length > 0 && prefix === 'repertorio') return { kind: ConservationSeriesKind.REPERTORIO, value };
  if (value.length > 0 && prefix === 'tipo') return { kind: ConservationSeriesKind.DOCUMENT_TYPE, value };
  throw new InvalidInputError(
    'typeKey',
    'is not a series key: use a typeKey of conservationSeriesTypes (repertorio:<code>, tipo:<document type> or pec)',
  );
}

/**
 * The series of an AOO (each repertorio but the daily register's, each protocol document type,
 * registered mail) with the counts of the registered documents the caller sees: one statement.
 */
export async function seriesTypes(ctx: RequestContext, aooId: string): Promise<ConservationSeriesType[]> {
  requireConservationManage(ctx, aooId);
  const m = membersSql(aooId, null);
  const v = documentVisibilitySql(ctx);
  const rows = await ctx.em.execute<
    Array<{
      type_key: string;
      kind: ConservationSeriesKind;
      label: string;
      total: string;
      conserved: string;
      waiting: string;
    }>
  >(
    `with members as (${m.sql}),
     seen as (
       select m.type_key, m.kind, m.label, d.id as document_id,
              exists (select 1 from conservation_item i where i.document_id = d.id and i.colour = 'GREEN') as green,
              exists (select 1 from conservation_item i where i.document_id = d.id and i.colour = 'ORANGE') as orange
         from members m
         left join document d on d.id = m.document_id and d.registered_at is not null and ${v.sql})
     select type_key, kind, min(label) as label, count(distinct document_id) as total,
            count(distinct document_id) filter (where green) as conserved,
            count(distinct document_id) filter (where orange) as waiting
       from seen group by type_key, kind order by kind, min(label), type_key`,
    [...m.params, ...v.params],
  );
  return rows.map((r) => ({
    typeKey: r.type_key,
    kind: r.kind,
    label: r.label,
    total: Number(r.total),
    conserved: Number(r.conserved),
    waiting: Number(r.waiting),
    notConserved: Number(r.total) - Number(r.conserved),
  }));
}

/**
 * The registered documents of one series the caller sees (optionally only those not conserved
 * yet), in registration order, keyset pages (registered_at, id); audited as a document listing.
 */
export async function seriesDocumentPage(
  ctx: RequestContext,
  aooId: string,
  typeKey: string,
  onlyNotConserved: boolean,
  first: number,
  after: string | null,
): Promise<ConnectionShape<Document>> {
  const page = pageRequest(first, after, MAX_SERIES_PAGE, 2);
  requireConservationManage(ctx, aooId);
  const m = membersSql(aooId, parseTypeKey(typeKey));
  const v = documentVisibilitySql(ctx);
  const where = [
    'd.aoo_id = ?',
    'd.registered_at is not null',
    `d.id in (select document_id from (${m.sql}) m)`,
    v.sql,
    ...(onlyNotConserved
      ? [`not exists (select 1 from conservation_item i where i.document_id = d.id and i.colour = 'GREEN')`]
      : []),
  ];
  const params = [aooId, ...m.params, ...v.params];
  const keyset = [...where];
  const keysetParams = [...params];
  if (page.after !== null) {
    const [at, id] = page.after;
    if (typeof at !== 'string' || typeof id !== 'string' || !isUuid(id) || Number.isNaN(Date.parse(at)))
      throw new InvalidInputError('after', 'is not a cursor of this list (use pageInfo.endCursor)');
    keyset.push('(d.registered_at, d.id) > (?::timestamptz, ?::uuid)');
    keysetParams.push(at, id);
  }
  const rows = await ctx.em.execute<Array<{ id: string; k: string }>>(
    `select d.id, to_char(d.registered_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as k
       from document d where ${keyset.join(' and ')} order by d.registered_at, d.id limit ?`,
    [...keysetParams, page.first + 1],
  );
  return documentPage(ctx, aooId, rows, page, async () => {
    const [c] = await ctx.em.execute<Array<{ n: string }>>(
      `select count(*) as n from document d where ${where.join(' and ')}`,
      params,
    );
    return Number(c?.n ?? 0);
  });
}
