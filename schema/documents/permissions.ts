import { definePermission } from '../../server/auth/permissions.js';
import { Profile } from '../organisation/index.js';

export const PROTOCOL_READ = definePermission({
  name: 'PROTOCOL_READ',
  description: 'See the registrations and documents of the offices in scope',
  scope: 'UOR',
  profiles: [
    Profile.RGD,
    Profile.PROTOCOLLISTA,
    Profile.RPA,
    Profile.TOTAL_VISIBILITY,
    Profile.READ_ONLY,
    Profile.ARCHIVISTA,
  ],
});

export const PROTOCOL_READ_RESERVED = definePermission({
  name: 'PROTOCOL_READ_RESERVED',
  description: 'See riservato records one is involved in (001 §8.9)',
  scope: 'AOO',
  profiles: [Profile.RGD, Profile.RPA, Profile.TOTAL_VISIBILITY],
});

export const PROTOCOL_PARTICOLARE = definePermission({
  name: 'PROTOCOL_PARTICOLARE',
  description: 'Register and see protocollo particolare when named on it (001 §8.10)',
  scope: 'AOO',
  profiles: [Profile.RGD, Profile.TOTAL_VISIBILITY],
});

export const PROTOCOL_READ_PERSONAL_DATA = definePermission({
  name: 'PROTOCOL_READ_PERSONAL_DATA',
  description: 'See personal data of correspondents and signers (names, codici fiscali, contacts)',
  scope: 'AOO',
  profiles: [Profile.RGD, Profile.PROTOCOLLISTA, Profile.RPA, Profile.TOTAL_VISIBILITY],
});

export const DOCUMENT_CREATE = definePermission({
  name: 'DOCUMENT_CREATE',
  description: 'Upload files and create draft documents in the offices in scope',
  scope: 'UOR',
  profiles: [Profile.RGD, Profile.PROTOCOLLISTA, Profile.RPA],
});

export const DOCUMENT_PERMISSIONS = [
  PROTOCOL_READ,
  PROTOCOL_READ_RESERVED,
  PROTOCOL_PARTICOLARE,
  PROTOCOL_READ_PERSONAL_DATA,
  DOCUMENT_CREATE,
];
