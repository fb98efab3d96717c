import { definePermission } from '../../server/auth/permissions.js';
import { Profile } from '../organisation/index.js';

/** Prepare, change and publish titolario versions of the AOO (reading is for every member). */
export const TITOLARIO_MANAGE = definePermission({
  name: 'TITOLARIO_MANAGE',
  description: 'Prepare, import and publish titolario versions (classification scheme) of the AOO',
  scope: 'AOO',
  profiles: [Profile.SYSTEM_ADMIN, Profile.RGD],
});

export const TITOLARIO_PERMISSIONS = [TITOLARIO_MANAGE];
