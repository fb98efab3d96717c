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
   * `last`: nothing of the unit writes after this; when the unit is not joined by an outer one,
   * its COMMIT goes in the statement's round trip (a lock taken before, such as a register's
   * counter row, is held one wait less). Writing anything after it is an error.
   */
  audit(entry: AuditEntry, options?: { with?: AuditWith; last?: boolean }): Promise<void>;
  /** Delivered to handlers and subscribers after the commit; never for a rollback. */
  publish(event: DomainEvent): void;
  /** A job of a module, inserted in this transaction: it runs once, if the transaction commits. */
  enqueue(job: string, data: object, options?: EnqueueOptions): Promise<void>;
}

function isUnitOfWork(ctx: RequestContext): ctx is UnitOfWork {
  return 'publish' in ctx && typeof (ctx as Partial<UnitOfWork>).publish === 'function';
}

/**
 * A unit's own state, under a symbol key of its context: contexts made from it for a callee
 * (`{ ...tx, user: registrar }`) copy the key, so a withTransaction joining any of them counts
 * in the one unit.
 */
const UNIT = Symbol('unit of work');
interface UnitState {
  /** How many withTransaction calls have joined the unit and are running in it. */
  joins: number;
}

function unitState(ctx: UnitOfWork): UnitState | undefined {
  return (ctx as UnitOfWork & { [UNIT]?: UnitState })[UNIT];
}

function afterCommit(what: string): Error {
  return new Error(`${what} after the unit of work committed with its last write (audit { last: true })`);
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
  if (isUnitOfWork(ctx)) {
    const state = unitState(ctx);
    if (state) state.joins++;
    try {
      return await work(ctx);
    } finally {
      if (state) state.joins--;
    }
  }
  const events: DomainEvent[] = [];
  let audited = false;
  // Set when the unit's last write committed it (audit { last: true }); `done` once its work
  // has returned with nothing written after: what the ORM does then (its own COMMIT, answered
  // without a round trip, see absorbClose) cannot undo what is committed, nor fail the unit.
  let committed = false;
  let done = false;
  let value: T | undefined;
  const origin: SystemOrigin = {
    actorId: ctx.user?.id ?? null,
    requestId: ctx.requestId,
    agent: ctx.userAgent ?? 'request',
  };
  // clear: the transaction's fork starts empty. By default MikroORM copies the request fork's
  // identity map into it, and its final flush would then write the request's unrelated pending
  // changes; services load what they change through tx.em.
  let result: T;
  try {
    result = await ctx.em.transactional(
      async (em) => {
        const state: UnitState = { joins: 0 };
        const tx: UnitOfWork & { [UNIT]: UnitState } = {
          ...ctx,
          [UNIT]: state,
          em,
          // A viewing inside the transaction is written in it, as before (not queued).
          auditedReads: undefined,
          audit: async (entry, options) => {
            if (committed) throw afterCommit('an audit row');
            await em.flush();
            const last = options?.last === true && state.joins === 0;
            await appendAudit(tx, em, entry, options?.with, last);
            audited = true;
            committed = last;
          },
          publish: (event) => {
            events.push(event);
          },
          enqueue: async (job, data, options) => {
            if (committed) throw afterCommit('a job');
            await ctx.platform.jobs.enqueue(em, job, data, origin, options);
          },
        };
        value = await work(tx);
        if (committed) {
          const uow = em.getUnitOfWork();
          uow.computeChangeSets();
          if (uow.getChangeSets().length > 0) throw afterCommit('an entity change');
        } else await em.flush();
        done = true;
        return value;
      },
      { clear: true },
    );
  } catch (e) {
    if (!(committed && done)) throw e;
    ctx.platform.logger.warn(
      { err: e, requestId: ctx.requestId },
      "the ORM's close of a unit of work already committed failed",
    );
    result = value as T;
  }
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
