import { randomUUID } from 'node:crypto';
import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { AnyAuthenticated } from '../../../server/auth/access.js';

/**
 * A provider's receipt about an outgoing message, kept with its delivery (or with none when
 * it matched nothing: kept, never dropped). The raw message is the stored incoming PEC message
 * it came in (pec_message, bytes in the blob store): one receipt per stored message.
 */
@Entity({ tableName: 'pec_receipt' })
@ObjectType({ simpleResolvers: true, description: 'A PEC receipt (ricevuta) about an outgoing message' })
// Reached only through PecDelivery.receipts, under the record's visibility.
@AnyAuthenticated()
export class PecReceipt {
  [OptionalProps]?:
    | 'deliveryId'
    | 'riferimentoMessageId'
    | 'recipientAddress'
    | 'providerAt'
    | 'identificativo'
    | 'errore'
    | 'erroreEsteso'
    | 'daticert'
    | 'matchedAt';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  mailboxId!: string;

  @Property({ type: 'uuid' })
  pecMessageId!: string;

  @Property({ type: 'uuid', nullable: true })
  deliveryId: string | null = null;

  @Property({ length: 30 })
  @Field({
    description:
      'The kind (X-Ricevuta): accettazione, non-accettazione, presa-in-carico, avvenuta-consegna, errore-consegna, preavviso-errore-consegna or rilevazione-virus (X-Ricevuta)',
  })
  kind!: string;

  @Property({ length: 998, nullable: true })
  riferimentoMessageId: string | null = null;

  @Property({ length: 254, nullable: true })
  @Field(() => String, {
    nullable: true,
    description: 'The recipient a delivery receipt is about (daticert consegna)',
  })
  recipientAddress: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When the provider issued it (daticert data/ora)' })
  providerAt: Date | null = null;

  @Property({ length: 998, nullable: true })
  @Field(() => String, { nullable: true, description: 'The provider’s identifier of the message (daticert)' })
  identificativo: string | null = null;

  @Property({ length: 100, nullable: true })
  @Field(() => String, { nullable: true, description: 'The error the provider reports (daticert errore)' })
  errore: string | null = null;

  @Property({ length: 2000, nullable: true })
  @Field(() => String, { nullable: true, description: 'The provider’s explanation of the error' })
  erroreEsteso: string | null = null;

  @Property({ type: 'json', nullable: true })
  daticert: object | null = null;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When the receipt reached the mailbox' })
  receivedAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  matchedAt: Date | null = null;
}
