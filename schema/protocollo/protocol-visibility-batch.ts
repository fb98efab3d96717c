import type { Grants } from '../../server/auth/grants.js';
import type { RequestContext } from '../../server/context.js';
import { pgArray } from '../../server/db/sql-array.js';
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

/** Distinct visibility predicates (groups of subscribers with the same grants) in one statement. */
const PREDICATES_PER_STATEMENT = 100;

/** How a subscriber's id enters the predicate of their group: the column of the group's users. */
const GROUP_USER_SQL = 'dms_u.id';

const pending = new WeakMap<Platform, Map<string, Batch>>();

// One user's subscriptions (up to 10 sockets of 20) ask once per event: keyed by the grants
// object refreshSubscriber hands them all until the next reload, so new rights start afresh.
const byGrants = new WeakMap<Grants, Map<string, Promise<RecordRow | null>>>();
const ANSWERS_PER_GRANTS = 256;

/**
 * The record's row if the subscriber of `ctx` may see it now (the record's row visibility with
 * the subscriber's current rights), else null. An event reaches every subscriber of a replica
 * at once: their questions about one record are put together in one statement. Subscribers
 * whose rights are the same (the predicate, as the documents module writes it with the user's
 * id as a column, and its parameters are equal: members of one office with one profile) are one
 * group, whose predicate is evaluated once over the list of their ids; each group its own
 * predicate, PREDICATES_PER_STATEMENT groups a statement. One predicate per subscriber (with
 * hundreds of parameters) cost PostgreSQL more to plan than to run.
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

interface Group {
  predicate: { sql: string; params: unknown[] };
  users: Set<string>;
  asks: Batch['asks'];
}

/** The batch's askers by predicate: those with the same rights share one. */
function groupsOf(batch: Batch): Group[] {
  const groups = new Map<string, Group>();
  for (const a of batch.asks) {
    const userId = a.ctx.user?.id;
    // Nobody sees anything without a user (there is no id to put in a list).
    if (userId === undefined) {
      a.resolve(null);
      continue;
    }
    const predicate = recordVisibilitySql(a.ctx, { userSql: GROUP_USER_SQL });
    const key = JSON.stringify(predicate);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { predicate, users: new Set<string>(), asks: [] }));
    group.users.add(userId);
    group.asks.push(a);
  }
  return [...groups.values()];
}

async function answer(batch: Batch): Promise<void> {
  let groups: Group[];
  try {
    groups = groupsOf(batch);
  } catch (e) {
    for (const a of batch.asks) a.reject(e);
    return;
  }
  for (let start = 0; start < groups.length; start += PREDICATES_PER_STATEMENT) {
    const chunk = groups.slice(start, start + PREDICATES_PER_STATEMENT);
    const asks = chunk.flatMap((g) => g.asks);
    try {
      const first = asks[0];
      if (!first) continue;
      // Per group: the ids of its users who see the record. Through knex with bound parameters:
      // em.execute would inline them all into the text.
      const columns = chunk.map(
        (g, i) =>
          `array(select ${GROUP_USER_SQL}::text from unnest(?::uuid[]) as dms_u(id) where ${g.predicate.sql}) as dms_visible_${i}`,
      );
      const result = await first.ctx.em
        .getKnex()
        .raw<{ rows: RecordRow[] }>(
          `select ${columns.join(', ')}, r.* from protocol_record r where r.id = ?`,
          [...chunk.flatMap((g) => [pgArray([...g.users]), ...g.predicate.params]), batch.recordId] as never,
        );
      const found = result.rows[0];
      const row: RecordRow | null = found
        ? Object.fromEntries(Object.entries(found).filter(([k]) => !k.startsWith('dms_visible_')))
        : null;
      chunk.forEach((g, i) => {
        const seeing = new Set(
          ((found?.[`dms_visible_${i}`] as string[] | undefined) ?? []).map((id) => id.toLowerCase()),
        );
        for (const a of g.asks)
          a.resolve(row && seeing.has((a.ctx.user?.id ?? '').toLowerCase()) ? row : null);
      });
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
