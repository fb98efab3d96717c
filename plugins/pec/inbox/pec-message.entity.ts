import { randomUUID } from 'node:crypto';
import { Entity, Enum, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { AnyAuthenticated } from '../../../server/auth/access.js';
import { PecMessageKind, PecMessageState } from '../mailbox/pec-enums.js';
import type { StoredSummary } from './stored-summary.js';

/**
 * One message as the mailbox received it: the raw bytes in the blob store (by SHA-256), what
 * the parser understood (summary), the outcomes of the checks (never blocking), and where it
 * stands (to register, registered with its record, discarded with the reason, a receipt).
 * UNIQUE (mailbox, sha256) and (mailbox, Message-ID) make ingest idempotent.
 */
@Entity({ tableName: 'pec_message' })
@ObjectType({ simpleResolvers: true, description: 'A message received by a mailbox' })
@AnyAuthenticated()
export class PecMessage {
  [OptionalProps]?:
    'recordId' | 'registeredAt' | 'registeredById' | 'discardReason' | 'discardedAt' | 'discardedById';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  aooId!: string;

  @Property({ type: 'uuid' })
  @Field(() => ID, { description: 'The mailbox that received it' })
  mailboxId!: string;

  @Enum({ items: () => PecMessageKind, length: 8 })
  @Field(() => PecMessageKind, { description: 'Busta, receipt, anomalia or ordinary mail' })
  kind!: PecMessageKind;

  @Property({ length: 32, nullable: true })
  @Field(() => String, {
    nullable: true,
    description: 'For a receipt: its kind (accettazione, avvenuta-consegna…)',
  })
  receiptKind!: string | null;

  @Enum({ items: () => PecMessageState, length: 12 })
  @Field(() => PecMessageState, { description: 'Where it stands' })
  state!: PecMessageState;

  @Property({ length: 998, nullable: true })
  @Field(() => String, { nullable: true, description: 'Message-ID of the message as received (with <>)' })
  messageId!: string | null;

  @Property({ length: 64 })
  @Field({ description: 'SHA-256 (hex) of the raw message' })
  sha256!: string;

  @Property({ type: 'bigint' })
  @Field(() => Int, { description: 'Size of the raw message in bytes' })
  size!: number;

  @Property({ type: 'text' })
  rawBlobKey!: string;

  @Property({ type: 'jsonb' })
  summary!: StoredSummary;

  @Property({ length: 10 })
  @Field({ description: "Outcome of the provider's signature check: valid, invalid, unsigned, untrusted" })
  signatureOutcome!: string;

  @Property({ type: 'jsonb' })
  @Field(() => [String], {
    description: 'What was wrong with the message (each a clear reason); empty when nothing',
  })
  problems!: string[];

  @Property({ type: 'bigint', nullable: true })
  imapUidValidity!: string | null;

  @Property({ type: 'bigint', nullable: true })
  imapUid!: string | null;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When the platform stored it' })
  receivedAt!: Date;

  @Property({ type: 'uuid', nullable: true })
  @Field(() => ID, { nullable: true, description: 'The registration made from it' })
  recordId: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When it was registered' })
  registeredAt: Date | null = null;

  @Property({ type: 'uuid', nullable: true, fieldName: 'registered_by' })
  registeredById: string | null = null;

  @Property({ length: 2000, nullable: true })
  @Field(() => String, { nullable: true, description: 'Why it was discarded' })
  discardReason: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When it was discarded' })
  discardedAt: Date | null = null;

  @Property({ type: 'uuid', nullable: true, fieldName: 'discarded_by' })
  discardedById: string | null = null;
}
