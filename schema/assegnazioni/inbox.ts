import { auditRead } from '../../server/audit/audit-log.js';
import type { RequestContext } from '../../server/context.js';
import { pgArray } from '../../server/db/sql-array.js';
import { InvalidInputError } from '../../server/errors/domain-error.js';
import { isUuid, requiredText } from '../../server/errors/input-checks.js';
import { connectionOf, pageRequest, type ConnectionShape } from '../../server/graphql/connection.js';
import { ITALIAN_TEXT_SEARCH } from '../titolario/index.js';
import { ProtocolRecord, protocolloLoaders, recordVisibilitySql } from '../protocollo/index.js';
import { InboxKind, type InboxCounts, type InboxEntry, type InboxFilter } from './inbox.types.js';
import { myOfficesSql } from './my-offices.js';
import { WORKFLOW_ASSIGN, WORKFLOW_DISPATCH } from './permissions.js';

export const MAX_INBOX_PAGE = 100;

interface Sql {
  sql: string;
  params: unknown[];
}

const ACTIVE = `('DA_ASSEGNARE', 'ASSEGNATO', 'IN_CARICO')`;
/** An annulled registration is no one's work any more: it leaves every inbox (it stays readable). */
const LIVE = `r.state <> 'ANNULLATO'`;

/** Offices whose RPA I may assign: those I head, and those WORKFLOW_ASSIGN covers. */
function assignableSql(ctx: RequestContext, userId: string): Sql {
  const parts = ['a.uor_id in (select u.id from uor u where u.head_id = ?)'];
  const params: unknown[] = [userId];
  for (const aooId of ctx.grants.aoosWith(WORKFLOW_ASSIGN)) {
    const scope = ctx.grants.scope(WORKFLOW_ASSIGN, aooId);
    if (scope === 'ALL') {
      parts.push('a.aoo_id = ?');
      params.push(aooId);
    } else if (scope !== undefined && scope.size > 0) {
      parts.push('(a.aoo_id = ? and a.uor_id = any(?::uuid[]))');
      params.push(aooId, pgArray([...scope]));
    }
  }
  return { sql: `(${parts.join(' or ')})`, params };
}

/**
 * The rows of one inbox, as (entry_id, record_id, assignment_id, uor_id, received_at): what the
 * listing pages through and the counts count. Row visibility is applied by the caller over `r`.
 */
function inboxSource(ctx: RequestContext, kind: InboxKind, userId: string): Sql {
  const assignment = (where: string, receivedAt: string, params: unknown[]): Sql => ({
    sql: `select a.id::text as entry_id, a.record_id, a.id as assignment_id, a.uor_id, ${receivedAt} as received_at
            from assignment a where ${where}`,
    params,
  });
  switch (kind) {
    case InboxKind.AS_RPA:
      return assignment(`a.rpa_id = ? and a.state in ('ASSEGNATO', 'IN_CARICO')`, 'a.assigned_at', [userId]);
    case InboxKind.TO_TAKE_IN_CHARGE:
      return assignment(`a.rpa_id = ? and a.state = 'ASSEGNATO'`, 'a.assigned_at', [userId]);
    case InboxKind.MY_UORS: {
      const mine = myOfficesSql(userId);
      return assignment(`a.state in ${ACTIVE} and a.uor_id in ${mine.sql}`, 'a.sent_at', mine.params);
    }
    case InboxKind.TO_ASSIGN: {
      const can = assignableSql(ctx, userId);
      return assignment(`a.state = 'DA_ASSEGNARE' and ${can.sql}`, 'a.sent_at', can.params);
    }
    case InboxKind.REJECTED:
      // The latest rejection of each record no office holds any more.
      return assignment(
        `a.state = 'RIGETTATO' and a.aoo_id = any(?::uuid[])
         and not exists (select 1 from assignment b where b.record_id = a.record_id and b.state in ${ACTIVE})
         and not exists (select 1 from assignment b where b.record_id = a.record_id and b.state = 'RIGETTATO'
                          and (b.closed_at, b.id) > (a.closed_at, a.id))`,
        'a.closed_at',
        [pgArray(ctx.grants.aoosWith(WORKFLOW_DISPATCH))],
      );
    case InboxKind.AS_CC: {
      const mine = myOfficesSql(userId);
      return {
        sql: `select 'cc-' || c.seq as entry_id, c.record_id, null::uuid as assignment_id, c.uor_id, c.added_at as received_at
                from protocol_cc c where c.user_id = ? or c.uor_id in ${mine.sql}`,
        params: [userId, ...mine.params],
      };
    }
  }
}

function filterSql(filter: InboxFilter | null | undefined): Sql {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (filter?.kind) {
    parts.push('r.kind = ?');
    params.push(filter.kind);
  }
  if (filter?.oggetto) {
    parts.push(
      `to_tsvector(${ITALIAN_TEXT_SEARCH}, r.oggetto) @@ plainto_tsquery(${ITALIAN_TEXT_SEARCH}, ?)`,
    );
    params.push(requiredText('filter.oggetto', filter.oggetto, 500));
  }
  if (filter?.uorId) {
    if (!isUuid(filter.uorId)) throw new InvalidInputError('filter.uorId', 'is not an id');
    parts.push('s.uor_id = ?');
    params.push(filter.uorId);
  }
  if (filter?.receivedFrom && filter.receivedTo && filter.receivedTo < filter.receivedFrom) {
    throw new InvalidInputError('filter.receivedTo', 'must not precede receivedFrom');
  }
  if (filter?.receivedFrom) {
    parts.push('s.received_at >= ?');
    params.push(filter.receivedFrom);
  }
  if (filter?.receivedTo) {
    parts.push('s.received_at < ?');
    params.push(filter.receivedTo);
  }
  return { sql: parts.map((p) => ` and ${p}`).join(''), params };
}

