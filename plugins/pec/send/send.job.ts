import { withTransaction, type UnitOfWork } from '../../../server/db/unit-of-work.js';
import { MailDeliveryError } from '../../../server/mail/mailer.js';
import type { JobDefinition } from '../../../server/modules/module.js';
import { markSentByPec, ProtocolRecord, ProtocolState } from '../../../schema/protocollo/index.js';
import { envelope, protocolContent, storedContent, type OutgoingContent } from './compose.js';
import type { PecDelivery } from './delivery.entity.js';
import { PecDeliveryState } from './delivery-state.js';
import { changedEvent, lockDelivery } from './deliveries.js';
import { loadSendingMailbox, smtpAccountOf } from './mailbox-access.js';
import { SEND_JOB } from './send-job-name.js';
import { submitPecMessage } from './smtp-transport.js';

/**
 * DOMAIN §8: at most 3 retries, 2^N hours apart. pg-boss's backoff waits retryDelay × 2^N / 2
 * plus a random share of as much again: retry N comes between 2^(N-1) and 2^N hours.
 */
export const SEND_RETRY_LIMIT = 3;
export const SEND_RETRY_DELAY_SECONDS = 3600;

export type SendOutcome =
  | { outcome: 'sent'; messageId: string }
  | { outcome: 'skipped'; state: PecDeliveryState }
  | { outcome: 'failed'; error: string };

/** A transient failure: the attempt is recorded, then the queue retries the job later. */
export class SendRetryError extends Error {
  override readonly name = 'SendRetryError';
}

function fail(tx: UnitOfWork, delivery: PecDelivery, error: string): SendOutcome {
  const previous = delivery.state;
  delivery.state = PecDeliveryState.FAILED;
  delivery.lastError = error.slice(0, 2000);
  delivery.stateChangedAt = tx.clock.now();
  tx.publish(changedEvent(delivery, previous));
  return { outcome: 'failed', error };
}

/**
 * Sends one delivery. Everything happens in one transaction that holds the delivery's row (and
 * the record's) locked while the provider's SMTP server takes the message, so:
 * - a job run again after the message was accepted and committed finds it no longer QUEUED and
 *   sends nothing (never duplicated);
 * - an annulment waits for the send and then sees the record sent by PEC (refused); a record
 *   annulled before the send is not sent (FAILED);
 * - a crash between the server's acceptance and the commit leaves the delivery QUEUED: the
 *   retried job sends again with the SAME Message-ID, which the provider, the recipient and
 *   the receipts identify the message by (a receipt of the first copy already moved the
 *   delivery forward, and then the retry sends nothing). This is the one window where a
 *   recipient may get two copies; they are the same message.
 * A transient SMTP failure (4xx, connection) is counted and the job is retried by the queue;
 * a permanent one (5xx) or the last allowed attempt ends FAILED, with the server's answer.
 */
export async function runSend(
  ctx: Parameters<JobDefinition['run']>[0],
  data: { deliveryId: string },
): Promise<SendOutcome> {
  let retry: string | null = null;
  const outcome = await withTransaction(ctx, async (tx): Promise<SendOutcome> => {
    const delivery = await lockDelivery(tx, { id: data.deliveryId });
    if (!delivery) throw new Error(`PEC delivery ${data.deliveryId} does not exist`);
    if (delivery.state !== PecDeliveryState.QUEUED) return { outcome: 'skipped', state: delivery.state };
    const mailbox = await loadSendingMailbox(tx, delivery.mailboxId);
    if (!mailbox?.active) return fail(tx, delivery, 'the mailbox is no longer active');
    let content: OutgoingContent;
    let record: ProtocolRecord | null = null;
    if (delivery.recordId) {
      await tx.em.execute('select id from protocol_record where id = ? for update', [delivery.recordId]);
      record = await tx.em.findOneOrFail(ProtocolRecord, { id: delivery.recordId }, { refresh: true });
      if (record.state === ProtocolState.ANNULLATO) {
        return fail(tx, delivery, 'the record was annulled before it was sent');
      }
      content = await protocolContent(tx, record);
    } else if (delivery.contentId) {
      content = await storedContent(tx, delivery.contentId);
    } else {
      throw new Error(`PEC delivery ${delivery.id} has neither a record nor a content`);
    }
    const account = await smtpAccountOf(tx, mailbox.id);
    if (!account) return fail(tx, delivery, 'the mailbox has no SMTP password set');
    delivery.attempts += 1;
    try {
      await submitPecMessage(account, envelope(delivery, mailbox.address, content, tx.clock.now()));
    } catch (e) {
      if (!(e instanceof MailDeliveryError)) throw e;
      const reason = e.responseCode ? `${e.responseCode} ${e.message}` : e.message;
      if (e.permanent || delivery.attempts > SEND_RETRY_LIMIT) {
        await audit(tx, delivery, 'pec.delivery.fail', { attempts: delivery.attempts, error: reason });
        return fail(tx, delivery, reason);
      }
      delivery.lastError = reason.slice(0, 2000);
      retry = reason;
      return { outcome: 'failed', error: reason };
    }
    const previous = delivery.state;
    delivery.state = PecDeliveryState.SENT;
    delivery.sentAt = tx.clock.now();
    delivery.stateChangedAt = delivery.sentAt;
    delivery.lastError = null;
    if (record) await markSentByPec(tx, record.id);
    await audit(tx, delivery, 'pec.delivery.send', { attempts: delivery.attempts });
    tx.publish(changedEvent(delivery, previous));
    return { outcome: 'sent', messageId: delivery.messageId };
  });
  // After the commit (the attempt is counted): the queue tries again later.
  if (retry !== null) throw new SendRetryError(`PEC send will be retried: ${String(retry)}`);
  return outcome;
}

async function audit(
  tx: UnitOfWork,
  delivery: PecDelivery,
  operation: string,
  changes: Record<string, unknown>,
): Promise<void> {
  await tx.audit({
    aooId: delivery.aooId,
    operation,
    targetType: 'PecDelivery',
    targetId: delivery.id,
    changes: {
      recordId: delivery.recordId,
      recipient: delivery.recipientAddress,
      messageId: delivery.messageId,
      ...changes,
    },
  });
}

/** `pec.send`: one delivery per job, retried per DOMAIN §8. */
export const sendJob: JobDefinition<{ deliveryId: string }> = {
  name: SEND_JOB,
  retryLimit: SEND_RETRY_LIMIT,
  retryDelaySeconds: SEND_RETRY_DELAY_SECONDS,
  run: runSend,
};
