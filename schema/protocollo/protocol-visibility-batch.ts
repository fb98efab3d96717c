import type { Grants } from '../../server/auth/grants.js';
import type { RequestContext } from '../../server/context.js';
import type { Platform } from '../../server/platform.js';
import { ProtocolRecord } from './protocol-record.entity.js';
import { recordVisibilitySql } from './protocol-visibility.js';

export type RecordRow = Record<string, unknown>;

/** Subscribers asking about one record in the same turn of the event loop, answered together. */
interface Batch {
  recordId: string;
  asks: Array<{
    ctx: RequestContext;
    resolve: (row: RecordRow | null) => void;
    reject: (e: unknown) => void;
  }>;
}

/** Subscribers' visibility predicates in one statement (each with its own parameters). */
const PREDICATES_PER_STATEMENT = 100;

const pending = new WeakMap<Platform, Map<string, Batch>>();

// One user's subscriptions (up to 10 sockets of 20) ask once per event: keyed by the grants
// object refreshSubscriber hands them all until the next reload, so new rights start afresh.
const byGrants = new WeakMap<Grants, Map<string, Promise<RecordRow | null>>>();
const ANSWERS_PER_GRANTS = 256;

/**
 * The record's row if the subscriber of `ctx` may see it now (the record's row visibility with
 * the subscriber's current rights), else null. An event reaches every subscriber of a replica
 * at once: their questions about one record are put together, in one statement per
 * PREDICATES_PER_STATEMENT subscribers (each its own visibility predicate, as the documents
 * module writes it), instead of one statement each.
 */
export function visibleRecordRow(ctx: RequestContext, recordId: string): Promise<RecordRow | null> {
  let answers = byGrants.get(ctx.grants);
  if (!answers || answers.size >= ANSWERS_PER_GRANTS)
    byGrants.set(ctx.grants, (answers = new Map<string, Promise<RecordRow | null>>()));
  const key = `${ctx.user?.id ?? ''}:${recordId}`;
  const known = answers.get(key);
  if (known) return known;
  const asked = ask(ctx, recordId);
  answers.set(key, asked);
  asked.catch(() => answers.delete(key));
  return asked;
}

function ask(ctx: RequestContext, recordId: string): Promise<RecordRow | null> {
  let batches = pending.get(ctx.platform);
  if (!batches) pending.set(ctx.platform, (batches = new Map<string, Batch>()));
  let batch = batches.get(recordId);
  if (!batch) {
    const created: Batch = { recordId, asks: [] };
    batches.set(recordId, (batch = created));
    const all = batches;
    setImmediate(() => {
      all.delete(recordId);
      void answer(created);
    });
  }
  const into = batch;
  return new Promise((resolve, reject) => into.asks.push({ ctx, resolve, reject }));
}

async function answer(batch: Batch): Promise<void> {
  for (let start = 0; start < batch.asks.length; start += PREDICATES_PER_STATEMENT) {
    const asks = batch.asks.slice(start, start + PREDICATES_PER_STATEMENT);
    try {
      const predicates = asks.map((a) => recordVisibilitySql(a.ctx));
      const first = asks[0];
      if (!first) continue;
      // Through knex with bound parameters: em.execute would inline them all into the text.
      const result = await first.ctx.em.getKnex().raw<{ rows: RecordRow[] }>(
        `select ${predicates.map((p, i) => `(${p.sql}) as dms_visible_${i}`).join(', ')}, r.*
           from protocol_record r where r.id = ?`,
        [...predicates.flatMap((p) => p.params), batch.recordId] as never,
      );
      const rows = result.rows;
      const found = rows[0];
      const row: RecordRow | null = found
        ? Object.fromEntries(Object.entries(found).filter(([k]) => !k.startsWith('dms_visible_')))
        : null;
      asks.forEach((a, i) => a.resolve(found && found[`dms_visible_${i}`] === true ? row : null));
    } catch (e) {
      for (const a of asks) a.reject(e);
    }
  }
}

const recordsOfRows = new WeakMap<RecordRow, ProtocolRecord>();

/**
 * The record of a row `visibleRecordRow` answered, as an entity: one for all the subscribers the
 * row was answered to (the same row object), mapped once on a session of its own, instead of
 * one entity (and one session fork) per subscriber of the event. Only a root to resolve the
 * subscriber's selection from: its field resolvers read with the subscriber's context.
 */
export function recordOfVisibleRow(ctx: RequestContext, row: RecordRow): ProtocolRecord {
  let record = recordsOfRows.get(row);
  if (!record) recordsOfRows.set(row, (record = ctx.platform.orm.em.fork().map(ProtocolRecord, row)));
  return record;
}
