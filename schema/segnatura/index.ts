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
export { buildSegnatura, sealSegnaturaXml } from './segnatura.js';
export { generateDevelopmentSeal, readPkcs12, toPkcs12, certificateInfo } from './seal-keystore.js';
