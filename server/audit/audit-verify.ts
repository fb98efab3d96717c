import type { EntityManager } from '@mikro-orm/postgresql';
import {
  CHAINED_ROW_COLUMNS,
  chainedRow,
  linkHash,
  type ChainedRow,
  type ChainedRowColumns,
} from './audit-chain.js';

/**
 * How much older than the links sealed before it a row may be: its transaction's length (a
 * row's time is taken when it is written, its link after the commit). Longer than any request.
 */
export const BACKDATE_TOLERANCE_MICROS = 15n * 60n * 1_000_000n;

/** What a verifier reads of one link: its stored position and hashes, and its row (null: gone). */
export interface StoredLink {
  seq: string;
  prevHash: string | null;
  hash: string;
  auditId: string;
  row: ChainedRow | null;
}

/** The first broken link, and why; or the chain's length and head. */
export interface ChainReport {
  chain: string;
  ok: boolean;
  /** Links checked. */
  links: number;
  head: { seq: string; hash: string } | null;
  /** The first link that does not verify (its position), and why. */
  brokenAt: string | null;
  reason: string | null;
  /** Rows older than the grace period that are in no chain (sealing stalled, or forged). */
  unsealed: string[];
}

/**
 * Walks links in order and names the first that fails: a gap or repeat in the positions, a link
 * that does not follow the previous one's hash, a row gone, or a row (or link) whose content no
 * longer gives the stored hash. `expectedHead` (published outside the database, e.g. in a daily
 * register): the link at that position must carry that hash (a rewritten tail is caught there).
 */
export class ChainWalker {
  private links = 0;
  private previous: { seq: bigint; hash: string } | null = null;
  /** The latest row time among the links so far (microseconds). */
  private latest = 0n;
  private broken: { at: string; reason: string } | null = null;

  constructor(
    readonly chain: string,
    private readonly expectedHead?: { seq: string; hash: string },
  ) {}

  /** Checks one more link; false once the chain is broken (later links are not judged). */
  next(link: StoredLink): boolean {
    if (this.broken) return false;
    const expectedSeq = (this.previous?.seq ?? 0n) + 1n;
    const fail = (reason: string): boolean => {
      this.broken = { at: link.seq, reason };
      return false;
    };
    if (BigInt(link.seq) !== expectedSeq) {
      return fail(
        `link ${link.seq} comes where link ${expectedSeq} should: a link was removed, repeated or moved`,
      );
    }
    if ((link.prevHash ?? null) !== (this.previous?.hash ?? null)) {
      return fail(
        `link ${link.seq} does not follow link ${expectedSeq - 1n}: the chain was reordered or cut`,
      );
    }
    if (link.row === null) return fail(`link ${link.seq}: audit row ${link.auditId} is missing (deleted)`);
    if (link.row.id !== link.auditId)
      return fail(`link ${link.seq}: it names row ${link.auditId}, the row is ${link.row.id}`);
    const hash = linkHash({ chain: this.chain, seq: link.seq, prevHash: link.prevHash, row: link.row });
    if (hash !== link.hash) {
      return fail(
        `link ${link.seq}: audit row ${link.auditId} (or its link) was altered: its content no longer gives the sealed hash`,
      );
    }
    if (this.expectedHead && this.expectedHead.seq === link.seq && this.expectedHead.hash !== link.hash) {
      return fail(
        `link ${link.seq}: its hash differs from the published head: the chain was rewritten up to here`,
      );
    }
    // Rows are sealed within seconds of their commit: one dated long before the links sealed
    // ahead of it was slipped into the table (its time backdated) and sealed as if new.
    const at = BigInt(link.row.occurredAtMicros);
    if (at < this.latest - BACKDATE_TOLERANCE_MICROS) {
      return fail(
        `link ${link.seq}: audit row ${link.auditId} is dated ${(this.latest - at) / 60_000_000n} minutes before rows sealed ahead of it: a row slipped in with a back date`,
      );
    }
    if (at > this.latest) this.latest = at;
    this.previous = { seq: expectedSeq, hash: link.hash };
    this.links += 1;
    return true;
  }

  report(unsealed: string[] = []): ChainReport {
    let broken = this.broken;
    if (!broken && this.expectedHead && BigInt(this.expectedHead.seq) > (this.previous?.seq ?? 0n)) {
      broken = {
        at: this.expectedHead.seq,
        reason: `the published head is link ${this.expectedHead.seq}, the chain ends at link ${this.previous?.seq ?? 0n}: links were removed`,
      };
    }
    return {
      chain: this.chain,
      ok: broken === null && unsealed.length === 0,
      links: this.links,
      head: this.previous ? { seq: this.previous.seq.toString(), hash: this.previous.hash } : null,
      brokenAt: broken?.at ?? null,
      reason:
        broken?.reason ??
        (unsealed.length > 0
          ? `${unsealed.length} audit row(s) older than the grace period are in no chain`
          : null),
      unsealed,
    };
  }
}

const BATCH = 5000;
/** Rows younger than this may still be waiting for the sealer. */
export const UNSEALED_GRACE_SECONDS = 10;

/** Verifies one chain in the database (batched, in position order). */
export async function verifyChain(
  em: EntityManager,
  chain: string,
  options: { expectedHead?: { seq: string; hash: string }; now: Date },
): Promise<ChainReport> {
  const walker = new ChainWalker(chain, options.expectedHead);
  let after = 0n;
  for (;;) {
    const rows = await em.execute<
      Array<
        ChainedRowColumns & {
          seq: string;
          prev_hash: string | null;
          hash: string;
          audit_id: string;
          present: boolean;
        }
      >
    >(
      `select s.seq::text as seq, s.prev_hash, s.hash, s.audit_id::text as audit_id, e.id is not null as present,
              ${CHAINED_ROW_COLUMNS}
         from audit_seal s left join audit_event e on e.id = s.audit_id
        where s.chain = ? and s.seq > ?::bigint order by s.seq limit ${BATCH}`,
      [chain, after.toString()],
    );
    for (const r of rows) {
      const ok = walker.next({
        seq: r.seq,
        prevHash: r.prev_hash,
        hash: r.hash,
        auditId: r.audit_id,
        row: r.present ? chainedRow(r) : null,
      });
      if (!ok) return walker.report();
    }
    if (rows.length < BATCH) break;
    after = BigInt(rows.at(-1)?.seq ?? '0');
  }
  const aooFilter = chain === 'platform' ? 'e.aoo_id is null' : 'e.aoo_id = ?::uuid';
  const unsealed = await em.execute<Array<{ id: string }>>(
    `select e.id::text as id from audit_event e
      where ${aooFilter} and e.occurred_at < ?::timestamptz - interval '${UNSEALED_GRACE_SECONDS} seconds'
        and not exists (select 1 from audit_seal s where s.audit_id = e.id)
      order by e.id limit 100`,
    chain === 'platform' ? [options.now] : [chain, options.now],
  );
  return walker.report(unsealed.map((u) => u.id));
}
