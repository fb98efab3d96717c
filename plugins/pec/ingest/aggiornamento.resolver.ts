import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { Requires } from '../../../server/auth/access.js';
import type { RequestContext } from '../../../server/context.js';
import { ListSize } from '../../../server/graphql/list-size.js';
import { PEC_MAILBOX_USE } from '../mailbox/permissions.js';
import { PecDelivery } from '../send/index.js';
import { sendPecAggiornamento } from './aggiornamento.service.js';

@Resolver()
export class PecAggiornamentoResolver {
  @Mutation(() => [PecDelivery], {
    description:
      'Send the sender of a message registered from its Segnatura an AggiornamentoConferma (Aggiornamento.xml, Allegato 6): our registration has new facts. Sent from the mailbox the message came in, by the send job; may be sent again later. Needs the record visible, PEC_MAILBOX_USE and the mailbox’s send grant. PEC_AGGIORNAMENTO_NOT_FROM_PEC, PEC_AGGIORNAMENTO_NO_SEGNATURA, PROTOCOL_ANNULLED, PEC_SEND_MAILBOX_UNUSABLE, FORBIDDEN',
  })
  // One recipient: the Segnatura's sender.
  @ListSize({ maxItems: 1 })
  @Requires(PEC_MAILBOX_USE)
  sendPecAggiornamento(
    @Ctx() ctx: RequestContext,
    @Arg('recordId', () => ID, { description: 'The record registered from the incoming message' })
    recordId: string,
    @Arg('note', () => String, {
      nullable: true,
      description: 'What changed, in words (the message’s text; at most 2000 characters)',
    })
    note?: string | null,
  ): Promise<PecDelivery[]> {
    return sendPecAggiornamento(ctx, recordId, note);
  }
}
