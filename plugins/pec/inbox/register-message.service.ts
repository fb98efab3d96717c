import { Field, ID, InputType } from 'type-graphql';
import type { RequestContext } from '../../../server/context.js';
import { withTransaction } from '../../../server/db/unit-of-work.js';
import { DomainError, InvalidInputError } from '../../../server/errors/domain-error.js';
import { optionalText, requiredText } from '../../../server/errors/input-checks.js';
import {
  addSystemFiles,
  createSystemDocument,
  DocumentFormat,
  type SystemFileInput,
} from '../../../schema/documents/index.js';
import { smistaProtocol } from '../../../schema/assegnazioni/index.js';
import { ProtocolCcInput, ProtocolKind, registerProtocol } from '../../../schema/protocollo/index.js';
import { underSavepoint } from '../ingest/savepoint.js';
import { sendRegistrationReplies } from '../ingest/registration-replies.js';
import { PecMailboxKind, PecMessageState } from '../mailbox/pec-enums.js';
import { registrableMessage } from './message-access.js';
import { senderOf, validSegnatura } from './message-sender.js';
import { PecMessageDiscarded, PecMessageRegistered } from './pec-events.js';
import type { PecMessage } from './pec-message.entity.js';
import { eventData } from './store-incoming.service.js';
import type { StoredPart } from './stored-summary.js';

@InputType({
  description: 'What the operator sets when registering a message (the rest comes from the message)',
})
export class RegisterPecMessageInput {
  @Field(() => String, {
    nullable: true,
    description: "Oggetto (default: the Segnatura's, else the message's subject; at most 2000 characters)",
  })
  oggetto?: string | null;

  @Field(() => ID, { nullable: true, description: "The office (default: the mailbox's)" })
  uorId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Classification: a titolario node in force' })
  classificationId?: string | null;

  @Field(() => ID, { nullable: true, description: 'The fascicolo to file the document in' })
  fascicoloId?: string | null;

  @Field(() => [ID], {
    nullable: true,
    description:
      'Smistamento with the registration, in its transaction (as smistaProtocol, needs WORKFLOW_DISPATCH): offices (UOR ids) per competenza, the first prevalent',
  })
  competenza?: string[] | null;

  @Field(() => [ProtocolCcInput], {
    nullable: true,
    description: "Smistamento with the registration: offices or users per conoscenza (the record's CC list)",
  })
  conoscenza?: ProtocolCcInput[] | null;
}

function alreadyRegistered(): DomainError {
  return new DomainError(
    'PEC_MESSAGE_ALREADY_REGISTERED',
    'the message is already registered in the protocol',
  );
}

function notWaiting(m: PecMessage): DomainError {
  return new DomainError(
    'PEC_MESSAGE_STATE',
    m.state === PecMessageState.RECEIPT
      ? 'a receipt is matched to its delivery, not registered'
      : 'the message was discarded',
    { state: m.state },
  );
}

const FORMATS: ReadonlyArray<[RegExp, DocumentFormat]> = [
  [/^application\/pdf$/, DocumentFormat.PDF],
  [/^(application|text)\/xml$|\+xml$/, DocumentFormat.XML],
  [/^text\/plain$/, DocumentFormat.TXT],
  [/^message\/rfc822$/, DocumentFormat.EML],
  [/^image\/jpeg$/, DocumentFormat.JPEG],
  [/^image\/tiff$/, DocumentFormat.TIFF],
  [/^application\/(pkcs7-mime|x-pkcs7-mime)$/, DocumentFormat.P7M],
];

async function fileOf(
  ctx: RequestContext,
  part: StoredPart,
  description: string | null,
): Promise<SystemFileInput> {
  const format = FORMATS.find(([re]) => re.test(part.mediaType.toLowerCase()))?.[1] ?? DocumentFormat.OTHER;
  return {
    bytes: Buffer.concat((await (await ctx.platform.blobs.get(part.blobKey)).toArray()) as Buffer[]),
    name: part.fileName,
    mediaType: part.mediaType,
    format,
    formatAccepted: format !== DocumentFormat.OTHER,
    description,
  };
}

/**
 * Registers an incoming message in the protocol as an ARRIVO record, in one transaction: a
 * document of the platform with the message's files (primary: the document the Segnatura names,
 * else the certified message postacert.eml; the attachments after it), the record through the
 * protocol's registerProtocol (the caller needs PROTOCOL_REGISTER there too), the message
 * REGISTERED with its record; with competenza or conoscenza, the smistamento too (the
 * assignment workflow's smistaProtocol, its rules and WORKFLOW_DISPATCH: refused, nothing is
 * registered). At most once: the row is locked, and UNIQUE (record_id) with the state check
 * stands behind it. The replies the registration owes the sender (Conferma or Eccezione, the
 * receipt of registration) are enqueued in the same transaction, under a savepoint so a reply
 * that cannot be built now does not undo the registration (the event handler and the
 * reconciliation job retry it; each reply is claimed once).
 */
