import type { DmsModule } from '../../../server/modules/module.js';
import type { Platform } from '../../../server/platform.js';
import { Migration20261206000120_pec_ingest } from '../migrations/Migration20261206000120_pec_ingest.js';
import { Migration20261206000121_pec_aggiornamento } from '../migrations/Migration20261206000121_pec_aggiornamento.js';
import { PEC_AGGIORNAMENTO_ERROR_CODES } from './aggiornamento.errors.js';
import { PecAggiornamentoResolver } from './aggiornamento.resolver.js';
import { PecDeliveryInteropResolver, ProtocolRecordInteropResolver } from './interop-received.js';
import { PEC_INGEST_EVENTS } from './ingest.events.js';
import { PEC_INGEST_HANDLERS } from './ingest.handlers.js';
import { IngestSupervisor } from './ingest-supervisor.js';
import { reconcileJob } from './reconcile.js';

/** The supervisors of this process (one per platform; a test process may run several). */
const supervisors = new Set<IngestSupervisor>();

/**
 * Starts reading the mailboxes (PEC_INGEST; never in a CLI command). The plugin calls it from
 * its onBootstrap.
 */
export async function startPecIngest(platform: Platform): Promise<void> {
  const c = platform.config.pecIngest;
  if (!c.enabled) return;
  const supervisor = new IngestSupervisor(platform, {
    idle: c.idle,
    pollIntervalMs: c.pollIntervalMs,
    maxMessageBytes: c.maxMessageBytes,
    backoffMs: { first: Math.min(1000, c.pollIntervalMs), max: Math.max(60_000, c.pollIntervalMs) },
    trustAnchorsFile: c.trustAnchorsFile,
  });
  await supervisor.start();
  supervisors.add(supervisor);
}

/** Stops every mailbox session of the process: each finishes the message it holds, none is cut midway. */
export async function stopPecIngest(): Promise<void> {
  const all = [...supervisors];
  supervisors.clear();
  await Promise.all(all.map((s) => s.stop()));
}

/**
 * The ingest side of the plugin: the IMAP loop (started at bootstrap), the dispatch of each
 * message, the interoperability replies and their reconciliation job. plugins/pec/index.ts
 * spreads these into the plugin.
 */
export const PEC_INGEST = {
  migrations: [
    { name: 'Migration20261206000120_pec_ingest', class: Migration20261206000120_pec_ingest },
    { name: 'Migration20261206000121_pec_aggiornamento', class: Migration20261206000121_pec_aggiornamento },
  ],
  resolvers: [PecAggiornamentoResolver, PecDeliveryInteropResolver, ProtocolRecordInteropResolver],
  errorCodes: PEC_AGGIORNAMENTO_ERROR_CODES,
  jobs: [reconcileJob],
  events: PEC_INGEST_EVENTS,
  eventHandlers: PEC_INGEST_HANDLERS,
} satisfies Partial<DmsModule>;

export { ingestMessage, type IngestOutcome } from './ingest-message.js';
export { INGESTED_KEYWORD } from './mailbox-session.js';
export { reconcileInteropReplies, RECONCILE_JOB } from './reconcile.js';
export { sendRegistrationReplies, anomalyOf } from './registration-replies.js';
export { sendAnnulmentNotice } from './annulment-notice.js';
export { sendPecAggiornamento } from './aggiornamento.service.js';
