import { definePermission } from '../../server/auth/permissions.js';
import { Profile } from '../organisation/index.js';

/** 001 §6.9: the RGD opens, closes and recovers the emergency register ("registro di emergenza"). */
export const EMERGENCY_REGISTER = definePermission({
  name: 'EMERGENCY_REGISTER',
  description:
    'Open and close the emergency register of the AOO and import the records captured in it (each then also needs PROTOCOL_REGISTER)',
  scope: 'AOO',
  profiles: [Profile.RGD],
});

export const EMERGENCY_PERMISSIONS = [EMERGENCY_REGISTER];
