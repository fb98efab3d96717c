import { definePermission } from '../../server/auth/permissions.js';
import { Profile } from '../organisation/index.js';

export const FASCICOLO_READ = definePermission({
  name: 'FASCICOLO_READ',
  description: 'See the fascicoli of the offices in scope, their sottofascicoli and what is filed in them',
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

export const FASCICOLO_MANAGE = definePermission({
  name: 'FASCICOLO_MANAGE',
  description: 'Open, close and transfer the fascicoli of the offices in scope, and file documents into them',
  scope: 'UOR',
  profiles: [Profile.RGD, Profile.PROTOCOLLISTA, Profile.RPA],
});

export const FASCICOLO_REOPEN = definePermission({
  name: 'FASCICOLO_REOPEN',
  description: 'Reopen a closed fascicolo, with a reason (DOMAIN §3: the RGD only)',
  scope: 'AOO',
  profiles: [Profile.RGD],
});

export const FASCICOLO_PERMISSIONS = [FASCICOLO_READ, FASCICOLO_MANAGE, FASCICOLO_REOPEN];
