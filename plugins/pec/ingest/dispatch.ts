import type { UnitOfWork } from '../../../server/db/unit-of-work.js';
import type { PecMessage } from '../inbox/pec-message.entity.js';
import { PecMessageKind } from '../mailbox/pec-enums.js';
import type { PecMailbox } from '../mailbox/pec-mailbox.entity.js';
import type { InteropCheck } from '../interop/index.js';
import { matchReceipt } from '../send/index.js';
import { autoRegister } from './auto-register.js';
import { applyInteropMessage } from './interop-incoming.js';
import type { ReadMessage } from './readers.js';

type InteropMessage = InteropCheck & { kind: 'conferma' | 'aggiornamento' | 'eccezione' | 'annullamento' };

function isInteropMessage(check: InteropCheck | null): check is InteropMessage {
  return check !== null && check.kind !== 'segnatura';
}

/** What the dispatch did with a message just stored, and what stopped it (kept as a problem). */
export interface Dispatched {
  action: 'receipt-matched' | 'receipt-unmatched' | 'interop-applied' | 'registered' | 'queued';
  problem: string | null;
}

/**
 * What a newly stored message leads to, in the ingest's transaction (DOMAIN §8): a receipt is
 * matched to its delivery (pec-send); a Conferma, Aggiornamento, Eccezione or Annullamento
 * updates the record and delivery it concerns; anything else (a busta with or without a
 * Segnatura, ordinary mail, an anomalia) waits for an operator, or is registered now when the
 * mailbox registers automatically (the replies it owes follow, ingest-message.ts).
 * A message cut to its header (oversize) is never registered automatically.
 */
export async function dispatchIncoming(
  tx: UnitOfWork,
  message: PecMessage,
  mailbox: PecMailbox,
  read: ReadMessage,
  options: { oversize: boolean },
): Promise<Dispatched> {
  const parsed = read.parsed;
  if (message.kind === PecMessageKind.RECEIPT) {
    if (!parsed) return { action: 'receipt-unmatched', problem: 'the receipt could not be read' };
    const outcome = await matchReceipt(
      tx,
      { id: message.id, mailboxId: mailbox.id, receivedAt: message.receivedAt },
      parsed,
    );
    return outcome?.delivery
      ? { action: 'receipt-matched', problem: null }
      : {
          action: 'receipt-unmatched',
          problem: outcome ? null : `unknown receipt kind ${parsed.receipt ?? '(none)'}`,
        };
  }
  if (isInteropMessage(read.interop)) {
    const sender = parsed?.original?.from ?? parsed?.daticert?.mittente ?? parsed?.from ?? null;
    const bare = sender?.match(/<([^<>]+)>\s*$/)?.[1] ?? sender;
    const applied = await applyInteropMessage(tx, message, mailbox, read.interop, bare);
    return applied.problem
      ? { action: 'queued', problem: applied.problem }
      : { action: 'interop-applied', problem: applied.note };
  }
  if (!mailbox.autoRegister || options.oversize) return { action: 'queued', problem: null };
  const refused = await autoRegister(tx, message.id, mailbox);
  if (refused) return { action: 'queued', problem: refused };
  return { action: 'registered', problem: null };
}
