import { definePermission } from '../../server/auth/permissions.js';
import { Profile } from '../organisation/index.js';

/**
 * The daily registers hold every registration of the AOO with its correspondents: they are read
 * by the RGD, who answers for them (001 §6.8), by those who read the audit (the system
 * administrator), whose chain head they publish, and by the archivist, who sends them to
 * conservation.
 */
export const DAILY_REGISTER_READ = definePermission({
  name: 'DAILY_REGISTER_READ',
  description:
    "List and download the AOO's daily protocol registers (XML and its CAdES seal) and their conservation state",
  scope: 'AOO',
  profiles: [Profile.RGD, Profile.SYSTEM_ADMIN, Profile.ARCHIVISTA],
});

export const DAILY_REGISTER_PERMISSIONS = [DAILY_REGISTER_READ];
