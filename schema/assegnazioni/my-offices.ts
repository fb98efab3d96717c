import { GrantScope, PROFILE_SCOPES } from '../organisation/index.js';

/** Profiles whose rights reach the offices below the member's (RPA: "the UOR and those below it"). */
const SUBTREE_PROFILES = Object.entries(PROFILE_SCOPES)
  .filter(([, scope]) => scope === GrantScope.UOR_SUBTREE)
  .map(([profile]) => profile);

/**
 * "My offices" for the inboxes and notifications, as a subquery of office ids: those of my open
 * memberships; with a profile that reaches below (RPA), the offices below them too; and the
 * offices I head with those below them (the head sees what reaches subordinate offices, 002 §2.5).
 */
export function myOfficesSql(userId: string): { sql: string; params: unknown[] } {
  return {
    sql: `(with recursive below(id) as (
             select m.uor_id from membership m
              where m.user_id = ? and m.ended_at is null and m.profile = any(?::text[])
             union select u.id from uor u where u.head_id = ?
             union select c.id from uor c join below b on c.parent_id = b.id)
           select id from below
           union select m.uor_id from membership m where m.user_id = ? and m.ended_at is null)`,
    params: [userId, `{${SUBTREE_PROFILES.join(',')}}`, userId, userId],
  };
}
