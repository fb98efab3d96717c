import { LockMode } from '@mikro-orm/core';
import { forbidden } from '../../../server/auth/auth-checker.js';
import type { RequestContext } from '../../../server/context.js';
import { NotFoundError } from '../../../server/errors/domain-error.js';
import { isUuid } from '../../../server/errors/input-checks.js';
import { rightsOnOne, type MailboxRights } from '../mailbox/mailbox-access.js';
import { PecMailbox } from '../mailbox/pec-mailbox.entity.js';
import { PecMessage } from './pec-message.entity.js';

export interface MessageInContext {
  message: PecMessage;
  mailbox: PecMailbox;
  rights: MailboxRights;
}

/**
 * A message the caller reads (READ on its mailbox), or NOT_FOUND, the same answer as for a
 * missing one. `lock`: the row locked for a change in the caller's transaction.
 */
export async function readableMessage(
  ctx: RequestContext,
  id: string,
  lock = false,
): Promise<MessageInContext> {
  const message = isUuid(id)
    ? await ctx.em.findOne(PecMessage, { id }, lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {})
    : null;
  const mailbox = message ? await ctx.em.findOne(PecMailbox, { id: message.mailboxId }) : null;
  if (!message || !mailbox) throw new NotFoundError('PecMessage', id);
  const rights = await rightsOnOne(ctx, mailbox);
  if (!rights.read) throw new NotFoundError('PecMessage', id);
  return { message, mailbox, rights };
}

/** A message the caller may register or discard (READ hides it, REGISTER lets them act). */
export async function registrableMessage(ctx: RequestContext, id: string): Promise<MessageInContext> {
  const found = await readableMessage(ctx, id, true);
  if (!found.rights.register)
    throw forbidden("register or discard this mailbox's messages (needs the mailbox's register right)");
  return found;
}
