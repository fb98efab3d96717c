import { forbidden } from '../../server/auth/auth-checker.js';
import type { RequestContext } from '../../server/context.js';
import { InvalidInputError } from '../../server/errors/domain-error.js';
import { connectionOf, pageRequest, type ConnectionShape } from '../../server/graphql/connection.js';
import { AUDIT_READ } from '../audit/index.js';
import type { ChronologyEntry, ChronologyFieldChange } from './protocol-chronology.types.js';
import { findVisibleRecord } from './protocol-visibility.js';

/** Page size bound of the chronology. */
export const MAX_CHRONOLOGY_PAGE = 200;

interface AuditRowOfRecord {
  id: string;
  occurred_at: Date;
  micros: string;
  operation: string;
  actor_id: string | null;
  actor_username: string | null;
  client_ip: string | null;
  user_agent: string | null;
  target_type: string;
  target_id: string | null;
  changes: Record<string, unknown>;
}

/**
 * The chronology of a registration (DOMAIN §7: the administrator rebuilds what happened to a
 * record: registration, smistamento, CC, returns, filing, managed-field changes, annulment,
 * viewings and downloads), from the audit trail, for AUDIT_READ holders of its AOO: the rows on
 * the record, on its document, on the document's files, the filings of the document in
 * fascicoli, and the lists that showed it; in the order they happened, a page at a time.
 */
export async function recordChronology(
  ctx: RequestContext,
  recordId: string,
  args: { first: number; after: string | null },
): Promise<ConnectionShape<ChronologyEntry>> {
  const page = pageRequest(args.first, args.after, MAX_CHRONOLOGY_PAGE, 2);
  const record = await findVisibleRecord(ctx, ctx.em, recordId);
  if (!ctx.grants.has(AUDIT_READ, record.aooId)) {
    throw forbidden("read the chronology of this AOO's registrations (needs AUDIT_READ)");
  }
  const micros = '((extract(epoch from e.occurred_at) * 1000000)::bigint)';
  const after = page.after ? afterKey(page.after) : null;
  const about = `(e.target_type = 'ProtocolRecord' and e.target_id = ?)
         or (e.target_type = 'Document' and e.target_id = ?)
         or (e.target_type = 'StoredFile' and e.target_id in (select df.file_id::text from document_file df where df.document_id = ?))
         or (e.target_type = 'Fascicolo' and e.changes->>'documentId' = ?)
         or (e.target_id is null and jsonb_exists(coalesce(e.changes->'ids', '[]'::jsonb), ?))`;
  const aboutParams = [record.id, record.documentId, record.documentId, record.documentId, record.id];
  const rows = await ctx.em.execute<AuditRowOfRecord[]>(
    `select e.id::text as id, e.occurred_at, ${micros}::text as micros, e.operation, e.actor_id, e.actor_username,
            e.client_ip, e.user_agent, e.target_type, e.target_id, e.changes
       from audit_event e
      where e.aoo_id = ?${after ? ` and (${micros}, e.id) > (?::bigint, ?::bigint)` : ''} and (${about})
      order by e.occurred_at, e.id limit ?`,
    [record.aooId, ...(after ?? []), ...aboutParams, page.first + 1],
  );
  const entries = rows.slice(0, page.first).map((r): ChronologyEntry => ({
    auditId: r.id,
    at: new Date(r.occurred_at),
    micros: r.micros,
    operation: r.operation,
    actorId: r.actor_id,
    actorUsername: r.actor_username,
    clientIp: r.client_ip,
    userAgent: r.user_agent,
    targetType: r.target_type,
    targetId: r.target_id,
    fieldChanges: fieldChanges(r.changes),
    details: JSON.stringify(r.changes),
  }));
  return connectionOf(
    entries,
    rows.length > page.first,
    page,
    (e) => [e.micros, e.auditId],
    async () =>
      (
        await ctx.em.execute<Array<{ n: number }>>(
          `select count(*)::int as n from audit_event e where e.aoo_id = ? and (${about})`,
          [record.aooId, ...aboutParams],
        )
      )[0]?.n ?? 0,
  );
}

/** The cursor's key: the time in microseconds (exact, unlike a JavaScript Date) and the audit id. */
function afterKey(after: unknown[]): [string, string] {
  const [micros, id] = after;
  if (
    typeof micros !== 'string' ||
    typeof id !== 'string' ||
    !/^[0-9]{1,20}$/.test(micros) ||
    !/^[0-9]{1,20}$/.test(id)
  ) {
    throw new InvalidInputError('after', 'is not a cursor of this list (use pageInfo.endCursor)');
  }
  return [micros, id];
}

/** `{ field: [before, after] }` entries of an audit row's changes (other facts are in `details`). */
function fieldChanges(changes: Record<string, unknown>): ChronologyFieldChange[] {
  return Object.entries(changes).flatMap(([field, value]) =>
    Array.isArray(value) && value.length === 2
      ? [
          {
            field,
            before: value[0] === null || value[0] === undefined ? null : JSON.stringify(value[0]),
            after: value[1] === null || value[1] === undefined ? null : JSON.stringify(value[1]),
          },
        ]
      : [],
  );
}
