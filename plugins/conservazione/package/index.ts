import type { DmsModule } from '../../../server/modules/module.js';
import { Migration20261207000100_conservazione } from '../migrations/Migration20261207000100_conservazione.js';
import { Migration20261208000100_conservazione_counters } from '../migrations/Migration20261208000100_conservazione_counters.js';
import { CONSERVATION_BLOB_REFERENCES } from './blob-references.js';
import { ConservationItem } from './conservation-item.entity.js';
import { ConservationPackage } from './conservation-package.entity.js';
import { CONSERVATION_EVENTS } from './conservation.events.js';
import { CONSERVATION_ERROR_CODES } from './conservazione.errors.js';
import { CONSERVATION_PERMISSIONS } from './permissions.js';

/** The packages and their items, the rules of creating and resending them and of their outcomes. */
export const CONSERVATION_PACKAGE = {
  entities: [ConservationPackage, ConservationItem],
  migrations: [
    { name: 'Migration20261207000100_conservazione', class: Migration20261207000100_conservazione },
    {
      name: 'Migration20261208000100_conservazione_counters',
      class: Migration20261208000100_conservazione_counters,
    },
  ],
  permissions: CONSERVATION_PERMISSIONS,
  errorCodes: CONSERVATION_ERROR_CODES,
  events: CONSERVATION_EVENTS,
  blobReferences: CONSERVATION_BLOB_REFERENCES,
} satisfies Partial<DmsModule>;

export { ConservationPackage, ConservationItem };
export { ConservationReason } from './conservation-item.entity.js';
export { ConservationColour, PackageKind } from './conservation-enums.js';
export { ConservationItemChanged, ConservationPackageChanged } from './conservation.events.js';
export { CONSERVATION_MANAGE, CONSERVATION_READ } from './permissions.js';
export {
  createPackage,
  resendPackage,
  MAX_SERIES_DOCUMENTS,
  type CreatePackageInput,
} from './package.service.js';
export {
  markPackageBuilt,
  recordItemOutcome,
  recordItemOutcomes,
  recordItemsSending,
  recordTransferAttempt,
  type BuiltPackage,
  type ItemOutcome,
} from './outcome.service.js';
export { TRANSFER_JOB, type TransferJobData } from './transfer-job-name.js';
