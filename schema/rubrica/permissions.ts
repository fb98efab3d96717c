import { definePermission } from '../../server/auth/permissions.js';
import { Profile } from '../organisation/index.js';

/**
 * The directory serves the whole AOO (any office may write to any correspondent), so both rights
 * are AOO-wide: whoever registers or reads the register may look correspondents up.
 */
export const RUBRICA_READ = definePermission({
  name: 'RUBRICA_READ',
  description: 'Look up and search the correspondents directory (rubrica) of the AOO, with its history',
  scope: 'AOO',
  profiles: [Profile.RGD, Profile.PROTOCOLLISTA, Profile.RPA, Profile.TOTAL_VISIBILITY, Profile.READ_ONLY],
});

/** The protocol office keeps the directory (DOMAIN §5): it inserts and edits, never deletes. */
export const RUBRICA_MANAGE = definePermission({
  name: 'RUBRICA_MANAGE',
  description:
    'Insert, edit, deactivate and reactivate correspondents of the AOO and import the IPA index (entries are never deleted)',
  scope: 'AOO',
  profiles: [Profile.RGD, Profile.PROTOCOLLISTA],
});

export const RUBRICA_PERMISSIONS = [RUBRICA_READ, RUBRICA_MANAGE];
