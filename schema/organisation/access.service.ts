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

interface MembershipRow {
  profile: Profile;
  uor_id: string;
  aoo_id: string;
  is_head: boolean;
}

interface UorRow {
  id: string;
  parent_id: string | null;
  aoo_id: string;
}

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
    `select m.profile, u.id as uor_id, u.aoo_id, coalesce(u.head_id = m.user_id, false) as is_head
       from membership m join uor u on u.id = m.uor_id
      where m.user_id = ? and m.ended_at is null and u.active_from <= ? and (u.active_to is null or u.active_to >= ?)`,
    [userId, today, today],
  );
  const builder = new GrantsBuilder();
  if (memberships.length === 0) return builder.build();
  const aooIds = [...new Set(memberships.map((m) => m.aoo_id))];
  const uors = await em.execute<UorRow[]>(
    'select id, parent_id, aoo_id from uor where aoo_id = any(?::uuid[])',
    [pgArray(aooIds)],
  );
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
