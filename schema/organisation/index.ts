import { defineModule } from '../../server/modules/module.js';
import { Migration20261123000001_organisation } from './migrations/Migration20261123000001_organisation.js';
import { Migration20261123000002_audit_platform_admin } from './migrations/Migration20261123000002_audit_platform_admin.js';
import { Migration20261207000001_archivista_profile } from './migrations/Migration20261207000001_archivista_profile.js';
import { Administration } from './administration.entity.js';
import { Aoo } from './aoo.entity.js';
import { createAdminCommand } from './create-admin.command.js';
import { seedDemoOrganisation } from './demo-organisation.js';
import { organisationIdentity } from './identity.js';
import { MeResolver } from './me.resolver.js';
import { Membership } from './membership.entity.js';
import {
  AdministrationFieldsResolver,
  AooFieldsResolver,
  MembershipFieldsResolver,
  UorFieldsResolver,
  UserFieldsResolver,
} from './org-fields.resolver.js';
import { ORGANISATION_ERROR_CODES } from './organisation.errors.js';
import { OrganisationResolver } from './organisation.resolver.js';
import { ORGANISATION_PERMISSIONS } from './permissions.js';
import { Uor } from './uor.entity.js';
import { UserAdminResolver } from './user-admin.resolver.js';
import { User } from './user.entity.js';

/**
 * Administrations, AOOs, the UOR tree, users and their memberships with profiles: who people
 * are and what they may do. It is the platform's identity provider.
 */
export const organisationModule = defineModule({
  name: 'organisation',
  entities: [Administration, Aoo, Uor, User, Membership],
  // 000002 also creates the platform's audit_event table (released together; names never change).
  migrations: [
    { name: 'Migration20261123000001_organisation', class: Migration20261123000001_organisation },
    {
      name: 'Migration20261123000002_audit_platform_admin',
      class: Migration20261123000002_audit_platform_admin,
    },
    {
      name: 'Migration20261207000001_archivista_profile',
      class: Migration20261207000001_archivista_profile,
    },
  ],
  resolvers: [
    MeResolver,
    OrganisationResolver,
    UserAdminResolver,
    AdministrationFieldsResolver,
    AooFieldsResolver,
    UorFieldsResolver,
    UserFieldsResolver,
    MembershipFieldsResolver,
  ],
  permissions: ORGANISATION_PERMISSIONS,
  errorCodes: ORGANISATION_ERROR_CODES,
  identity: organisationIdentity,
  commands: [createAdminCommand],
  seedDemo: seedDemoOrganisation,
});

// What other modules may use.
export { Administration, Aoo, Membership, Uor, User };
export { ORG_ADMIN, ORG_READ } from './permissions.js';
export { Profile, GrantScope, PROFILE_SCOPES } from './profile.js';
export { profileGrants } from './identity.js';
export { DEMO_AOO_CODE, DEMO_IPA_CODE, DEMO_UORS, DEMO_USERS } from './demo-organisation.js';
export { visibleAoo, visibleUor } from './org-lookup.js';
export { orgLoaders } from './org-loaders.js';
export { callerRef } from './caller.js';
