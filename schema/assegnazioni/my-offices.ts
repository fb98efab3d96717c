import { pgArray } from '../../server/db/sql-array.js';
import type { Platform } from '../../server/platform.js';
import { GrantScope, PROFILE_SCOPES } from '../organisation/index.js';

/** Profiles whose rights reach the offices below the member's (RPA: "the UOR and those below it"). */
const SUBTREE_PROFILES = Object.entries(PROFILE_SCOPES)
  .filter(([, scope]) => scope === GrantScope.UOR_SUBTREE)
  .map(([profile]) => profile);

/**
 * "My offices" for the inboxes and notifications, as (user_id, id) rows for the users of an
 * array: those of their open memberships; with a profile that reaches below (RPA), the offices
 * below them too; and the offices they head with those below them (the head sees what reaches
 * subordinate offices, 002 §2.5). The one statement of the rule, for one user or many.
 */
function officesOfUsersSql(userIds: readonly string[]): { sql: string; params: unknown[] } {
  const ids = pgArray(userIds);
  return {
    sql: `with recursive below(user_id, id) as (
            select m.user_id, m.uor_id from membership m
             where m.user_id = any(?::uuid[]) and m.ended_at is null and m.profile = any(?::text[])
            union select u.head_id, u.id from uor u where u.head_id = any(?::uuid[])
            union select b.user_id, c.id from uor c join below b on c.parent_id = b.id)
          select user_id::text as user_id, id::text as id from below
          union select m.user_id::text, m.uor_id::text from membership m
           where m.user_id = any(?::uuid[]) and m.ended_at is null`,
    params: [ids, pgArray(SUBTREE_PROFILES), ids, ids],
  };
}

/** One user's offices as a subquery of office ids (inbox listings and counts). */
export function myOfficesSql(userId: string): { sql: string; params: unknown[] } {
  const rule = officesOfUsersSql([userId]);
  return { sql: `(select mine.id::uuid from (${rule.sql}) mine)`, params: rule.params };
}

interface Waiter {
  resolve: (offices: Set<string>) => void;
  reject: (e: unknown) => void;
}

/** Users whose offices are asked in the same turn of the event loop: one statement for all. */
const waiting = new WeakMap<Platform, Map<string, Waiter[]>>();

/**
 * The offices (myOfficesSql's rule) of many users at once: an event reaches every subscriber of
 * a replica in the same turn, and their offices are read in one statement, not one each.
 */
export function officesOfUser(platform: Platform, userId: string): Promise<Set<string>> {
  let batch = waiting.get(platform);
  if (!batch) waiting.set(platform, (batch = new Map<string, Waiter[]>()));
  const all = batch;
  if (all.size === 0) {
    setImmediate(() => {
      const users = [...all.entries()];
      all.clear();
      void load(platform, users);
    });
  }
  const list = all.get(userId) ?? [];
  all.set(userId, list);
  return new Promise((resolve, reject) => list.push({ resolve, reject }));
}

async function load(platform: Platform, users: Array<[string, Waiter[]]>): Promise<void> {
  const rule = officesOfUsersSql(users.map(([id]) => id));
  try {
    const rows = await platform.orm.em
      .fork()
      .execute<Array<{ user_id: string; id: string }>>(rule.sql, rule.params);
    const byUser = new Map<string, Set<string>>();
    for (const r of rows) byUser.set(r.user_id, (byUser.get(r.user_id) ?? new Set<string>()).add(r.id));
    for (const [id, waiters] of users)
      for (const w of waiters) w.resolve(byUser.get(id) ?? new Set<string>());
  } catch (e) {
    for (const [, waiters] of users) for (const w of waiters) w.reject(e);
  }
}
