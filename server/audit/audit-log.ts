import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../context.js';
import { directSql } from '../db/direct-sql.js';

export interface AuditEntry {
  aooId: string | null;
  operation: string;
  targetType: string;
  targetId: string | null;
  /** Changed fields: { field: [before, after] }, or other facts of the operation. */
  changes?: Record<string, unknown>;
}

/** One audit_event row as written: the entry with who, where and when it happened. */
export interface AuditRow {
  occurredAt: Date;
  aooId: string | null;
  actorId: string | null;
  actorUsername: string | null;
  requestId: string;
  clientIp: string | null;
  userAgent: string | null;
  operation: string;
  targetType: string;
  targetId: string | null;
  changes: string;
}

/** The row of `entry` in this context, timed now by the request clock (to the microsecond). */
function rowOf(ctx: RequestContext, entry: AuditEntry): AuditRow {
  return {
    occurredAt: ctx.clock.now(),
    aooId: entry.aooId,
    actorId: ctx.user?.id ?? null,
    actorUsername: ctx.user?.username ?? null,
    requestId: ctx.requestId,
    clientIp: ctx.clientIp,
    userAgent: ctx.userAgent?.slice(0, 512) ?? null,
    operation: entry.operation,
    targetType: entry.targetType,
    targetId: entry.targetId,
    changes: JSON.stringify(entry.changes ?? {}),
  };
}

/**
 * Writes of a change made in the statement of its audit row: data-modifying WITH queries (each
 * an INSERT… without RETURNING), with their `?` parameters in order. One statement instead of
 * one per write; each row still passes its table's constraints and triggers.
 */
export interface AuditWith {
  parts: readonly string[];
  params: readonly unknown[];
}

/** Writes the rows in one INSERT, in their order (audit_event ids follow the VALUES order). */
async function insertRows(
  em: EntityManager,
  rows: readonly AuditRow[],
  along?: AuditWith,
  thenCommit = false,
): Promise<void> {
  if (rows.length === 0) return;
  const parts = along?.parts ?? [];
  await directSql(
    em,
    `${parts.length > 0 ? `with ${parts.map((p, i) => `w${i} as (${p})`).join(', ')} ` : ''}insert into audit_event (occurred_at, aoo_id, actor_id, actor_username, request_id, client_ip, user_agent, operation, target_type, target_id, changes)
     values ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)').join(', ')}`,
    [...(along?.params ?? [])].concat(
      rows.flatMap((r) => [
        r.occurredAt,
        r.aooId,
        r.actorId,
        r.actorUsername,
        r.requestId,
        r.clientIp,
        r.userAgent,
        r.operation,
        r.targetType,
        r.targetId,
        r.changes,
      ]),
    ),
    { thenCommit },
  );
}

/**
 * Appends one audit row through `em` (in a UnitOfWork: the transaction's, so the record of a
 * change commits or rolls back with it). The time is the request clock's, to the microsecond.
 * `along`: the change's own writes, in the same statement (see AuditWith). `thenCommit`: the
 * transaction commits in the statement's round trip (the unit's last write, see UnitOfWork.audit).
 */
export async function appendAudit(
  ctx: RequestContext,
  em: EntityManager,
  entry: AuditEntry,
  along?: AuditWith,
  thenCommit = false,
): Promise<void> {
  await insertRows(em, [rowOf(ctx, entry)], along, thenCommit);
}

/**
 * An audited viewing (document.read, file.download…): one row, outside any write. In a GraphQL
 * request (ctx.auditedReads) the row is queued, with its own time, and the request's viewings
 * are written together before its answer is sent (writeAuditedReads): one INSERT per request
 * instead of one per list or node. Elsewhere (file routes, subscriptions, inside a unit of work)
 * it is written now, before the caller answers. With AUDIT_VIEWINGS=false (benchmarks and
 * diagnostics only: refused in production) viewings leave no row.
 */
export async function auditRead(ctx: RequestContext, entry: AuditEntry): Promise<void> {
  if (!ctx.platform.config.auditViewings) return;
  await auditOutsideWrites(ctx, entry);
}

/**
 * An audited attempt that changed nothing (a refused field): written like a viewing (queued
 * in a GraphQL request), but whatever AUDIT_VIEWINGS says.
 */
export async function auditOutsideWrites(ctx: RequestContext, entry: AuditEntry): Promise<void> {
  if (ctx.auditedReads) ctx.auditedReads.push(rowOf(ctx, entry));
  else {
    await appendAudit(ctx, ctx.em, entry);
    ctx.platform.auditSealer.kick();
  }
}

/**
 * Writes the viewings queued by the request in one INSERT, in the order they happened. A
 * failure is the caller's to turn into an error answer: no data leaves without its audit row.
 * From then on the request queues nothing: a resolver still running after an error ended the
 * execution (its result is never sent) writes its viewing itself, as outside GraphQL.
 */
export async function writeAuditedReads(ctx: RequestContext): Promise<void> {
  const rows = ctx.auditedReads ?? [];
  ctx.auditedReads = undefined;
  await insertRows(ctx.em, rows);
  if (rows.length > 0) ctx.platform.auditSealer.kick();
}

/** `{ field: [before, after] }` for the fields whose value changed. */
export function diff<T extends object>(before: T, after: Partial<T>): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  for (const key of Object.keys(after) as Array<keyof T>) {
    const a = after[key];
    if (a !== undefined && a !== before[key]) out[String(key)] = [before[key] ?? null, a];
  }
  return out;
}
