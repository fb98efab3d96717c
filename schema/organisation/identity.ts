import type { EntityManager } from '@mikro-orm/postgresql';
import type { PermissionRegistry } from '../../server/auth/permissions.js';
import type { IdentityProvider, Principal } from '../../server/auth/principal.js';
import { ModuleCompositionError } from '../../server/modules/compose.js';
import { loadGrants, type ProfileGrants } from './access.service.js';
import { loadActiveCaller, loadActiveCallers } from './caller-lookup.js';
import { GrantScope, Profile, PROFILE_SCOPES } from './profile.js';
import { User } from './user.entity.js';

/**
 * What each profile grants, from the permissions the modules registered (each names the
 * profiles that hold it): per-office permissions follow the profile's scope, AOO-wide ones
 * cover the AOO. Refuses a permission naming a profile that does not exist.
 */
export function profileGrants(permissions: PermissionRegistry): ReadonlyMap<Profile, ProfileGrants> {
  const known = new Set<string>(Object.values(Profile));
  const out = new Map<Profile, ProfileGrants>();
  for (const profile of Object.values(Profile)) {
    out.set(profile, { scope: PROFILE_SCOPES[profile], aooWide: [], perOffice: [] });
  }
  for (const p of permissions.all()) {
    for (const profile of p.profiles) {
      const grants = known.has(profile) ? out.get(profile as Profile) : undefined;
      if (!grants) {
        throw new ModuleCompositionError(
          `Permission ${p.name} names profile ${profile}, which module organisation does not define (${[...known].join(', ')})`,
        );
      }
      if (p.scope === 'AOO' || grants.scope === GrantScope.AOO) grants.aooWide.push(p.name);
      else grants.perOffice.push(p.name);
    }
  }
  return out;
}

function principal(user: User): Principal {
  return { id: user.id, username: user.username, subject: user.subject, platformAdmin: user.platformAdmin };
}

/** Users, memberships and profiles, as the platform's identity provider. */
export function organisationIdentity(permissions: PermissionRegistry): IdentityProvider {
  const grantsByProfile = profileGrants(permissions);
  return {
    authenticate: (em, where, today) => loadActiveCaller(em, where, today, grantsByProfile),
    authenticateMany: (em, userIds, today) => loadActiveCallers(em, userIds, today, grantsByProfile),
    async findActive(em: EntityManager, where): Promise<Principal | null> {
      const user = await em.findOne(User, where);
      return user?.active ? principal(user) : null;
    },
    grantsOf: (em, userId, today) => loadGrants(em, userId, today, grantsByProfile),
  };
}
