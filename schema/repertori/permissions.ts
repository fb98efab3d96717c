import { definePermission } from '../../server/auth/permissions.js';
import { Profile } from '../organisation/index.js';

export const REPERTORIO_MANAGE = definePermission({
  name: 'REPERTORIO_MANAGE',
  description: 'Create repertori of the AOO, rename and deactivate them',
  scope: 'AOO',
  profiles: [Profile.SYSTEM_ADMIN, Profile.RGD],
});

export const REPERTORIO_REGISTER = definePermission({
  name: 'REPERTORIO_REGISTER',
  description: 'Register documents of the offices in scope in a repertorio of the AOO',
  scope: 'UOR',
  profiles: [Profile.RGD, Profile.PROTOCOLLISTA, Profile.RPA],
});

export const REPERTORIO_ANNUL = definePermission({
  name: 'REPERTORIO_ANNUL',
  description: 'Annul repertorio entries (with a reason; the entry stays listed as annullato)',
  scope: 'AOO',
  profiles: [Profile.RGD],
});

export const REPERTORIO_PERMISSIONS = [REPERTORIO_MANAGE, REPERTORIO_REGISTER, REPERTORIO_ANNUL];
