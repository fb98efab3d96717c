import type { UnitOfWork } from '../../../server/db/unit-of-work.js';
import { registerPecMessage } from '../inbox/register-message.service.js';
import { registrarOf } from '../mailbox/mailbox-registrar.js';
import type { PecMailbox } from '../mailbox/pec-mailbox.entity.js';

/**
 * The user the plugin's automatic acts on a mailbox's messages are made as (a registration, the
 * note of an Annullamento received): the mailbox's registrar, named by its manager
 * (PecMailbox.registrarId), when they still qualify today (mailbox-registrar.ts); null otherwise.
 */
export async function mailboxActor(tx: UnitOfWork, mailbox: PecMailbox): Promise<UnitOfWork | null> {
  const check = await registrarOf(tx, mailbox);
  return check.ok ? check.actor : null;
}

/**
 * Registers a stored message at once (a mailbox with autoRegister) through pec-core's
 * registerPecMessage, as the mailbox's registrar, in the caller's transaction. Returns null
 * when done, else why not: the message then waits for an operator with that reason.
 */
export async function autoRegister(
  tx: UnitOfWork,
  pecMessageId: string,
  mailbox: PecMailbox,
): Promise<string | null> {
  const check = await registrarOf(tx, mailbox);
  if (!check.ok) return `automatic registration not made (${check.reason}): waiting for an operator`;
  await registerPecMessage(check.actor, pecMessageId, {});
  return null;
}
