import { randomUUID } from 'node:crypto';
import type { UnitOfWork } from '../../../server/db/unit-of-work.js';

export type InteropSentKind = 'conferma' | 'eccezione' | 'annullamento' | 'ricevuta';

/**
 * Claims, in the caller's transaction, the one sending of a reply this AOO owes: true for the
 * first caller (who then enqueues it in the same transaction), false for every other (the
 * event handler and the reconciliation job racing, a registration seen twice). The unique
 * indexes decide, not a read: a concurrent claim waits for the first one's commit.
 */
export async function claimInteropSending(
  tx: UnitOfWork,
  claim: {
    kind: InteropSentKind;
    recordId: string | null;
    pecMessageId: string | null;
    eccezioneCode?: string;
  },
): Promise<string | null> {
  const id = randomUUID();
  const rows = await tx.em.execute<Array<{ id: string }>>(
    `insert into pec_interop_sent (id, kind, record_id, pec_message_id, eccezione_code, delivery_ids, created_at)
     values (?, ?, ?, ?, ?, '{}', ?) on conflict do nothing returning id`,
    [id, claim.kind, claim.recordId, claim.pecMessageId, claim.eccezioneCode ?? null, tx.clock.now()],
  );
  return rows.length > 0 ? id : null;
}

/** The deliveries a claimed reply was enqueued as. */
export async function recordInteropDeliveries(
  tx: UnitOfWork,
  claimId: string,
  deliveryIds: readonly string[],
): Promise<void> {
  await tx.em.execute(`update pec_interop_sent set delivery_ids = ?::uuid[] where id = ?`, [
    `{${deliveryIds.join(',')}}`,
    claimId,
  ]);
}
