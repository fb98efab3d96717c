import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../server/context.js';

export interface AuditEntry {
  aooId: string | null;
  operation: string;
  targetType: string;
  targetId: string | null;
  /** Changed fields: { field: [before, after] }, or other facts of the operation. */
  changes?: Record<string, unknown>;
}

/**
 * Appends one audit row in the caller's transaction (`em` must be the transactional manager),
 * so the record of a change commits or rolls back with the change itself.
 */
export async function recordAudit(ctx: RequestContext, em: EntityManager, entry: AuditEntry): Promise<void> {
  await em.execute(
    `insert into audit_event (aoo_id, actor_id, actor_username, request_id, client_ip, user_agent, operation, target_type, target_id, changes)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)`,
    [
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

/** `{ field: [before, after] }` for the fields whose value changed. */
export function diff<T extends object>(before: T, after: Partial<T>): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  for (const key of Object.keys(after) as Array<keyof T>) {
    const a = after[key];
    if (a !== undefined && a !== before[key]) out[String(key)] = [before[key] ?? null, a];
  }
  return out;
}
