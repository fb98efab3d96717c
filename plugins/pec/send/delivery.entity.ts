import { randomUUID } from 'node:crypto';
import { Entity, Enum, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { AnyAuthenticated } from '../../../server/auth/access.js';
import { Acl } from '../../../server/auth/acl.js';
import type { RequestContext } from '../../../server/context.js';
import { PROTOCOL_READ_PERSONAL_DATA } from '../../../schema/documents/index.js';
import { PecDeliveryState } from './delivery-state.js';

/** A person's address and name are personal data, as on the record's correspondents. */
const personalData = (ctx: RequestContext, d: PecDelivery): boolean =>
  !d.recipientIsPerson || ctx.grants.has(PROTOCOL_READ_PERSONAL_DATA, d.aooId);

/**
 * One outgoing PEC message to one recipient: a protocol record (its registratura is the
 * content) or stored content (an interoperability message, a receipt of registration). The
 * Message-ID is chosen when it is enqueued, so receipts match it whenever they arrive, and a
 * send repeated after a crash carries the same one.
 */
@Entity({ tableName: 'pec_delivery' })
// Not simpleResolvers: the field-level ACL of personal data is a middleware.
@ObjectType({
  description: 'An outgoing PEC message to one recipient, its state and its receipts',
})
// Reached only through ProtocolRecord.pecDeliveries and sendProtocolByPec, which check the record.
@AnyAuthenticated()
export class PecDelivery {
  [OptionalProps]?:
    | 'state'
    | 'attempts'
    | 'lastError'
    | 'sentAt'
    | 'recordId'
    | 'contentId'
    | 'relatedRecordId'
    | 'recipientName';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  aooId!: string;

  @Property({ type: 'uuid' })
  @Field(() => ID, { description: 'The PEC mailbox it is sent from' })
  mailboxId!: string;

  @Property({ type: 'uuid', nullable: true })
  recordId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  contentId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  relatedRecordId: string | null = null;

  @Property({ type: 'uuid' })
  sendRequestId!: string;

  @Property({ length: 254 })
  @Field(() => String, {
    nullable: true,
    description: 'The recipient’s address (lower case); a person’s is personal data',
  })
  @Acl<PecDelivery>(PROTOCOL_READ_PERSONAL_DATA, personalData)
  recipientAddress!: string;

  @Property({ length: 300, nullable: true })
  @Field(() => String, {
    nullable: true,
    description: 'The recipient’s name, as registered; a person’s is personal data',
  })
  @Acl<PecDelivery>(PROTOCOL_READ_PERSONAL_DATA, personalData)
  recipientName: string | null = null;

  @Property()
  recipientIsPerson!: boolean;

  @Property({ length: 998 })
  @Field({
    description:
      'The Message-ID of the message (with <>): receipts refer to it (X-Riferimento-Message-ID); a send repeated after a crash carries the same one',
  })
  messageId!: string;

  @Enum({ items: () => PecDeliveryState, length: 20 })
  @Field(() => PecDeliveryState, { description: 'Where it stands; it only moves forward' })
  state: PecDeliveryState = PecDeliveryState.QUEUED;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'SMTP submissions tried so far' })
  attempts: number = 0;

  @Property({ length: 2000, nullable: true })
  @Field(() => String, { nullable: true, description: 'The last SMTP failure, as the server answered' })
  lastError: string | null = null;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When it was enqueued' })
  queuedAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When the provider’s SMTP server accepted it' })
  sentAt: Date | null = null;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When the state last changed' })
  stateChangedAt!: Date;
}
