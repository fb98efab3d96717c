import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../context.js';

export interface AuditEntry {
  aooId: string | null;
  operation: string;
  targetType: string;
  targetId: string | null;
  /** Changed fields: { field: [before, after] }, or other facts of the operation. */
  changes?: Record<string, unknown>;
}

/**
 * Appends one audit row through `em` (in a UnitOfWork: the transaction's, so the record of a
 * change commits or rolls back with it; for a viewing: the request's own). The time is the
 * request clock's, to the microsecond.
 */
export async function appendAudit(ctx: RequestContext, em: EntityManager, entry: AuditEntry): Promise<void> {
  await em.execute(
    `insert into audit_event (occurred_at, aoo_id, actor_id, actor_username, request_id, client_ip, user_agent, operation, target_type, target_id, changes)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)`,
    [
      ctx.clock.now(),
      entry.aooId,
      ctx.user?.id ?? null,
      ctx.user?.username ?? null,
      ctx.requestId,
      ctx.clientIp,
      ctx.userAgent?.slice(0, 512) ?? null,
      entry.operation,
      entry.targetType,
      entry.targetId,
      JSON.stringify(entry.changes ?? {}),
    ],
    'run',
  );
}

/** An audited viewing (document.read, file.download…): one row, outside any write. */
export function auditRead(ctx: RequestContext, entry: AuditEntry): Promise<void> {
  return appendAudit(ctx, ctx.em, entry);
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
