import { definePermission } from '../../server/auth/permissions.js';
import { Profile } from './profile.js';

const EVERY_PROFILE = Object.values(Profile);

/** Administer the AOO's structure and people (001 §2.5: the system administrator). */
export const ORG_ADMIN = definePermission({
  name: 'ORG_ADMIN',
  description: 'Administer the AOO: UORs, users and memberships',
  scope: 'AOO',
  profiles: [Profile.SYSTEM_ADMIN],
});

export const ORG_READ = definePermission({
  name: 'ORG_READ',
  description: 'Read the structure of the AOO: UORs, users, memberships',
  scope: 'AOO',
  profiles: EVERY_PROFILE,
});

export const ORGANISATION_PERMISSIONS = [ORG_ADMIN, ORG_READ];