export async function registerPecMessage(
  ctx: RequestContext,
  id: string,
  input: RegisterPecMessageInput,
): Promise<PecMessage> {
  return withTransaction(ctx, async (tx) => {
    const { message, mailbox } = await registrableMessage(tx, id);
    if (message.state === PecMessageState.REGISTERED) throw alreadyRegistered();
    if (message.state !== PecMessageState.TO_REGISTER) throw notWaiting(message);
    const userId = tx.user?.id;
    if (!userId) throw new InvalidInputError('id', 'a registration is made by a user');
    const s = message.summary;
    const segnatura = validSegnatura(s);
    const oggetto =
      optionalText('input.oggetto', input.oggetto, 2000) ??
      requiredText(
        'input.oggetto',
        segnatura?.oggetto ?? s.daticert?.oggetto ?? s.original?.subject ?? s.subject ?? '(senza oggetto)',
        2000,
      );
    const pec = mailbox.kind === PecMailboxKind.PEC;
    const sender = senderOf(s, pec);
    const named = segnatura?.primaryName
      ? s.attachments.find((a) => a.fileName === segnatura.primaryName)
      : undefined;
    const primary = named ?? s.postacert;
    if (!primary)
      throw new InvalidInputError(
        'id',
        'the message has neither a certified message nor a named document to register',
      );
    const rest = s.attachments.filter((a) => a !== named);
    const uorId = input.uorId ?? mailbox.uorId;
    const document = await createSystemDocument(tx, {
      aooId: mailbox.aooId,
      uorId,
      createdById: userId,
      oggetto,
    });
    await addSystemFiles(tx, document, [
      await fileOf(tx, primary, named ? null : 'Messaggio ricevuto'),
      ...(await Promise.all(rest.map((a) => fileOf(tx, a, null)))),
    ]);
    const record = await registerProtocol(tx, {
      kind: ProtocolKind.ARRIVO,
      documentId: document.id,
      oggetto,
      correspondents: sender ? [sender] : [],
      anonymousSender: sender === null,
      uorId,
      classificationId: input.classificationId ?? null,
      fascicoloId: input.fascicoloId ?? null,
      meansOfTransmission: pec ? 'PEC' : 'EMAIL',
    });
    const competenza = input.competenza ?? [];
    const conoscenza = input.conoscenza ?? [];
    if (competenza.length > 0 || conoscenza.length > 0)
      await smistaProtocol(tx, { recordId: record.id, competenza, conoscenza });
    message.state = PecMessageState.REGISTERED;
    message.recordId = record.id;
    message.registeredAt = tx.clock.now();
    message.registeredById = userId;
    await tx.audit({
      aooId: message.aooId,
      operation: 'pec.message.register',
      targetType: 'PecMessage',
      targetId: message.id,
      changes: { state: [PecMessageState.TO_REGISTER, PecMessageState.REGISTERED], recordId: record.id },
    });
    tx.publish(new PecMessageRegistered(eventData(message)));
    const replies = await underSavepoint(tx, (inner) => sendRegistrationReplies(inner, message.id));
    if (!replies.ok)
      tx.logger.warn(
        { err: replies.error, pecMessageId: message.id },
        'PEC: the replies to a registration are left to the handler and the reconciliation job',
      );
    return message;
  });
}

/** Discards a message waiting for an operator, with the reason (kept, audited). */
export async function discardPecMessage(
  ctx: RequestContext,
  id: string,
  reason: string,
): Promise<PecMessage> {
  return withTransaction(ctx, async (tx) => {
    const { message } = await registrableMessage(tx, id);
    const why = reason.trim();
    if (why.length === 0 || why.length > 2000) {
      throw new DomainError(
        'PEC_DISCARD_REASON_REQUIRED',
        'reason: say why the message is discarded (1 to 2000 characters)',
        {
          field: 'reason',
        },
      );
    }
    if (message.state === PecMessageState.REGISTERED) throw alreadyRegistered();
    if (message.state !== PecMessageState.TO_REGISTER) throw notWaiting(message);
    message.state = PecMessageState.DISCARDED;
    message.discardReason = why;
    message.discardedAt = tx.clock.now();
    message.discardedById = tx.user?.id ?? null;
    await tx.audit({
      aooId: message.aooId,
      operation: 'pec.message.discard',
      targetType: 'PecMessage',
      targetId: message.id,
      changes: { state: [PecMessageState.TO_REGISTER, PecMessageState.DISCARDED], reason: why },
    });
    tx.publish(new PecMessageDiscarded(eventData(message)));
    return message;
  });
}
