import { randomUUID } from 'node:crypto';
import type { UnitOfWork } from '../../server/db/unit-of-work.js';

/**
 * Makes a user one of those involved in a riservato document (001 §8.9), as the workflow does
 * for the RPA it assigns: otherwise the RPA could not see what they must handle. Nothing for a
 * document that is not riservato (involvement means nothing there), nor when already involved.
 */
export async function involveInDocument(tx: UnitOfWork, documentId: string, userId: string): Promise<void> {
  await tx.em.execute(
    `insert into document_access (id, document_id, user_id, reason, granted_by, granted_at)
     select ?, d.id, ?, 'INVOLVED', ?, ? from document d where d.id = ? and d.reserved_until is not null
     on conflict do nothing`,
    [randomUUID(), userId, tx.user?.id ?? userId, tx.clock.now(), documentId],
  );
}
