import { defineModule } from '../../server/modules/module.js';
import { annualFascicoliJob } from './annual-fascicoli.job.js';
import { seedDemoFascicoli } from './demo/demo-fascicoli.js';
import { FASCICOLO_EVENTS } from './fascicolo-events.js';
import {
  AggregationMetadataFieldsResolver,
  DocumentFascicoliResolver,
  DocumentFilingFieldsResolver,
  FascicoloFieldsResolver,
  FascicoloHistoryFieldsResolver,
} from './fascicolo-fields.resolver.js';
import { Fascicolo } from './fascicolo.entity.js';
import { FascicoloResolver } from './fascicolo.resolver.js';
import { FASCICOLO_ERROR_CODES } from './fascicoli.errors.js';
import { Migration20261205000021_fascicoli } from './migrations/Migration20261205000021_fascicoli.js';
import { FASCICOLO_PERMISSIONS } from './permissions.js';

/**
 * Fascicoli (DOMAIN §3): opened on a leaf of the titolario in force, numbered per AOO, node and
 * year, with sottofascicoli and inserti, documents filed as history, closing, reopening by the
 * RGD, transfers, repetitive annual fascicoli, the repertorio and the AgID metadata; the
 * queries departmental apps page through.
 */
export const fascicoliModule = defineModule({
  name: 'fascicoli',
  entities: [Fascicolo],
  migrations: [{ name: 'Migration20261205000021_fascicoli', class: Migration20261205000021_fascicoli }],
  resolvers: [
    FascicoloResolver,
    FascicoloFieldsResolver,
    AggregationMetadataFieldsResolver,
    FascicoloHistoryFieldsResolver,
    DocumentFilingFieldsResolver,
    DocumentFascicoliResolver,
  ],
  jobs: [annualFascicoliJob],
  permissions: FASCICOLO_PERMISSIONS,
  errorCodes: FASCICOLO_ERROR_CODES,
  events: FASCICOLO_EVENTS,
  seedDemo: seedDemoFascicoli,
});

// What other modules may use.
export { Fascicolo };
export { FascicoloKind, FascicoloState, FascicoloConfidentiality } from './fascicolo-enums.js';
export {
  DocumentFiled,
  DocumentUnfiled,
  FascicoloClosed,
  FascicoloOpened,
  FascicoloReopened,
  FascicoloTransferred,
} from './fascicolo-events.js';
export { FASCICOLO_MANAGE, FASCICOLO_READ, FASCICOLO_REOPEN } from './permissions.js';
export { fascicoloVisibilitySql, visibleFascicoloIds } from './fascicolo-visibility.js';
export { openAnnualFascicoli } from './annual-fascicoli.job.js';
