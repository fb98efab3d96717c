import type { UnitOfWork } from '../../server/db/unit-of-work.js';
import { directSql } from '../../server/db/direct-sql.js';

/**
 * A document registered in a repertorio becomes REPERTORIATO, with the registration time, and
 * its files are frozen from then on (the database's document triggers). A document already
 * registered (in the protocol, or in another repertorio) keeps its kind and time: it then
 * carries both numbers. One conditional statement, so concurrent registrations of the same
 * document cannot both set the time.
 */
export async function markRepertoriato(tx: UnitOfWork, documentId: string, at: Date): Promise<void> {
  await tx.em.execute(
    `update document set kind = 'REPERTORIATO', registered_at = ? where id = ? and kind = 'NON_PROTOCOLLATO'`,
    [at, documentId],
    'run',
  );
}

/**
 * A document registered in the protocol becomes PROTOCOLLATO with its registration time, and its
 * files are frozen from then on. A document already registered (in a repertorio) keeps its kind
 * and time, as the document triggers require: it then carries both numbers.
 */
export async function markProtocollato(tx: UnitOfWork, documentId: string, at: Date): Promise<void> {
  const mark = markProtocollatoSql(documentId, at);
  await directSql(tx.em, mark.sql, mark.params);
}

/**
 * markProtocollato as an UPDATE (`?` parameters) for a statement of the protocol module's own,
 * as a data-modifying WITH part: the registration marks its document in the statement that
 * writes its record, one round trip fewer while it holds its number.
 */
export function markProtocollatoSql(
  documentId: string,
  at: Date | { expression: string },
): { sql: string; params: unknown[] } {
  // `at` an SQL expression: the registration time as the caller's statement computes it.
  const time = at instanceof Date ? '?' : at.expression;
  return {
    sql: `update document set kind = 'PROTOCOLLATO', registered_at = ${time} where id = ? and kind = 'NON_PROTOCOLLATO'`,
    params: at instanceof Date ? [at, documentId] : [documentId],
  };
}

/**
 * Whether a document is registered in the protocol, read under a share lock of its row: a
 * registration marks the row (markProtocollato), so the caller's change and a registration of
 * the same document take turns. The kind tells: only a protocol registration sets PROTOCOLLATO,
 * while `registered_at` alone also counts a registration in a repertorio. A document registered
 * in a repertorio first keeps REPERTORIATO when it is protocolled later, so this answers false
 * for it (the protocol module's own database checks still hold there).
 */
export async function isProtocollatoLocked(tx: UnitOfWork, documentId: string): Promise<boolean> {
  const rows = await tx.em.execute<Array<{ kind: string }>>(
    'select kind from document where id = ? for share',
    [documentId],
  );
  return rows[0]?.kind === 'PROTOCOLLATO';
}
