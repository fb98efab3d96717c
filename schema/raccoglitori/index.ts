import { defineModule } from '../../server/modules/module.js';
import { seedDemoRaccoglitori } from './demo-raccoglitori.js';
import { Migration20261205000041_raccoglitori } from './migrations/Migration20261205000041_raccoglitori.js';
import { RACCOGLITORE_PERMISSIONS } from './permissions.js';
import { RACCOGLITORE_ERROR_CODES } from './raccoglitori.errors.js';
import { RACCOGLITORE_EVENTS } from './raccoglitore.events.js';
import { Raccoglitore } from './raccoglitore.entity.js';
import {
  DocumentRaccoglitoriResolver,
  RaccoglitoreFieldsResolver,
  RaccoglitoreHistoryFieldsResolver,
} from './raccoglitore-fields.resolver.js';
import { RaccoglitoreResolver } from './raccoglitore.resolver.js';

/**
 * Raccoglitori (001 §4.8): named containers grouping documents of different fascicoli on a
 * topic, with no classification and no number; owned by a UOR, closable, their membership kept
 * as append-only history.
 */
export const raccoglitoriModule = defineModule({
  name: 'raccoglitori',
  entities: [Raccoglitore],
  migrations: [{ name: 'Migration20261205000041_raccoglitori', class: Migration20261205000041_raccoglitori }],
  resolvers: [
    RaccoglitoreResolver,
    RaccoglitoreFieldsResolver,
    RaccoglitoreHistoryFieldsResolver,
    DocumentRaccoglitoriResolver,
  ],
  permissions: RACCOGLITORE_PERMISSIONS,
  errorCodes: RACCOGLITORE_ERROR_CODES,
  events: RACCOGLITORE_EVENTS,
  seedDemo: seedDemoRaccoglitori,
});

// What other modules may use.
export { Raccoglitore, RaccoglitoreState } from './raccoglitore.entity.js';
export { RaccoglitoreDocumentAdded, RaccoglitoreDocumentRemoved } from './raccoglitore.events.js';
export { RACCOGLITORE_MANAGE, RACCOGLITORE_READ } from './permissions.js';
export { DEMO_RACCOGLITORI } from './demo-raccoglitori.js';
