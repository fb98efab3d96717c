import type { EntityManager } from '@mikro-orm/postgresql';
import { appendAudit } from '../../../server/audit/audit-log.js';
import type { UnitOfWork } from '../../../server/db/unit-of-work.js';
import type { DomainEvent } from '../../../server/events/domain-event.js';

export type SavepointResult<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Runs `work` inside the unit of work's transaction under a savepoint: if it fails, its writes,
 * audit rows, jobs and events are undone and the rest of the transaction stands. The ingest
 * uses it so a message is always kept (stored, with the failure as a problem) even when what
 * follows its storing (matching, applying, registering) fails: a failure there must not roll
 * the message back and leave it on the server, seen again and failing again forever.
 */
export async function underSavepoint<T>(
  tx: UnitOfWork,
  work: (inner: UnitOfWork) => Promise<T>,
): Promise<SavepointResult<T>> {
  const events: DomainEvent[] = [];
  const origin = {
    actorId: tx.user?.id ?? null,
    requestId: tx.requestId,
    agent: tx.userAgent ?? 'pec ingest',
  };
  try {
    // A nested transactional() of MikroORM is a SAVEPOINT on the same connection; its fork
    // starts empty, so a failed attempt leaves nothing pending in the outer identity map.
    const value = await tx.em.transactional(
      async (em: EntityManager) => {
        const inner: UnitOfWork = {
          ...tx,
          em,
          loaders: new Map(),
          audit: async (entry, options) => {
            await em.flush();
            await appendAudit(inner, em, entry, options?.with);
          },
          publish: (event) => {
            events.push(event);
          },
          enqueue: async (job, data, options) => {
            await tx.platform.jobs.enqueue(em, job, data, origin, options);
          },
        };
        const result = await work(inner);
        await em.flush();
        return result;
      },
      { clear: true },
    );
    for (const event of events) tx.publish(event);
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error };
  }
}