type EntryRow = Record<string, unknown> & {
  entry_id: string;
  assignment_id: string | null;
  received_at: Date;
};

/**
 * A page of one of the caller's inboxes, newest first (keyset on the time it arrived and the
 * entry), with the registrations mapped from the same statement; the records shown are an
 * audited viewing, as in protocolRecords.
 */
export async function listInbox(
  ctx: RequestContext,
  kind: InboxKind,
  args: { first: number; after?: string | null; filter?: InboxFilter | null },
): Promise<ConnectionShape<InboxEntry>> {
  const page = pageRequest(args.first, args.after, MAX_INBOX_PAGE, 2);
  const user = ctx.user;
  if (user === null)
    return connectionOf(
      [],
      false,
      page,
      () => [],
      () => Promise.resolve(0),
    );
  const source = inboxSource(ctx, kind, user.id);
  const v = recordVisibilitySql(ctx);
  const filter = filterSql(args.filter);
  const from = `from (${source.sql}) s join protocol_record r on r.id = s.record_id where ${LIVE} and ${v.sql}${filter.sql}`;
  const params = [...source.params, ...v.params, ...filter.params];
  let keyset = '';
  const keyParams: unknown[] = [];
  if (page.after) {
    const [at, entryId] = page.after;
    if (typeof at !== 'string' || typeof entryId !== 'string' || Number.isNaN(Date.parse(at))) {
      throw new InvalidInputError('after', 'is not a cursor of this list (use pageInfo.endCursor)');
    }
    keyset = ' and (s.received_at, s.entry_id) < (?::timestamptz, ?)';
    keyParams.push(at, entryId);
  }
  const rows = await ctx.em.execute<EntryRow[]>(
    `select s.entry_id, s.assignment_id, s.received_at, r.* ${from}${keyset}
      order by s.received_at desc, s.entry_id desc limit ?`,
    [...params, ...keyParams, page.first + 1],
  );
  const shown = rows.slice(0, page.first).map((row) => {
    const { entry_id, assignment_id, received_at, ...record } = row;
    const mapped = ctx.em.map(ProtocolRecord, record);
    return {
      entry: {
        id: entry_id,
        inbox: kind,
        receivedAt: new Date(received_at),
        recordId: mapped.id,
        assignmentId: assignment_id,
      },
      record: mapped,
    };
  });
  // The entries' record fields read these rows, not the database again.
  const records = protocolloLoaders.visibleRecord(ctx);
  for (const { record } of shown) records.prime(record.id, record);
  const byAoo = new Map<string, string[]>();
  for (const { record } of shown) byAoo.set(record.aooId, [...(byAoo.get(record.aooId) ?? []), record.id]);
  for (const [aooId, ids] of byAoo) {
    await auditRead(ctx, {
      aooId,
      operation: 'inbox.list',
      targetType: 'ProtocolRecord',
      targetId: null,
      changes: { inbox: kind, ids },
    });
  }
  return connectionOf(
    shown.map((s) => s.entry),
    rows.length > page.first,
    page,
    (e) => [e.receivedAt.toISOString(), e.id],
    async () => {
      const counted = await ctx.em.execute<Array<{ n: number }>>(`select count(*)::int as n ${from}`, params);
      return counted[0]?.n ?? 0;
    },
  );
}

/** Every inbox's count in one statement, whatever the number of the caller's offices. */
export async function inboxCounts(ctx: RequestContext): Promise<InboxCounts> {
  const user = ctx.user;
  const zero = { asRpa: 0, toTakeInCharge: 0, asCc: 0, myUors: 0, toAssign: 0, rejected: 0 };
  if (user === null) return zero;
  const v = recordVisibilitySql(ctx);
  const columns: Array<[keyof InboxCounts, InboxKind]> = [
    ['asRpa', InboxKind.AS_RPA],
    ['toTakeInCharge', InboxKind.TO_TAKE_IN_CHARGE],
    ['asCc', InboxKind.AS_CC],
    ['myUors', InboxKind.MY_UORS],
    ['toAssign', InboxKind.TO_ASSIGN],
    ['rejected', InboxKind.REJECTED],
  ];
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const [name, kind] of columns) {
    const source = inboxSource(ctx, kind, user.id);
    parts.push(
      `(select count(*)::int from (${source.sql}) s join protocol_record r on r.id = s.record_id where ${LIVE} and ${v.sql}) as "${name}"`,
    );
    params.push(...source.params, ...v.params);
  }
  const rows = await ctx.em.execute<InboxCounts[]>(`select ${parts.join(', ')}`, params);
  return rows[0] ?? zero;
}
