import type { RequestContext } from '../../../server/context.js';
import { withTransaction } from '../../../server/db/unit-of-work.js';
import { DomainError, InvalidInputError, NotFoundError } from '../../../server/errors/domain-error.js';
import { isMailAddress } from '../../../server/mail/address.js';
import {
  CorrespondentRole,
  findVisibleRecord,
  MAX_CORRESPONDENTS,
  ProtocolCorrespondent,
  ProtocolCorrespondentKind,
  ProtocolKind,
  ProtocolState,
} from '../../../schema/protocollo/index.js';
import type { PecDelivery } from './delivery.entity.js';
import { enqueueDeliveries, type Recipient } from './deliveries.js';
import { loadSendingMailbox, maySendThrough } from './mailbox-access.js';

/**
 * Sends a registered partenza record by PEC (DOMAIN §8): one message per recipient, each a
 * delivery with its Message-ID and its send job, enqueued in this transaction with the audit
 * row. The caller must see the record and may send through the mailbox (PEC_MAILBOX_USE and
 * the mailbox's send grant); a mailbox the caller may not use answers like a missing one.
 * Recipients default to the record's recipients that have a PEC address.
 */
export async function sendProtocolByPec(
  ctx: RequestContext,
  recordId: string,
  mailboxId: string,
  recipients?: readonly string[] | null,
): Promise<PecDelivery[]> {
  return withTransaction(ctx, async (tx) => {
    // Locked as annulment locks it: an annulment in flight finishes first, and is seen below.
    const record = await findVisibleRecord(tx, tx.em, recordId, { lock: true });
    const mailbox = await loadSendingMailbox(tx, mailboxId);
    if (!mailbox || mailbox.aooId !== record.aooId || !(await maySendThrough(tx, mailbox))) {
      throw new NotFoundError('PecMailbox', mailboxId);
    }
    if (!mailbox.active || !mailbox.isPec) {
      throw new DomainError(
        'PEC_SEND_MAILBOX_UNUSABLE',
        `mailbox ${mailbox.address} cannot send records by PEC: it is ${mailbox.active ? 'not a PEC mailbox' : 'not active'}`,
        { field: 'mailboxId' },
      );
    }
    if (record.kind !== ProtocolKind.PARTENZA) {
      throw new DomainError(
        'PEC_SEND_NOT_PARTENZA',
        `record ${record.number}/${record.year} is ${record.kind}: only partenza records are sent by PEC`,
        { kind: record.kind },
      );
    }
    if (record.state === ProtocolState.ANNULLATO) {
      throw new DomainError(
        'PROTOCOL_ANNULLED',
        `record ${record.number}/${record.year} is annulled: it is not sent`,
      );
    }
    const correspondents = await tx.em.find(
      ProtocolCorrespondent,
      { recordId: record.id, role: CorrespondentRole.DESTINATARIO },
      { orderBy: { position: 'asc' } },
    );
    const chosen = chooseRecipients(correspondents, recipients);
    if (chosen.length === 0) {
      throw new DomainError(
        'PEC_SEND_NO_RECIPIENTS',
        `record ${record.number}/${record.year} has no recipient with a PEC address: give the recipients`,
        { field: 'recipients' },
      );
    }
    const deliveries = await enqueueDeliveries(tx, {
      aooId: record.aooId,
      mailboxId: mailbox.id,
      mailboxAddress: mailbox.address,
      recordId: record.id,
      recipients: chosen,
    });
    await tx.audit({
      aooId: record.aooId,
      operation: 'protocol.sendByPec',
      targetType: 'ProtocolRecord',
      targetId: record.id,
      changes: {
        mailboxId: mailbox.id,
        deliveries: deliveries.map((d) => ({
          id: d.id,
          recipient: d.recipientAddress,
          messageId: d.messageId,
        })),
      },
    });
    return deliveries;
  });
}

function nameOf(c: ProtocolCorrespondent): string | null {
  return c.denominazione ?? ([c.nome, c.cognome].filter(Boolean).join(' ') || null);
}

/** The given addresses (named after the recipient who has it, if any), or the recipients' PEC addresses. */
function chooseRecipients(
  correspondents: readonly ProtocolCorrespondent[],
  given: readonly string[] | null | undefined,
): Recipient[] {
  const byPec = new Map<string, Recipient>();
  for (const c of correspondents) {
    const address = c.pec?.trim().toLowerCase();
    if (address && !byPec.has(address)) {
      byPec.set(address, {
        address,
        name: nameOf(c),
        isPerson: c.kind === ProtocolCorrespondentKind.PERSONA_FISICA,
      });
    }
  }
  if (given === null || given === undefined) return [...byPec.values()];
  if (given.length > MAX_CORRESPONDENTS) {
    throw new InvalidInputError('recipients', `at most ${MAX_CORRESPONDENTS} recipients`);
  }
  return given.map((raw, i) => {
    const address = raw.trim();
    if (!isMailAddress(address)) {
      throw new InvalidInputError(`recipients[${i}]`, `not an e-mail address: ${JSON.stringify(raw)}`);
    }
    // An address of no registered recipient: who it belongs to is unknown (personal data).
    return byPec.get(address.toLowerCase()) ?? { address, name: null, isPerson: true };
  });
}
