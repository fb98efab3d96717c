import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import canonicalize from 'canonicalize';

/**
 * The tamper-evident audit trail (DOMAIN §7, ARCHITECTURE "Audit"): every audit_event row is
 * sealed, after its transaction commits, as one link of its AOO's chain (platform-level rows:
 * the `platform` chain) in audit_seal. A link's hash is SHA-256 over the RFC 8785 canonical JSON
 * of a fixed field set: the row (time as integer microseconds, never a formatted timestamp), its
 * chain, position and the previous link's hash. Changing, removing, reordering or inserting a
 * row breaks the chain at that link; rewriting the whole tail is caught against a head published
 * outside the database (the daily register).
 */

/** The chain of platform-level rows (no AOO). */
export const PLATFORM_CHAIN = 'platform';

/** An audit row as the chain covers it: every field, in values independent of session settings. */
export interface ChainedRow {
  id: string;
  /** Microseconds since the Unix epoch (UTC), as a decimal string. */
  occurredAtMicros: string;
  aooId: string | null;
  actorId: string | null;
  actorUsername: string | null;
  requestId: string | null;
  clientIp: string | null;
  userAgent: string | null;
  operation: string;
  targetType: string;
  targetId: string | null;
  /** The changes as stored (parsed JSON). */
  changes: unknown;
}

/** One link of a chain: a row at a position, after the previous link's hash. */
export interface ChainLink {
  chain: string;
  seq: string;
  prevHash: string | null;
  row: ChainedRow;
}

