import { defineModule } from '../../server/modules/module.js';
import { seedDemoRepertori } from './demo/demo-repertori.js';
import { Migration20261205000031_repertori } from './migrations/Migration20261205000031_repertori.js';
import { REPERTORIO_PERMISSIONS } from './permissions.js';
import { REPERTORIO_EVENTS } from './repertori-events.js';
import {
  DocumentRepertorioEntriesResolver,
  RepertorioEntryFieldsResolver,
  RepertorioFieldsResolver,
} from './repertori-fields.resolver.js';
import { REPERTORIO_ERROR_CODES } from './repertori.errors.js';
import { RepertorioEntry } from './repertorio-entry.entity.js';
import { Repertorio } from './repertorio.entity.js';
import { RepertorioResolver } from './repertorio.resolver.js';

/**
 * Repertori (DOMAIN §4): series of documents of one form per AOO (delibere, decreti, contratti,
 * protocollo particolare…), each entry numbered per repertorio and year by the numbering module,
 * annulled but never changed or deleted. An entry is seen by whoever sees its document.
 */
export const repertoriModule = defineModule({
  name: 'repertori',
  entities: [Repertorio, RepertorioEntry],
  migrations: [{ name: 'Migration20261205000031_repertori', class: Migration20261205000031_repertori }],
  resolvers: [
    RepertorioResolver,
    RepertorioFieldsResolver,
    RepertorioEntryFieldsResolver,
    DocumentRepertorioEntriesResolver,
  ],
  permissions: REPERTORIO_PERMISSIONS,
  errorCodes: REPERTORIO_ERROR_CODES,
  events: REPERTORIO_EVENTS,
  seedDemo: seedDemoRepertori,
});

// What other modules may use.
export { Repertorio, RepertorioEntry };
export { RepertorioEntryState } from './repertorio-entry.entity.js';
export { RepertorioEntryAnnulled, RepertorioEntryRegistered } from './repertori-events.js';
export { REPERTORIO_ANNUL, REPERTORIO_MANAGE, REPERTORIO_REGISTER } from './permissions.js';
export { DEMO_REPERTORI } from './demo/demo-repertori.js';
// The protocol register numbers a protocollo particolare in its repertorio in its own transaction.
export { registerEntry, type RegisterEntryOptions } from './repertorio-entry.service.js';
// The daily register creates its REGISTRO_GIORNALIERO repertorio on demand.
export { createRepertorio } from './repertorio.service.js';
