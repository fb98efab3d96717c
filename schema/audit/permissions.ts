import { definePermission } from '../../server/auth/permissions.js';
import { Profile } from '../organisation/index.js';

/** Auditors: the chain's verification and the chronology of records (DOMAIN §7). */
export const AUDIT_READ = definePermission({
  name: 'AUDIT_READ',
  description: "Read the AOO's audit trail: verify its hash chain, export it, read the chronology of records",
  scope: 'AOO',
  profiles: [Profile.SYSTEM_ADMIN, Profile.RGD],
});

export const AUDIT_PERMISSIONS = [AUDIT_READ];
