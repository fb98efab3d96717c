import type { EntityManager } from '@mikro-orm/postgresql';
import type { Grants } from './grants.js';

/** Who is calling, as the platform knows them: enough to authorize and to audit. */
export interface Principal {
  id: string;
  username: string;
  /** The identity provider's subject (`sub` of the user's tokens). */
  subject: string;
  /** Creates administrations and AOOs: the one right outside AOOs. */
  platformAdmin: boolean;
}

/** An active user with their effective grants of one day: what a request runs as. */
export interface AuthenticatedCaller {
  user: Principal;
  grants: Grants;
}

export type PrincipalLookup = { subject: string } | { id: string } | { username: string };

/**
 * Who users are and what they may do, supplied by the module that owns people and offices
 * (organisation): the platform authenticates tokens and builds request contexts with it,
 * without knowing how users, memberships or profiles are stored.
 */
export interface IdentityProvider {
  /**
   * The active user found so, with their effective grants on the given Italian calendar day
   * (YYYY-MM-DD); null for an unknown or deactivated user. Every request (and WebSocket event)
   * pays it before any data: one SQL statement.
   */
  authenticate(em: EntityManager, where: PrincipalLookup, today: string): Promise<AuthenticatedCaller | null>;
  /**
   * authenticate for many users by id at once (one statement), for reloading the rights of many
   * subscribers an event reaches together: by id, the active ones with their grants (an unknown
   * or deactivated user is absent). Optional: without it they are reloaded one by one.
   */
  authenticateMany?(
    em: EntityManager,
    userIds: readonly string[],
    today: string,
  ): Promise<Map<string, AuthenticatedCaller>>;
  /** The active user found so, or null for an unknown or deactivated one. */
  findActive(em: EntityManager, where: PrincipalLookup): Promise<Principal | null>;
  /** The user's effective grants on the given Italian calendar day (YYYY-MM-DD). */
  grantsOf(em: EntityManager, userId: string, today: string): Promise<Grants>;
}
