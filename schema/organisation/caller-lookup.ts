import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray } from '../../server/db/sql-array.js';
import type { AuthenticatedCaller, PrincipalLookup } from '../../server/auth/principal.js';
import { directSql } from '../../server/db/direct-sql.js';
import {
  grantsOf,
  MEMBERSHIP_COLUMNS,
  MEMBERSHIP_IN_FORCE,
  type MembershipRow,
  type ProfileGrants,
  type UorRow,
} from './access.service.js';
import type { Profile } from './profile.js';

interface CallerRow {
  id: string;
  username: string;
  subject: string;
  platform_admin: boolean;
  active: boolean;
  memberships: MembershipRow[];
  uors: UorRow[];
}

/** The column each way of finding a user compares (fixed names, never caller input). */
const LOOKUP_COLUMN = { subject: 'subject', id: 'id', username: 'username' } as const;

function lookup(where: PrincipalLookup): [column: string, value: string] {
  if ('subject' in where) return [LOOKUP_COLUMN.subject, where.subject];
  if ('id' in where) return [LOOKUP_COLUMN.id, where.id];
  return [LOOKUP_COLUMN.username, where.username];
}

/**
 * The user found so, if active, with their grants on `today`, in ONE statement: every request
 * pays it before any data, so the user row, the memberships in force and the UOR trees of
 * their AOOs (what subtree scopes walk) come back together, as JSON. Same rules as
 * loadGrants (MEMBERSHIP_IN_FORCE); a deactivated user gets no memberships and is refused.
 */
export async function loadActiveCaller(
  em: EntityManager,
  where: PrincipalLookup,
  today: string,
  profiles: ReadonlyMap<Profile, ProfileGrants>,
): Promise<AuthenticatedCaller | null> {
  const [column, value] = lookup(where);
  const rows = await directSql<CallerRow>(
    em,
    `with usr as (
       select id, username, subject, platform_admin, active from app_user where ${column} = ? limit 1
     ), mem as (
       select ${MEMBERSHIP_COLUMNS}
         from usr join membership m on m.user_id = usr.id join uor u on u.id = m.uor_id
        where usr.active and ${MEMBERSHIP_IN_FORCE}
     )
     select usr.id, usr.username, usr.subject, usr.platform_admin, usr.active,
            coalesce((select json_agg(json_build_object(
                        'profile', mem.profile, 'uor_id', mem.uor_id, 'aoo_id', mem.aoo_id, 'is_head', mem.is_head))
                        from mem), '[]'::json) as memberships,
            coalesce((select json_agg(json_build_object('id', t.id, 'parent_id', t.parent_id, 'aoo_id', t.aoo_id))
                        from uor t where t.aoo_id in (select mem.aoo_id from mem)), '[]'::json) as uors
       from usr`,
    [value, today, today],
  );
  const row = rows[0];
  if (!row?.active) return null;
  return {
    user: { id: row.id, username: row.username, subject: row.subject, platformAdmin: row.platform_admin },
    grants: grantsOf(row.memberships, row.uors, profiles),
  };
}

/**
 * loadActiveCaller for many users by id in one statement (the same rules): the subscribers an
 * event reaches reload their rights together. Unknown and deactivated users are absent.
 */
export async function loadActiveCallers(
  em: EntityManager,
  userIds: readonly string[],
  today: string,
  profiles: ReadonlyMap<Profile, ProfileGrants>,
): Promise<Map<string, AuthenticatedCaller>> {
  const callers = new Map<string, AuthenticatedCaller>();
  if (userIds.length === 0) return callers;
  const rows = await em.execute<CallerRow[]>(
    `with usr as (
       select id, username, subject, platform_admin, active from app_user where id = any(?::uuid[]) and active
     ), mem as (
       select m.user_id, ${MEMBERSHIP_COLUMNS}
         from usr join membership m on m.user_id = usr.id join uor u on u.id = m.uor_id
        where ${MEMBERSHIP_IN_FORCE}
     ), trees as (
       select a.aoo_id, json_agg(json_build_object('id', t.id, 'parent_id', t.parent_id, 'aoo_id', t.aoo_id)) as uors
         from (select distinct aoo_id from mem) a join uor t on t.aoo_id = a.aoo_id group by a.aoo_id
     )
     select usr.id, usr.username, usr.subject, usr.platform_admin, usr.active,
            coalesce((select json_agg(json_build_object(
                        'profile', mem.profile, 'uor_id', mem.uor_id, 'aoo_id', mem.aoo_id, 'is_head', mem.is_head))
                        from mem where mem.user_id = usr.id), '[]'::json) as memberships,
            (select json_agg(trees.uors) from trees
              where trees.aoo_id in (select mem.aoo_id from mem where mem.user_id = usr.id)) as uors
       from usr`,
    [pgArray(userIds), today, today],
  );
  for (const row of rows) {
    // One array of UORs per AOO of the user: flattened to the rows loadActiveCaller gets.
    const uors = ((row.uors as unknown as UorRow[][] | null) ?? []).flat();
    callers.set(row.id, {
      user: { id: row.id, username: row.username, subject: row.subject, platformAdmin: row.platform_admin },
      grants: grantsOf(row.memberships, uors, profiles),
    });
  }
  return callers;
}
