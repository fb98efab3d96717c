import { defineModule } from '../../server/modules/module.js';
import { seedDemoSeal } from './demo-seal.js';
import { Migration20261205000056_segnatura_seal } from './migrations/Migration20261205000056_segnatura_seal.js';
import { SEGNATURA_PERMISSIONS } from './permissions.js';
import { developmentSealCommand } from './seal.command.js';
import { SegnaturaSealResolver } from './seal.resolver.js';
import { SEGNATURA_ERROR_CODES } from './segnatura.errors.js';

/**
 * The segnatura informatica (AgID 2021, Allegato 6): the SegnaturaInformatica XML of a
 * registration and its XAdES baseline B seal with the AOO's key, configured per AOO.
 * The protocol module fills a SegnaturaInput, calls buildSegnatura and, in its registration
 * transaction, sealSegnatura.
 */
export const segnaturaModule = defineModule({
  name: 'segnatura',
  migrations: [
    { name: 'Migration20261205000056_segnatura_seal', class: Migration20261205000056_segnatura_seal },
  ],
  resolvers: [SegnaturaSealResolver],
  permissions: SEGNATURA_PERMISSIONS,
  errorCodes: SEGNATURA_ERROR_CODES,
  commands: [developmentSealCommand],
  seedDemo: seedDemoSeal,
});

// What other modules may use.
export type {
  SegnaturaClassification,
  SegnaturaContacts,
  SegnaturaCorrespondent,
  SegnaturaDocument,
  SegnaturaFascicolo,
  SegnaturaIdentifier,
  SegnaturaInput,
  SegnaturaIpaOffice,
  SegnaturaPerson,
  SegnaturaPostalAddress,
  SegnaturaRecipient,
  SegnaturaReference,
  SegnaturaRegistrationKind,
} from './segnatura-input.js';
export { buildSegnatura, sealSegnaturaInput, sealSegnaturaXml } from './segnatura.js';
export { generateDevelopmentSeal, readPkcs12, toPkcs12, certificateInfo } from './seal-keystore.js';
export {
  acceptPreparedSeal,
  preparedSealSql,
  sealSegnatura,
  sealSegnaturaOf,
  readSeal,
  type SealedAoo,
  type SealView,
} from './seal.service.js';
// The daily register seals its XML with the AOO's seal (a detached CAdES).
export { aooSealKey } from './seal.service.js';
export type { SealKey } from './xades-seal.js';
// The PEC plugin seals the Allegato 6 interoperability messages (Conferma, Eccezione, …) with the
// same XAdES-B seal as the segnatura, around their canonical form.
export { sealCanonical, canonicalElement } from './xades-seal.js';
export { SEGNATURA_SEAL_MANAGE } from './permissions.js';
