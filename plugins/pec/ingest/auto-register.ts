import { romeDay } from '../../../server/clock.js';
import type { UnitOfWork } from '../../../server/db/unit-of-work.js';
import { PROTOCOL_REGISTER } from '../../../schema/protocollo/index.js';
import { registerPecMessage } from '../inbox/register-message.service.js';
import type { PecMailbox } from '../mailbox/pec-mailbox.entity.js';

/**
 * The user the plugin's automatic acts on a mailbox's messages are made as (a registration, the
 * note of an Annullamento received): a record is always registered by someone
 * (the protocol's registeredBy, its rights checked as for a person). Chosen among the users the
 * mailbox grants the register right to (in a fixed order), the first whose grants today cover
 * PROTOCOL_REGISTER over the mailbox's office; null when none does (the message then waits
 * for an operator, with the reason).
 */
export async function mailboxActor(tx: UnitOfWork, mailbox: PecMailbox): Promise<UnitOfWork | null> {
  const rows = await tx.em.execute<Array<{ user_id: string }>>(
    `select g.user_id from pec_mailbox_grant g
      where g.mailbox_id = ? and g.can_register and g.user_id is not null order by g.user_id limit 20`,
    [mailbox.id],
  );
  const today = romeDay(tx.clock.now());
  for (const { user_id } of rows) {
    const caller = await tx.platform.identity.authenticate(tx.em, { id: user_id }, today);
    if (caller?.grants.covers(PROTOCOL_REGISTER, mailbox.aooId, mailbox.uorId)) {
      return { ...tx, user: caller.user, grants: caller.grants, system: false, loaders: new Map() };
    }
  }
  return null;
}

/**
 * Registers a stored message at once (a mailbox with autoRegister) through pec-core's
 * registerPecMessage, in the caller's transaction. Returns null when done, else why not.
 */
export async function autoRegister(
  tx: UnitOfWork,
  pecMessageId: string,
  mailbox: PecMailbox,
): Promise<string | null> {
  const actor = await mailboxActor(tx, mailbox);
  if (!actor)
    return (
      'automatic registration: no user holds the register right on this mailbox and PROTOCOL_REGISTER over its office; ' +
      'waiting for an operator'
    );
  await registerPecMessage(actor, pecMessageId, {});
  return null;
}
