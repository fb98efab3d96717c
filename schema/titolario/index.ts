import { defineModule } from '../../server/modules/module.js';
import { seedDemoTitolario } from './demo/demo-titolario.js';
import { Migration20261205000011_titolario } from './migrations/Migration20261205000011_titolario.js';
import { Migration20261205000012_titolario_search } from './migrations/Migration20261205000012_titolario_search.js';
import { TITOLARIO_PERMISSIONS } from './permissions.js';
import {
  TitolarioIndexTermFieldsResolver,
  TitolarioNodeFieldsResolver,
  TitolarioVersionFieldsResolver,
} from './titolario-fields.resolver.js';
import { TitolarioResolver } from './titolario.resolver.js';
import { TITOLARIO_EVENTS } from './titolario-events.js';
import { TitolarioIndexTerm } from './titolario-index-term.entity.js';
import { TitolarioNode } from './titolario-node.entity.js';
import { TitolarioVersion } from './titolario-version.entity.js';
import { TITOLARIO_ERROR_CODES } from './titolario.errors.js';

/**
 * The titolario (classification scheme) of each AOO, versioned: the tree of titoli, classi and
 * sottoclassi with their index terms; which version is in force on a day; classification
 * checks for the modules that classify (fascicoli, documents).
 */
export const titolarioModule = defineModule({
  name: 'titolario',
  entities: [TitolarioVersion, TitolarioNode, TitolarioIndexTerm],
  migrations: [
    { name: 'Migration20261205000011_titolario', class: Migration20261205000011_titolario },
    { name: 'Migration20261205000012_titolario_search', class: Migration20261205000012_titolario_search },
  ],
  resolvers: [
    TitolarioResolver,
    TitolarioVersionFieldsResolver,
    TitolarioNodeFieldsResolver,
    TitolarioIndexTermFieldsResolver,
  ],
  permissions: TITOLARIO_PERMISSIONS,
  errorCodes: TITOLARIO_ERROR_CODES,
  events: TITOLARIO_EVENTS,
  seedDemo: seedDemoTitolario,
});

// What other modules may use.
export { TitolarioIndexTerm, TitolarioNode, TitolarioVersion };
export { TitolarioVersionState } from './titolario-enums.js';
export { resolveClassification, titolarioSubtreeSql, type ResolvedClassification } from './classification.js';
export { titolarioNodeLoader } from './titolario-loaders.js';
export { versionInForce } from './titolario-lookup.js';
export { TITOLARIO_MANAGE } from './permissions.js';
export { TitolarioVersionPublished } from './titolario-events.js';
export { DEMO_INDEX_TERMS, DEMO_REVISION, DEMO_TITOLARIO } from './demo/demo-titolario.js';
export { ITALIAN_TEXT_SEARCH } from './titolario-suggestions.js';
// File readers with line numbers, for other imports (emergency register).
export { CsvSyntaxError, parseCsv, type CsvRecord } from './csv.js';
export { JsonSyntaxError, parseLocatedJson } from './located-json.js';
