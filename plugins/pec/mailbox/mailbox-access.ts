import type { RequestContext } from '../../../server/context.js';
import { pgArray } from '../../../server/db/sql-array.js';
import { PEC_MAILBOX_MANAGE, PEC_MAILBOX_USE } from './permissions.js';

export interface MailboxRights {
  read: boolean;
  register: boolean;
  send: boolean;
}

export const NO_RIGHTS: MailboxRights = { read: false, register: false, send: false };
const ALL_RIGHTS: MailboxRights = { read: true, register: true, send: true };

/** AOOs where the caller holds every right on every mailbox (managing and using them: the RGD). */
export function fullRightAoos(ctx: RequestContext): string[] {
  return ctx.grants.aoosWith(PEC_MAILBOX_USE).filter((a) => ctx.grants.has(PEC_MAILBOX_MANAGE, a));
}

/**
 * The grants that reach the caller (theirs, or of an office they are an open member of) as a
 * condition on a grant row `g`, with its parameters.
 */
function grantReachesCallerSql(ctx: RequestContext): { sql: string; params: unknown[] } {
  const me = ctx.user?.id ?? '00000000-0000-0000-0000-000000000000';
  return {
    sql: `(g.user_id = ? or g.uor_id in (select m.uor_id from membership m where m.user_id = ? and m.ended_at is null))`,
    params: [me, me],
  };
}

/**
 * The caller's rights on mailboxes (id and AOO): none outside the AOOs where they hold
 * PEC_MAILBOX_USE; all of them where they also manage mailboxes; otherwise the union of the
 * grants that reach them. One statement for all the mailboxes asked.
 */
export async function rightsOn(
  ctx: RequestContext,
  mailboxes: ReadonlyArray<{ id: string; aooId: string }>,
): Promise<Map<string, MailboxRights>> {
  const full = new Set(fullRightAoos(ctx));
  const rights = new Map<string, MailboxRights>();
  const viaGrants: string[] = [];
  for (const m of mailboxes) {
    if (!ctx.grants.has(PEC_MAILBOX_USE, m.aooId)) rights.set(m.id, NO_RIGHTS);
    else if (full.has(m.aooId)) rights.set(m.id, ALL_RIGHTS);
    else viaGrants.push(m.id);
  }
  if (viaGrants.length > 0) {
    const reach = grantReachesCallerSql(ctx);
    const rows = await ctx.em.execute<
      Array<{ mailbox_id: string; can_read: boolean; can_register: boolean; can_send: boolean }>
    >(
      `select g.mailbox_id, bool_or(g.can_read) as can_read, bool_or(g.can_register) as can_register,
              bool_or(g.can_send) as can_send
         from pec_mailbox_grant g
        where g.mailbox_id = any(?::uuid[]) and ${reach.sql}
        group by g.mailbox_id`,
      [pgArray(viaGrants), ...reach.params],
    );
    const found = new Map(rows.map((r) => [r.mailbox_id, r]));
    for (const id of viaGrants) {
      const r = found.get(id);
      rights.set(id, r ? { read: r.can_read, register: r.can_register, send: r.can_send } : NO_RIGHTS);
    }
  }
  return rights;
}

export async function rightsOnOne(
  ctx: RequestContext,
  mailbox: { id: string; aooId: string },
): Promise<MailboxRights> {
  return (await rightsOn(ctx, [mailbox])).get(mailbox.id) ?? NO_RIGHTS;
}

/**
 * Row visibility of messages, as a condition on a mailbox row `mb`: the mailboxes the caller
 * holds READ on (rightsOn's rule in SQL).
 */
export function readableMailboxSql(ctx: RequestContext): { sql: string; params: unknown[] } {
  const use = ctx.grants.aoosWith(PEC_MAILBOX_USE);
  const reach = grantReachesCallerSql(ctx);
  return {
    sql: `(mb.aoo_id = any(?::uuid[]) or (mb.aoo_id = any(?::uuid[]) and exists (
             select 1 from pec_mailbox_grant g where g.mailbox_id = mb.id and g.can_read and ${reach.sql})))`,
    params: [pgArray(fullRightAoos(ctx)), pgArray(use), ...reach.params],
  };
}
