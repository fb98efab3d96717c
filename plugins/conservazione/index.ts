import { defineModule } from '../../server/modules/module.js';
import { CONSERVATION_API } from './api/index.js';
import { CONSERVATION_PACKAGE } from './package/index.js';

/**
 * Conservation (issue 15, DOMAIN §9): pacchetti di versamento to an accredited conservator —
 * the daily register every day, closed fascicoli, series the archivist chooses — with their
 * outcomes tracked green, orange or red. Loaded with DMS_PLUGINS=conservazione; built only on
 * the module contract and other modules' index.ts. Each part spreads its own constant here.
 */
export const plugin = defineModule({
  name: 'conservazione',
  entities: [...CONSERVATION_PACKAGE.entities],
  migrations: [...CONSERVATION_PACKAGE.migrations],
  permissions: CONSERVATION_PACKAGE.permissions,
  errorCodes: [...CONSERVATION_PACKAGE.errorCodes],
  events: [...CONSERVATION_PACKAGE.events],
  blobReferences: CONSERVATION_PACKAGE.blobReferences,
  resolvers: [...CONSERVATION_API.resolvers],
  routes: [...CONSERVATION_API.routes],
});

export default plugin;
