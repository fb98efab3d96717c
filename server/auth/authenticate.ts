import { romeDay } from '../clock.js';
import type { Platform } from '../platform.js';
import { Grants } from './grants.js';
import type { Principal, PrincipalLookup } from './principal.js';
import { AuthenticationError } from './token-service.js';

export interface Caller {
  user: Principal | null;
  grants: Grants;
  expiresAt: Date | null;
}

export const ANONYMOUS: Caller = { user: null, grants: Grants.NONE, expiresAt: null };

/** Extracts the token of an `Authorization: Bearer …` value; undefined when absent. */
export function bearerToken(header: string | undefined | null): string | undefined {
  if (header === undefined || header === null || header === '') return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m?.[1]) throw new AuthenticationError('invalid', 'The Authorization header must be "Bearer <token>"');
  return m[1];
}

/**
 * Maps a token to an active user and computes their grants. Unknown subjects and deactivated
 * users are refused exactly like invalid tokens.
 */
export async function authenticate(platform: Platform, token: string | undefined): Promise<Caller> {
  if (token === undefined) return ANONYMOUS;
  const verified = await platform.tokens.verify(token);
  const caller = await activeCaller(platform, { subject: verified.subject }, verified.expiresAt);
  if (!caller) throw new AuthenticationError('unknown_user', 'The token does not belong to an active user');
  return caller;
}

/**
 * The active user found by token subject or id, with today's grants (from the identity
 * provider, in one statement); null for an unknown or deactivated user. Every way in (bearer
 * token, signed link, each subscription event) uses it.
 */
export async function activeCaller(
  platform: Platform,
  where: PrincipalLookup,
  expiresAt: Date | null,
): Promise<(Caller & { user: Principal }) | null> {
  const em = platform.orm.em.fork();
  const caller = await platform.identity.authenticate(em, where, romeDay(platform.clock.now()));
  return caller ? { ...caller, expiresAt } : null;
}
