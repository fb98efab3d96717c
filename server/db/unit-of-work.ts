import { appendAudit, type AuditEntry, type AuditWith } from '../audit/audit-log.js';
import type { RequestContext, SystemOrigin } from '../context.js';
import type { DomainEvent } from '../events/domain-event.js';
import type { EnqueueOptions } from '../jobs/job-queue.js';

/**
 * A request context inside one database transaction: its EntityManager is the transaction's.
 * The audit rows of the change are written in it; events and jobs are collected and released
 * only if it commits (jobs: inserted through its connection, so a rollback drops them).
 */
export interface UnitOfWork extends RequestContext {
  /**
   * Flushes the pending entity changes, then appends the audit row, in this transaction. `with`:
   * the change's own writes (data-modifying WITH parts), made in the audit row's statement.
   */
  audit(entry: AuditEntry, options?: { with?: AuditWith }): Promise<void>;
  /** Delivered to handlers and subscribers after the commit; never for a rollback. */
  publish(event: DomainEvent): void;
  /** A job of a module, inserted in this transaction: it runs once, if the transaction commits. */
  enqueue(job: string, data: object, options?: EnqueueOptions): Promise<void>;
}

function isUnitOfWork(ctx: RequestContext): ctx is UnitOfWork {
  return 'publish' in ctx && typeof (ctx as Partial<UnitOfWork>).publish === 'function';
}

/**
 * Runs `work` as one unit: a transaction on a fork of the request's EntityManager, flushed at
 * the end, its events released after the commit. Inside a unit of work, joins it (one
 * transaction, one release). Services write only through this, never by flushing the request's
 * own fork.
 */
export async function withTransaction<T>(
  ctx: RequestContext,
  work: (tx: UnitOfWork) => Promise<T>,
): Promise<T> {
  if (isUnitOfWork(ctx)) return work(ctx);
  const events: DomainEvent[] = [];
  let audited = false;
  const origin: SystemOrigin = {
    actorId: ctx.user?.id ?? null,
    requestId: ctx.requestId,
    agent: ctx.userAgent ?? 'request',
  };
  // clear: the transaction's fork starts empty. By default MikroORM copies the request fork's
  // identity map into it, and its final flush would then write the request's unrelated pending
  // changes; services load what they change through tx.em.
  const result = await ctx.em.transactional(
    async (em) => {
      const tx: UnitOfWork = {
        ...ctx,
        em,
        // A viewing inside the transaction is written in it, as before (not queued).
        auditedReads: undefined,
        audit: async (entry, options) => {
          await em.flush();
          await appendAudit(tx, em, entry, options?.with);
          audited = true;
        },
        publish: (event) => {
          events.push(event);
        },
        enqueue: async (job, data, options) => {
          await ctx.platform.jobs.enqueue(em, job, data, origin, options);
        },
      };
      const value = await work(tx);
      await em.flush();
      return value;
    },
    { clear: true },
  );
  // The rows are committed: into their chain now, beside the request.
  if (audited) ctx.platform.auditSealer.kick();
  if (events.length > 0) {
    await ctx.platform.events.release(events, {
      actorId: origin.actorId,
      requestId: ctx.requestId,
      at: ctx.clock.now().toISOString(),
    });
  }
  return result;
}
