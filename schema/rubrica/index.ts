import { defineModule } from '../../server/modules/module.js';
import { RUBRICA_EVENTS } from './correspondent.events.js';
import {
  CorrespondentFieldsResolver,
  CorrespondentVersionFieldsResolver,
} from './correspondent-fields.resolver.js';
import { CorrespondentResolver } from './correspondent.resolver.js';
import { seedDemoRubrica } from './demo-rubrica.js';
import { Migration20261205000051_rubrica } from './migrations/Migration20261205000051_rubrica.js';
import { RUBRICA_PERMISSIONS } from './permissions.js';
import { RUBRICA_ERROR_CODES } from './rubrica.errors.js';

/**
 * The correspondents directory (rubrica, DOMAIN §5) of each AOO: persons, legal persons, Italian
 * administrations with their IPA codes and foreign bodies, with postal, e-mail and PEC addresses.
 * Entries are inserted and edited by the protocol office, never deleted; every change is a
 * version kept by the database. The protocol module copies an entry's snapshot into a
 * registration, which later edits never reach.
 */
export const rubricaModule = defineModule({
  name: 'rubrica',
  entities: [],
  migrations: [{ name: 'Migration20261205000051_rubrica', class: Migration20261205000051_rubrica }],
  resolvers: [CorrespondentResolver, CorrespondentFieldsResolver, CorrespondentVersionFieldsResolver],
  permissions: RUBRICA_PERMISSIONS,
  errorCodes: RUBRICA_ERROR_CODES,
  events: RUBRICA_EVENTS,
  seedDemo: seedDemoRubrica,
});

// What other modules may use.
export {
  Correspondent,
  CorrespondentKind,
  CorrespondentVersion,
  CorrespondentChange,
} from './correspondent.types.js';
export { correspondentSnapshot, type CorrespondentSnapshot } from './snapshot.js';
export { CorrespondentCreated, CorrespondentUpdated } from './correspondent.events.js';
export { RUBRICA_MANAGE, RUBRICA_READ } from './permissions.js';
export { DEMO_CORRESPONDENTS } from './demo-rubrica.js';
export { codiceFiscaleProblem, partitaIvaProblem } from './tax-codes.js';
