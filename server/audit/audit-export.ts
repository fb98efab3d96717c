import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CHAINED_ROW_COLUMNS, chainedRow, type ChainedRow, type ChainedRowColumns } from './audit-chain.js';
import { ChainWalker, type ChainReport } from './audit-verify.js';

/** First line of an export: what follows is one chain's links, in order, one JSON per line. */
export interface ExportHeader {
  format: 'dms-audit-chain';
  version: 1;
  chain: string;
}

export interface ExportedLink {
  seq: string;
  prevHash: string | null;
  hash: string;
  auditId: string;
  /** null: the sealed row was missing from the database when exported. */
  row: ChainedRow | null;
}

/** Writes a chain as JSON lines (header, then every link with its row), a batch at a time. */
export async function exportChain(
  em: EntityManager,
  chain: string,
  write: (line: string) => Promise<void> | void,
): Promise<number> {
  const header: ExportHeader = { format: 'dms-audit-chain', version: 1, chain };
  await write(JSON.stringify(header));
  let after = '0';
  let count = 0;
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
        where s.chain = ? and s.seq > ?::bigint order by s.seq limit 5000`,
      [chain, after],
    );
    for (const r of rows) {
      const link: ExportedLink = {
        seq: r.seq,
        prevHash: r.prev_hash,
        hash: r.hash,
        auditId: r.audit_id,
        row: r.present ? chainedRow(r) : null,
      };
      await write(JSON.stringify(link));
      count += 1;
    }
    if (rows.length < 5000) return count;
    after = rows.at(-1)?.seq ?? after;
  }
}

/**
 * Verifies an export file without the database: every link's hash recomputed from its row, the
 * links in order, and (given) the head published in a daily register. Nothing in the file is
 * trusted but the hashes it must reproduce.
 */
export async function verifyExportFile(
  file: string,
  expectedHead?: { seq: string; hash: string },
): Promise<ChainReport> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let walker: ChainWalker | null = null;
  let lineNo = 0;
  for await (const line of lines) {
    lineNo += 1;
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new Error(`line ${lineNo}: not JSON`);
    }
    if (walker === null) {
      const header = parsed as Partial<ExportHeader>;
      if (header.format !== 'dms-audit-chain' || header.version !== 1 || typeof header.chain !== 'string') {
        throw new Error('not an audit chain export (its first line names format dms-audit-chain, version 1)');
      }
      walker = new ChainWalker(header.chain, expectedHead);
      continue;
    }
    const link = parsed as ExportedLink;
    if (typeof link.seq !== 'string' || typeof link.hash !== 'string' || typeof link.auditId !== 'string') {
      throw new Error(`line ${lineNo}: not a link of the chain`);
    }
    if (!walker.next(link)) break;
  }
  if (walker === null) throw new Error('the file is empty');
  return walker.report();
}
