import { definePermission } from '../../server/auth/permissions.js';
import { Profile } from '../organisation/index.js';

/** Seeing a raccoglitore follows its owner UOR, like the documents of that office. */
export const RACCOGLITORE_READ = definePermission({
  name: 'RACCOGLITORE_READ',
  description:
    'See the raccoglitori of the offices in scope (their documents still follow document visibility)',
  scope: 'UOR',
  profiles: [Profile.RGD, Profile.PROTOCOLLISTA, Profile.RPA, Profile.TOTAL_VISIBILITY, Profile.READ_ONLY],
});

/** Those who file (001 §2.5: the RPA fascicolates; the RGD has every right of the AOO). */
export const RACCOGLITORE_MANAGE = definePermission({
  name: 'RACCOGLITORE_MANAGE',
  description:
    'Create, rename, describe and close the raccoglitori of the offices in scope, and add or remove their documents',
  scope: 'UOR',
  profiles: [Profile.RGD, Profile.RPA],
});

export const RACCOGLITORE_PERMISSIONS = [RACCOGLITORE_READ, RACCOGLITORE_MANAGE];
