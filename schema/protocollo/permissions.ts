import { definePermission } from '../../server/auth/permissions.js';
import { Profile } from '../organisation/index.js';

export const PROTOCOL_REGISTER = definePermission({
  name: 'PROTOCOL_REGISTER',
  description: 'Register documents of the offices in scope in the protocol register of the AOO',
  scope: 'UOR',
  profiles: [Profile.RGD, Profile.PROTOCOLLISTA],
});

export const PROTOCOL_MANAGE = definePermission({
  name: 'PROTOCOL_MANAGE',
  description:
    'Change the managed fields of registrations of the offices in scope (UOR, RPA, classification, optional fields) and annotate them',
  scope: 'UOR',
  profiles: [Profile.RGD, Profile.PROTOCOLLISTA, Profile.RPA],
});

export const PROTOCOL_ANNUL = definePermission({
  name: 'PROTOCOL_ANNUL',
  description: 'Annul protocol registrations (reason and authorising act; the record stays, ANNULLATO)',
  scope: 'AOO',
  profiles: [Profile.RGD],
});

export const PROTOCOL_PERMISSIONS = [PROTOCOL_REGISTER, PROTOCOL_MANAGE, PROTOCOL_ANNUL];
