import type { RequestContext } from '../../../server/context.js';
import { decryptMailboxPassword } from '../mailbox/mailbox-secret.js';
import { rightsOnOne } from '../mailbox/mailbox-access.js';
import { PecMailboxKind } from '../mailbox/pec-enums.js';
import { PecMailbox } from '../mailbox/pec-mailbox.entity.js';
import type { SmtpAccount } from './smtp-transport.js';

/**
 * What sending needs from a PEC mailbox (pec-core's PecMailbox): this file is the one place the
 * send side reads mailboxes, their grants and their SMTP secret, through pec-core's services.
 */
export interface SendingMailbox {
  id: string;
  aooId: string;
  /** The mailbox's own address (From, and the domain of our Message-IDs). */
  address: string;
  /** PEC, or an ordinary mailbox (PEO): a record is sent by PEC only. */
  isPec: boolean;
  active: boolean;
  /** Send the receipt of registration to a PEC sender automatically. */
  sendRegistrationReceipt: boolean;
}

export async function loadSendingMailbox(
  ctx: RequestContext,
  mailboxId: string,
): Promise<SendingMailbox | null> {
  const m = await ctx.em.findOne(PecMailbox, { id: mailboxId });
  return m
    ? {
        id: m.id,
        aooId: m.aooId,
        address: m.address,
        isPec: m.kind === PecMailboxKind.PEC,
        active: m.active,
        sendRegistrationReceipt: m.sendRegistrationReceipt,
      }
    : null;
}

/**
 * Whether the caller may send through the mailbox: PEC_MAILBOX_USE in its AOO and a grant with
 * canSend reaching them or their office (who also manages the AOO's mailboxes, the RGD: all).
 */
export async function maySendThrough(ctx: RequestContext, mailbox: SendingMailbox): Promise<boolean> {
  return (await rightsOnOne(ctx, mailbox)).send;
}

/**
 * The SMTP account with the password decrypted: for the send job only, never for the API; null
 * when the mailbox has no password set.
 */
export async function smtpAccountOf(ctx: RequestContext, mailboxId: string): Promise<SmtpAccount | null> {
  const m = await ctx.em.findOneOrFail(PecMailbox, { id: mailboxId }, { populate: ['passwordCipher'] });
  if (!m.passwordCipher) return null;
  return {
    host: m.smtpHost,
    port: m.smtpPort,
    tls: m.smtpTls,
    user: m.smtpUser,
    password: await decryptMailboxPassword(ctx.em, m.id, m.passwordCipher),
  };
}
