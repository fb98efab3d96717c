import { definePermission } from '../../../server/auth/permissions.js';
import { Profile } from '../../../schema/organisation/index.js';

/** The packages, their outcomes and what is due: the archivist's desk and those who answer for the register. */
export const CONSERVATION_READ = definePermission({
  name: 'CONSERVATION_READ',
  description:
    "See the AOO's conservation packages, their outcomes (green, orange, red), the rapporti di versamento and what is due",
  scope: 'AOO',
  profiles: [Profile.ARCHIVISTA, Profile.RGD, Profile.SYSTEM_ADMIN],
});

/** Building and sending packages is the archivist's act (and the RGD's, who answers for the archive: 001 §9.4). */
export const CONSERVATION_MANAGE = definePermission({
  name: 'CONSERVATION_MANAGE',
  description:
    'Build and send conservation packages (daily registers, closed fascicoli, series of documents) and resend a rejected one',
  scope: 'AOO',
  profiles: [Profile.ARCHIVISTA, Profile.RGD],
});

export const CONSERVATION_PERMISSIONS = [CONSERVATION_READ, CONSERVATION_MANAGE];
