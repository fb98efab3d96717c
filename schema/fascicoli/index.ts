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
import { Migration20261205000022_document_classification } from './migrations/Migration20261205000022_document_classification.js';
import {
  DocumentClassificationHistoryResolver,
  DocumentClassificationResolver,
  DocumentClassificationVersionFieldsResolver,
} from './document-classification.resolver.js';
import { fascicoloLoaders } from './fascicolo-loaders.js';
import { FASCICOLO_PERMISSIONS } from './permissions.js';

/**
 * Fascicoli (DOMAIN §3): opened on a leaf of the titolario in force, numbered per AOO, node and
 * year, with sottofascicoli and inserti, documents filed as history, closing, reopening by the
 * RGD, transfers, repetitive annual fascicoli, the repertorio and the AgID metadata; the
 * queries departmental apps page through; the classification of documents non protocollato
 * (a registered document's is a managed field of its protocol record).
 */
export const fascicoliModule = defineModule({
  name: 'fascicoli',
  entities: [Fascicolo],
  migrations: [
    { name: 'Migration20261205000021_fascicoli', class: Migration20261205000021_fascicoli },
    {
      name: 'Migration20261205000022_document_classification',
      class: Migration20261205000022_document_classification,
    },
  ],
  resolvers: [
    FascicoloResolver,
    FascicoloFieldsResolver,
    AggregationMetadataFieldsResolver,
    FascicoloHistoryFieldsResolver,
    DocumentFilingFieldsResolver,
    DocumentFascicoliResolver,
    DocumentClassificationResolver,
    DocumentClassificationHistoryResolver,
    DocumentClassificationVersionFieldsResolver,
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
export {
  fascicoloForFiling,
  fileDocument,
  primaryFilingOf,
  primaryFilingSql,
  unfileDocument,
} from './filing.service.js';
export { classificationAgrees, classificationMismatch } from './classification-agreement.js';
export {
  currentDocumentClassification,
  documentClassificationOf,
  documentClassificationSql,
} from './document-classification.service.js';
/** A fascicolo by id for a nested field, null when missing or not visible to the caller (per request). */
export const fascicoloLoader = fascicoloLoaders.fascicolo;