/** The hash of a link (lowercase hex): what the sealer stores and every verifier recomputes. */
export function linkHash(link: ChainLink): string {
  const canonical = canonicalize({
    v: 1,
    chain: link.chain,
    seq: link.seq,
    prev: link.prevHash ?? '',
    row: {
      id: link.row.id,
      occurredAt: link.row.occurredAtMicros,
      aooId: link.row.aooId,
      actorId: link.row.actorId,
      actorUsername: link.row.actorUsername,
      requestId: link.row.requestId,
      clientIp: link.row.clientIp,
      userAgent: link.row.userAgent,
      operation: link.row.operation,
      targetType: link.row.targetType,
      targetId: link.row.targetId,
      changes: link.row.changes,
    },
  });
  if (canonical === undefined) throw new Error('an audit link has no canonical form');
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

export interface ChainHead {
  /** The AOO of the chain; null for the platform-level chain. */
  aooId: string | null;
  /** Position in the chain (1, 2, 3…) as a decimal string. */
  seq: string;
  /** SHA-256 of the last sealed link, lowercase hex. */
  hash: string;
  /** occurred_at of the audit row of that link. */
  at: Date;
}

/** The columns of an audit row as ChainedRow needs them (session-independent SQL). */
export const CHAINED_ROW_COLUMNS = `e.id::text as id,
  ((extract(epoch from e.occurred_at) * 1000000)::bigint)::text as micros,
  e.aoo_id::text as aoo_id, e.actor_id::text as actor_id, e.actor_username, e.request_id, e.client_ip,
  e.user_agent, e.operation, e.target_type, e.target_id, e.changes::text as changes`;

export interface ChainedRowColumns {
  id: string;
  micros: string;
  aoo_id: string | null;
  actor_id: string | null;
  actor_username: string | null;
  request_id: string | null;
  client_ip: string | null;
  user_agent: string | null;
  operation: string;
  target_type: string;
  target_id: string | null;
  changes: string;
}

export function chainedRow(r: ChainedRowColumns): ChainedRow {
  return {
    id: r.id,
    occurredAtMicros: r.micros,
    aooId: r.aoo_id,
    actorId: r.actor_id,
    actorUsername: r.actor_username,
    requestId: r.request_id,
    clientIp: r.client_ip,
    userAgent: r.user_agent,
    operation: r.operation,
    targetType: r.target_type,
    targetId: r.target_id,
    changes: JSON.parse(r.changes) as unknown,
  };
}

export const chainOf = (aooId: string | null): string => aooId ?? PLATFORM_CHAIN;

/** One sealing pass at most this many rows (a backlog is sealed over several passes). */
const SEAL_BATCH = 2000;
/** Unsealed rows are looked for this many ids back from the last sealed one (late commits). */
const SEAL_WINDOW = 100_000;
/** pg_advisory_xact_lock key of the sealer: one sealing pass at a time, across replicas. */
export const SEAL_LOCK = 0x617564_6974; // "audit"

/** What the sealer needs of a connection (a pg client of its own: never a request's). */
export interface SealerConnection {
  query<R extends object>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

/**
 * Seals now the committed audit rows not yet in their chain, in id order within each pass (a
 * row committed late gets the next position when it is seen). One pass at a time on the whole
 * platform (an advisory lock), on the sealer's own connection, never on a request's path.
 * Returns how many rows were sealed.
 */
export async function sealPending(db: SealerConnection): Promise<number> {
  let total = 0;
  for (;;) {
    let sealed = 0;
    try {
      // BEGIN and the lock in one simple query (a constant, no parameter): one round trip.
      await db.query(`begin; select pg_advisory_xact_lock(${SEAL_LOCK})`);
      // The pending rows and the head of each of their chains, in one statement (the heads
      // move only in a pass, which holds the lock): a round trip less per pass.
      const rows = (
        await db.query<ChainedRowColumns & { head_seq: string | null; head_hash: string | null }>(
          `with r as (
             select ${CHAINED_ROW_COLUMNS} from audit_event e
              where e.id > coalesce((select max(s.audit_id) from audit_seal s), 0) - ${SEAL_WINDOW}
                and not exists (select 1 from audit_seal s where s.audit_id = e.id)
              order by e.id limit ${SEAL_BATCH}),
           heads as (
             select c.chain, h.seq, h.hash
               from (select distinct coalesce(r.aoo_id, '${PLATFORM_CHAIN}') as chain from r) c
               cross join lateral (select s.seq::text as seq, s.hash from audit_seal s
                                    where s.chain = c.chain order by s.seq desc limit 1) h)
           select r.*, h.seq as head_seq, h.hash as head_hash
             from r left join heads h on h.chain = coalesce(r.aoo_id, '${PLATFORM_CHAIN}')
            order by r.id::bigint`,
        )
      ).rows;
      if (rows.length > 0) {
        const last = new Map<string, { seq: bigint; hash: string }>();
        for (const r of rows)
          if (r.head_seq !== null && r.head_hash !== null && !last.has(chainOf(r.aoo_id)))
            last.set(chainOf(r.aoo_id), { seq: BigInt(r.head_seq), hash: r.head_hash });
        const values: unknown[] = [];
        for (const r of rows) {
          const chain = chainOf(r.aoo_id);
          const prev = last.get(chain);
          const seq = (prev?.seq ?? 0n) + 1n;
          const hash = linkHash({
            chain,
            seq: seq.toString(),
            prevHash: prev?.hash ?? null,
            row: chainedRow(r),
          });
          values.push(r.id, chain, seq.toString(), prev?.hash ?? null, hash);
          last.set(chain, { seq, hash });
        }
        await db.query(
          `insert into audit_seal (audit_id, chain, seq, prev_hash, hash) values ${rows
            .map(
              (_, i) =>
                `($${i * 5 + 1}::bigint, $${i * 5 + 2}, $${i * 5 + 3}::bigint, $${i * 5 + 4}, $${i * 5 + 5})`,
            )
            .join(', ')}`,
          values,
        );
        sealed = rows.length;
      }
      await db.query('commit');
    } catch (e) {
      await db.query('rollback').catch(() => undefined);
      throw e;
    }
    total += sealed;
    if (sealed < SEAL_BATCH) return total;
  }
}

/** The last link of the AOO's chain whose audit row occurred before `before` (null: none yet). */
export async function chainHeadAt(em: EntityManager, aooId: string, before: Date): Promise<ChainHead | null> {
  const rows = await em.execute<Array<{ seq: string; hash: string; at: Date }>>(
    `select s.seq::text as seq, s.hash, e.occurred_at as at from audit_seal s join audit_event e on e.id = s.audit_id
      where s.chain = ? and e.occurred_at < ? order by s.seq desc limit 1`,
    [chainOf(aooId), before],
  );
  const head = rows[0];
  return head ? { aooId, seq: head.seq, hash: head.hash, at: new Date(head.at) } : null;
}
