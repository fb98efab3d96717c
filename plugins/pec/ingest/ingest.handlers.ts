import { withTransaction } from '../../../server/db/unit-of-work.js';
import type { EventHandlerDefinition } from '../../../server/modules/module.js';
import { ProtocolAnnulled } from '../../../schema/protocollo/index.js';
import { PecMessageRegistered, type PecMessageEventData } from '../inbox/pec-events.js';
import { sendAnnulmentNotice } from './annulment-notice.js';
import { sendRegistrationReplies } from './registration-replies.js';

/**
 * A safety net for the replies a registration owes (Conferma, Eccezione, receipt of
 * registration): registerPecMessage enqueues them in its own transaction, but under a savepoint,
 * so one that could not be built then is tried again right after the commit. In memory, so lost
 * in a crash: the reconciliation job (reconcile.ts) is the durable path; the claims make every
 * path send once.
 */
const registeredHandler: EventHandlerDefinition<PecMessageEventData> = {
  event: PecMessageRegistered,
  handle: async (ctx, event) => {
    await withTransaction(ctx, (tx) => sendRegistrationReplies(tx, event.data.messageId));
  },
};

/** The fast path of the Annullamento to the sender of a registration annulled (Allegato 6 §3.1.2). */
const annulledHandler: EventHandlerDefinition<ProtocolAnnulled['data']> = {
  event: ProtocolAnnulled,
  handle: async (ctx, event) => {
    await withTransaction(ctx, (tx) => sendAnnulmentNotice(tx, event.data.recordId));
  },
};

export const PEC_INGEST_HANDLERS = [registeredHandler, annulledHandler] as EventHandlerDefinition[];
