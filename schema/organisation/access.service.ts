import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray } from '../../server/db/sql-array.js';
import { GrantsBuilder, type Grants } from '../../server/auth/grants.js';
import { GrantScope, type Profile } from './profile.js';

/** The permissions one profile grants: over the whole AOO, or over the member's office(s). */
export interface ProfileGrants {
  scope: GrantScope;
  aooWide: string[];
  perOffice: string[];
}

export interface MembershipRow {
  profile: Profile;
  uor_id: string;
  aoo_id: string;
  is_head: boolean;
}

export interface UorRow {
  id: string;
  parent_id: string | null;
  aoo_id: string;
}

/** The columns of a MembershipRow, over `membership m join uor u on u.id = m.uor_id`. */
export const MEMBERSHIP_COLUMNS =
  'm.profile, u.id as uor_id, u.aoo_id, coalesce(u.head_id = m.user_id, false) as is_head';

/**
 * A membership that grants on the given day (two parameters: the day twice): not ended, in a
 * UOR active that day. One condition for every way grants are loaded.
 */
export const MEMBERSHIP_IN_FORCE =
  'm.ended_at is null and u.active_from <= ? and (u.active_to is null or u.active_to >= ?)';

/**
 * Effective permissions of a user from the active memberships. A UOR_SUBTREE profile, or any
 * profile held by the head of the UOR, reaches the UORs below (002 §2.5).
 */
export async function loadGrants(
  em: EntityManager,
  userId: string,
  today: string,
  profiles: ReadonlyMap<Profile, ProfileGrants>,
): Promise<Grants> {
  const memberships = await em.execute<MembershipRow[]>(
    `select ${MEMBERSHIP_COLUMNS} from membership m join uor u on u.id = m.uor_id
      where m.user_id = ? and ${MEMBERSHIP_IN_FORCE}`,
    [userId, today, today],
  );
  if (memberships.length === 0) return new GrantsBuilder().build();
  const aooIds = [...new Set(memberships.map((m) => m.aoo_id))];
  const uors = await em.execute<UorRow[]>(
    'select id, parent_id, aoo_id from uor where aoo_id = any(?::uuid[])',
    [pgArray(aooIds)],
  );
  return grantsOf(memberships, uors, profiles);
}

/**
 * The grants of active memberships, given the UORs of their AOOs (the trees the subtree scopes
 * walk): what loadGrants computes, for callers that loaded the rows themselves (in one
 * statement with the user, see caller-lookup.ts).
 */
export function grantsOf(
  memberships: readonly MembershipRow[],
  uors: readonly UorRow[],
  profiles: ReadonlyMap<Profile, ProfileGrants>,
): Grants {
  const builder = new GrantsBuilder();
  const children = new Map<string, string[]>();
  for (const u of uors) {
    if (u.parent_id === null) continue;
    const list = children.get(u.parent_id) ?? [];
    list.push(u.id);
    children.set(u.parent_id, list);
  }
  for (const m of memberships) {
    const grants = profiles.get(m.profile);
    if (!grants) continue;
    for (const permission of grants.aooWide) builder.add(m.aoo_id, permission, 'ALL');
    if (grants.perOffice.length === 0) continue;
    const scope =
      grants.scope === GrantScope.UOR_SUBTREE || m.is_head
        ? subtree(m.uor_id, children)
        : new Set([m.uor_id]);
    for (const permission of grants.perOffice) builder.add(m.aoo_id, permission, scope);
  }
  return builder.build();
}

function subtree(root: string, children: ReadonlyMap<string, string[]>): Set<string> {
  const out = new Set<string>();
  const stack = [root];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (out.has(id)) continue; // the database forbids cycles; this guards the walk anyway
    out.add(id);
    stack.push(...(children.get(id) ?? []));
  }
  return out;
}
