import { defineModule } from '../../server/modules/module.js';
import { PecInboxResolver, PecMessageFieldsResolver } from './inbox/inbox.resolver.js';
import { PecMessage } from './inbox/pec-message.entity.js';
import { PEC_BLOB_REFERENCES } from './inbox/pec-blob-references.js';
import { PEC_INBOX_EVENTS } from './inbox/pec-events.js';
import { PecMailboxFieldsResolver, PecMailboxResolver } from './mailbox/mailbox.resolver.js';
import { PecMailboxGrant } from './mailbox/pec-mailbox-grant.entity.js';
import { PecMailbox } from './mailbox/pec-mailbox.entity.js';
import { PEC_ERROR_CODES } from './mailbox/pec.errors.js';
import { PEC_PERMISSIONS } from './mailbox/permissions.js';
import { Migration20261206000100_pec_mailbox } from './migrations/Migration20261206000100_pec_mailbox.js';
import { Migration20261206000130_pec_mailbox_registrar } from './migrations/Migration20261206000130_pec_mailbox_registrar.js';
import { PEC_INGEST, startPecIngest, stopPecIngest } from './ingest/index.js';
import { pecCommand } from './message/inspect.command.js';
import { PEC_SEND } from './send/index.js';
import { pecSimulatorCommand } from './simulator/simulator.command.js';

/**
 * PEC interoperability (issue 14, DOMAIN §8): certified-mail mailboxes of an AOO, the incoming
 * messages an operator registers or discards, outgoing records sent by PEC and their receipts.
 * Loaded with DMS_PLUGINS=pec; built only on the module contract and other modules' index.ts.
 * Each helper adds its own lines (mailboxes and inbox: pec-core; send: pec-send).
 */
export const plugin = defineModule({
  name: 'pec',
  entities: [PecMailbox, PecMailboxGrant, PecMessage, ...PEC_SEND.entities],
  migrations: [
    { name: 'Migration20261206000100_pec_mailbox', class: Migration20261206000100_pec_mailbox },
    ...PEC_SEND.migrations,
    ...PEC_INGEST.migrations,
    {
      name: 'Migration20261206000130_pec_mailbox_registrar',
      class: Migration20261206000130_pec_mailbox_registrar,
    },
  ],
  resolvers: [
    PecMailboxResolver,
    PecMailboxFieldsResolver,
    PecInboxResolver,
    PecMessageFieldsResolver,
    ...PEC_SEND.resolvers,
    ...PEC_INGEST.resolvers,
  ],
  routes: [...PEC_SEND.routes],
  jobs: [...PEC_SEND.jobs, ...PEC_INGEST.jobs],
  permissions: PEC_PERMISSIONS,
  errorCodes: [...PEC_ERROR_CODES, ...PEC_SEND.errorCodes, ...PEC_INGEST.errorCodes],
  events: [...PEC_INBOX_EVENTS, ...PEC_SEND.events, ...PEC_INGEST.events],
  eventHandlers: [...PEC_INGEST.eventHandlers],
  // The raw messages and their parts (postacert.eml, attachments), kept in the blob store until
  // registered (and after), are not orphans.
  blobReferences: PEC_BLOB_REFERENCES,
  commands: [pecCommand, pecSimulatorCommand],
  // The IMAP ingest of the active mailboxes (PEC_INGEST), one replica per mailbox.
  onBootstrap: startPecIngest,
  onShutdown: stopPecIngest,
});

export default plugin;

// What the other parts of the plugin (ingest, send) use.
export { PecMailbox, PecMailboxGrant, PecMessage };
export { PecMailboxKind, PecMessageKind, PecMessageState } from './mailbox/pec-enums.js';
export { PEC_MAILBOX_MANAGE, PEC_MAILBOX_USE } from './mailbox/permissions.js';
export { rightsOn, rightsOnOne, type MailboxRights } from './mailbox/mailbox-access.js';
export { decryptMailboxPassword } from './mailbox/mailbox-secret.js';
export {
  storeIncomingMessage,
  type ImapRef,
  type IncomingReaders,
  type StoredIncoming,
} from './inbox/store-incoming.service.js';
export { registerPecMessage, discardPecMessage } from './inbox/register-message.service.js';
export { interopReader, summariseInterop } from './inbox/interop-reader.js';
export { pecReaders } from './inbox/pec-readers.js';
export {
  PecMessageReceived,
  PecMessageRegistered,
  PecMessageDiscarded,
  type PecMessageEventData,
} from './inbox/pec-events.js';
