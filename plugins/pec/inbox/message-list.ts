import { ObjectType } from 'type-graphql';
import type { RequestContext } from '../../../server/context.js';
import {
  Connection,
  connectionOf,
  pageRequest,
  type ConnectionShape,
} from '../../../server/graphql/connection.js';
import { NotFoundError } from '../../../server/errors/domain-error.js';
import { rightsOnOne } from '../mailbox/mailbox-access.js';
import { findSeenMailbox } from '../mailbox/mailbox.service.js';
import type { PecMessageState } from '../mailbox/pec-enums.js';
import { PecMessage } from './pec-message.entity.js';

export const MAX_MESSAGE_PAGE = 100;

@ObjectType({ description: 'A page of the messages of a mailbox, newest first' })
export class PecMessageConnection extends Connection(PecMessage, 'PecMessage') {}

/**
 * The messages of a mailbox the caller reads (READ; otherwise NOT_FOUND as for a missing
 * mailbox), in one state or all, newest first, keyset pages (received_at, id).
 */
export async function messagePage(
  ctx: RequestContext,
  mailboxId: string,
  state: PecMessageState | null,
  first: number,
  after: string | null,
): Promise<ConnectionShape<PecMessage>> {
  const mailbox = await findSeenMailbox(ctx, mailboxId);
  if (!(await rightsOnOne(ctx, mailbox)).read) throw new NotFoundError('PecMailbox', mailboxId);
  const page = pageRequest(first, after, MAX_MESSAGE_PAGE, 2);
  const where: string[] = ['m.mailbox_id = ?'];
  const params: unknown[] = [mailbox.id];
  if (state !== null) {
    where.push('m.state = ?');
    params.push(state);
  }
  const filter = { sql: where.join(' and '), params: [...params] };
  if (page.after !== null) {
    where.push('(m.received_at, m.id) < (?::timestamptz, ?::uuid)');
    params.push(page.after[0], page.after[1]);
  }
  const rows = await ctx.em.execute<Array<Record<string, unknown>>>(
    `select m.* from pec_message m where ${where.join(' and ')} order by m.received_at desc, m.id desc limit ?`,
    [...params, page.first + 1],
  );
  const nodes = rows.slice(0, page.first).map((r) => ctx.em.map(PecMessage, r));
  return connectionOf(
    nodes,
    rows.length > page.first,
    page,
    (m) => [m.receivedAt.toISOString(), m.id],
    async () => {
      const [c] = await ctx.em.execute<Array<{ n: string }>>(
        `select count(*) as n from pec_message m where ${filter.sql}`,
        filter.params,
      );
      return Number(c?.n ?? 0);
    },
  );
}
