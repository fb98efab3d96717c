import { definePermission } from '../../server/auth/permissions.js';
import { Profile } from '../organisation/index.js';

/**
 * Setting the AOO's seal is an act of the system administrator or of the RGD (the manager of
 * the protocol service answers for the segnatura); the key itself is never shown to anyone.
 */
export const SEGNATURA_SEAL_MANAGE = definePermission({
  name: 'SEGNATURA_SEAL_MANAGE',
  description:
    "Set or replace the AOO's segnatura seal (PKCS#12 keystore or development key); the key is never readable",
  scope: 'AOO',
  profiles: [Profile.SYSTEM_ADMIN, Profile.RGD],
});

export const SEGNATURA_PERMISSIONS = [SEGNATURA_SEAL_MANAGE];
