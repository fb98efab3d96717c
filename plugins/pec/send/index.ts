import type { DmsModule } from '../../../server/modules/module.js';
import { Migration20261206000110_pec_send } from '../migrations/Migration20261206000110_pec_send.js';
import { PecDelivery } from './delivery.entity.js';
import { PecReceipt } from './receipt.entity.js';
import { pecReceiptRoutes } from './receipt.routes.js';
import { PEC_SEND_ERROR_CODES } from './send.errors.js';
import { PecDeliveryChanged } from './send.events.js';
import { sendJob } from './send.job.js';
import {
  PecDeliveryFieldsResolver,
  PecReceiptFieldsResolver,
  PecSendResolver,
  ProtocolRecordPecResolver,
} from './send.resolver.js';

/**
 * Outgoing PEC (pec-send): records sent by PEC to each recipient with their documents and
 * Segnatura.xml, interoperability messages and receipts of registration, each a delivery sent
 * by a retried job; the providers' receipts matched to them. plugins/pec/index.ts spreads these
 * into the plugin.
 */
export const PEC_SEND = {
  entities: [PecDelivery, PecReceipt],
  migrations: [{ name: 'Migration20261206000110_pec_send', class: Migration20261206000110_pec_send }],
  resolvers: [
    PecSendResolver,
    ProtocolRecordPecResolver,
    PecDeliveryFieldsResolver,
    PecReceiptFieldsResolver,
  ],
  routes: [pecReceiptRoutes],
  jobs: [sendJob],
  errorCodes: PEC_SEND_ERROR_CODES,
  events: [PecDeliveryChanged],
} satisfies Partial<DmsModule>;

// For the ingest loop (phase 2) and the interoperability side.
export {
  matchReceipt,
  type MatchOutcome,
  type ParsedReceipt,
  type StoredReceiptMessage,
} from './receipt-matcher.js';
export { enqueuePecMessage, enqueueRegistrationReceipt, type PecMessageToSend } from './enqueue-message.js';
export { PecDelivery } from './delivery.entity.js';
export { PecReceipt } from './receipt.entity.js';
export { PecDeliveryState } from './delivery-state.js';
export { PecDeliveryChanged } from './send.events.js';
export { runSend, SEND_RETRY_DELAY_SECONDS, SEND_RETRY_LIMIT } from './send.job.js';
export { SEND_JOB } from './send-job-name.js';
