import {
  Arg,
  Ctx,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import { AnyAuthenticated, Requires } from '../../../server/auth/access.js';
import type { RequestContext } from '../../../server/context.js';
import { ListSize } from '../../../server/graphql/list-size.js';
import { ProtocolRecord, protocolloLoaders } from '../../../schema/protocollo/index.js';
import { PecMessageState } from '../mailbox/pec-enums.js';
import { PEC_MAILBOX_USE } from '../mailbox/permissions.js';
import { mailboxChangeStream, PecMailboxChange } from './mailbox-changes.js';
import { readableMessage } from './message-access.js';
import { MAX_MESSAGE_PAGE, messagePage, PecMessageConnection } from './message-list.js';
import { PecMessage } from './pec-message.entity.js';
import {
  discardPecMessage,
  RegisterPecMessageInput,
  registerPecMessage,
} from './register-message.service.js';
import { PecMessagePart } from './pec-message-part.js';

@Resolver()
export class PecInboxResolver {
  @Query(() => PecMessageConnection, {
    description: `The messages of a mailbox the caller reads, newest first, optionally in one state (at most ${MAX_MESSAGE_PAGE} per page)`,
  })
  @ListSize({ pageArg: 'first', maxItems: MAX_MESSAGE_PAGE })
  @Requires(PEC_MAILBOX_USE)
  pecMessages(
    @Ctx() ctx: RequestContext,
    @Arg('mailboxId', () => ID, { description: 'The mailbox' }) mailboxId: string,
    @Arg('state', () => PecMessageState, { nullable: true, description: 'Only the messages in this state' })
    state: PecMessageState | null,
    @Arg('first', () => Int, { defaultValue: 20, description: `Page size (1..${MAX_MESSAGE_PAGE})` })
    first: number,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page' })
    after: string | null,
  ): Promise<PecMessageConnection> {
    return messagePage(ctx, mailboxId, state ?? null, first, after ?? null) as Promise<PecMessageConnection>;
  }

  @Query(() => PecMessage, { description: 'A message of a mailbox the caller reads' })
  @Requires(PEC_MAILBOX_USE)
  async pecMessage(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The message' }) id: string,
  ): Promise<PecMessage> {
    return (await readableMessage(ctx, id)).message;
  }

  @Mutation(() => PecMessage, {
    description:
      "Register a message in the protocol (arrivo, by PEC or e-mail): needs the mailbox's register right and PROTOCOL_REGISTER",
  })
  @Requires(PEC_MAILBOX_USE)
  registerPecMessage(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The message' }) id: string,
    @Arg('input', () => RegisterPecMessageInput, { nullable: true, description: 'What the operator sets' })
    input: RegisterPecMessageInput | null,
  ): Promise<PecMessage> {
    return registerPecMessage(ctx, id, input ?? {});
  }

  @Mutation(() => PecMessage, {
    description: "Discard a message, saying why: needs the mailbox's register right",
  })
  @Requires(PEC_MAILBOX_USE)
  discardPecMessage(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The message' }) id: string,
    @Arg('reason', { description: 'Why it is discarded (1 to 2000 characters)' }) reason: string,
  ): Promise<PecMessage> {
    return discardPecMessage(ctx, id, reason);
  }

  @Subscription(() => PecMailboxChange, {
    description:
      'The committed changes of a mailbox the subscriber reads (new messages and receipts, registrations, discards), each checked with the rights of that moment',
    subscribe: ({ args, context }) =>
      mailboxChangeStream(context as RequestContext, (args as { mailboxId: string }).mailboxId),
  })
  @Requires(PEC_MAILBOX_USE)
  pecMailboxChanged(
    @Root() change: PecMailboxChange,
    @Arg('mailboxId', () => ID, { description: 'The mailbox' }) _mailboxId: string,
  ): PecMailboxChange {
    return change;
  }
}

/** For the query cost: a message lists at most this many attachments (the parser's limit is lower). */
const MAX_LISTED_PARTS = 100;

@Resolver(() => PecMessage)
export class PecMessageFieldsResolver {
  @FieldResolver(() => String, { nullable: true, description: 'The sender (certified sender, else From)' })
  @AnyAuthenticated()
  from(@Root() m: PecMessage): string | null {
    return m.summary.daticert?.mittente ?? m.summary.original?.from ?? m.summary.from;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'The subject (of the certified message for a busta)',
  })
  @AnyAuthenticated()
  subject(@Root() m: PecMessage): string | null {
    return m.summary.original?.subject ?? m.summary.subject;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Why the signature check failed, if it did' })
  @AnyAuthenticated()
  signatureReason(@Root() m: PecMessage): string | null {
    return m.summary.signatureReason;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'For a receipt: X-Riferimento-Message-ID, the outgoing message it refers to',
  })
  @AnyAuthenticated()
  riferimentoMessageId(@Root() m: PecMessage): string | null {
    return m.summary.riferimentoMessageId;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'The interoperability file found (segnatura, conferma…), if any',
  })
  @AnyAuthenticated()
  interopKind(@Root() m: PecMessage): string | null {
    return m.summary.interop?.kind ?? null;
  }

  @FieldResolver(() => [String], {
    description: 'Problems of the interoperability file (empty when none or valid)',
  })
  @ListSize({ maxItems: MAX_LISTED_PARTS })
  @AnyAuthenticated()
  interopProblems(@Root() m: PecMessage): string[] {
    return m.summary.interop?.problems ?? [];
  }

  @FieldResolver(() => [PecMessagePart], { description: 'The attachments of the certified message' })
  @ListSize({ maxItems: MAX_LISTED_PARTS })
  @AnyAuthenticated()
  attachments(@Root() m: PecMessage): PecMessagePart[] {
    return m.summary.attachments.map(({ fileName, mediaType, size, sha256 }) => ({
      fileName,
      mediaType,
      size,
      sha256,
    }));
  }

  @FieldResolver(() => ProtocolRecord, {
    nullable: true,
    description: 'The registration made from it, if the caller sees it',
  })
  @AnyAuthenticated()
  record(@Root() m: PecMessage, @Ctx() ctx: RequestContext): Promise<ProtocolRecord | null> {
    return m.recordId === null
      ? Promise.resolve(null)
      : protocolloLoaders.visibleRecord(ctx).load(m.recordId);
  }
}
