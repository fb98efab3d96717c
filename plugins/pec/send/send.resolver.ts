import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root, Subscription } from 'type-graphql';
import { AnyAuthenticated, Requires } from '../../../server/auth/access.js';
import type { RequestContext } from '../../../server/context.js';
import { ListSize } from '../../../server/graphql/list-size.js';
import { MAX_CORRESPONDENTS, ProtocolRecord } from '../../../schema/protocollo/index.js';
import { PEC_MAILBOX_USE } from '../mailbox/permissions.js';
import { deliveryChangeStream } from './delivery-changes.js';
import { PecDelivery } from './delivery.entity.js';
import { deliveryLoaders, MAX_DELIVERIES_PER_RECORD, MAX_RECEIPTS_PER_DELIVERY } from './delivery-loaders.js';
import { PecReceipt } from './receipt.entity.js';
import { receiptRawPath } from './receipt.routes.js';
import { sendProtocolByPec } from './send-protocol.service.js';

@Resolver()
export class PecSendResolver {
  @Mutation(() => [PecDelivery], {
    description:
      'Send a registered partenza record by PEC from a mailbox: one message per recipient with the documents and Segnatura.xml, sent by a job (retried up to 3 times, 2^N hours apart). Needs the record visible, PEC_MAILBOX_USE and the mailbox’s send grant. PEC_SEND_NOT_PARTENZA, PROTOCOL_ANNULLED, PEC_SEND_NO_RECIPIENTS, PEC_SEND_MAILBOX_UNUSABLE',
  })
  @ListSize({ maxItems: MAX_CORRESPONDENTS })
  @Requires(PEC_MAILBOX_USE)
  sendProtocolByPec(
    @Ctx() ctx: RequestContext,
    @Arg('recordId', () => ID, { description: 'The partenza record' }) recordId: string,
    @Arg('mailboxId', () => ID, { description: 'The PEC mailbox to send from (of the record’s AOO)' })
    mailboxId: string,
    @Arg('recipients', () => [String], {
      nullable: true,
      description: 'PEC addresses to send to; by default the record’s recipients that have a PEC address',
    })
    recipients?: string[] | null,
  ): Promise<PecDelivery[]> {
    return sendProtocolByPec(ctx, recordId, mailboxId, recipients);
  }

  @Subscription(() => PecDelivery, {
    description:
      'The committed changes of the PEC deliveries of a record the subscriber sees (enqueued, sent, failed, moved by a receipt), each checked with the rights of that moment',
    subscribe: ({ args, context }) =>
      deliveryChangeStream(context as RequestContext, (args as { recordId: string }).recordId),
  })
  @AnyAuthenticated()
  pecDeliveryChanged(
    @Root() delivery: PecDelivery,
    @Arg('recordId', () => ID, { description: 'The record sent by PEC' }) _recordId: string,
  ): PecDelivery {
    return delivery;
  }
}

/** The PEC side of a record: reached only through a record the caller sees. */
@Resolver(() => ProtocolRecord)
export class ProtocolRecordPecResolver {
  @FieldResolver(() => [PecDelivery], {
    description:
      'Outgoing PEC messages of the record (its sending, and messages about it such as a Conferma), newest first, each with its recipient, state and receipts',
  })
  @ListSize({ maxItems: MAX_DELIVERIES_PER_RECORD })
  @AnyAuthenticated()
  pecDeliveries(@Root() r: ProtocolRecord, @Ctx() ctx: RequestContext): Promise<PecDelivery[]> {
    return deliveryLoaders.ofRecord(ctx).load(r.id);
  }
}

@Resolver(() => PecDelivery)
export class PecDeliveryFieldsResolver {
  @FieldResolver(() => [PecReceipt], {
    description: 'The provider’s receipts about it, in the order received',
  })
  @ListSize({ maxItems: MAX_RECEIPTS_PER_DELIVERY })
  @AnyAuthenticated()
  receipts(@Root() d: PecDelivery, @Ctx() ctx: RequestContext): Promise<PecReceipt[]> {
    return deliveryLoaders.receipts(ctx).load(d.id);
  }
}

@Resolver(() => PecReceipt)
export class PecReceiptFieldsResolver {
  @FieldResolver(() => String, {
    description:
      'Absolute URL of the receipt as received (message/rfc822, with its daticert.xml and signature): GET it with the same bearer token; each download is audited',
  })
  @AnyAuthenticated()
  rawUrl(@Root() r: PecReceipt, @Ctx() ctx: RequestContext): string {
    return `${ctx.baseUrl}${receiptRawPath(r.id)}`;
  }
}
