import { randomUUID } from 'node:crypto';
import { Entity, Enum, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { AnyAuthenticated } from '../../../server/auth/access.js';
import { PecMailboxKind } from './pec-enums.js';

@ObjectType({ simpleResolvers: true, description: 'How the platform reaches a mail server (no secret)' })
@AnyAuthenticated()
export class PecServerSettings {
  @Field({ description: 'Host name' })
  host!: string;

  @Field(() => Int, { description: 'TCP port' })
  port!: number;

  @Field({ description: 'Whether the connection is TLS from the start (implicit TLS)' })
  tls!: boolean;

  @Field({ description: 'The account the platform signs in as' })
  user!: string;
}

/**
 * A PEC or PEO mailbox of an AOO (DOMAIN §8): where its messages are read (IMAP) and sent from
 * (SMTP). The password is kept encrypted (mailbox-secret.ts) and no field returns it.
 */
@Entity({ tableName: 'pec_mailbox' })
@ObjectType({ simpleResolvers: true, description: 'A PEC or ordinary mailbox of an AOO' })
@AnyAuthenticated()
export class PecMailbox {
  [OptionalProps]?: 'passwordCipher' | 'updatedAt' | 'hasPassword' | 'imap' | 'smtp' | 'registrarId';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  @Field(() => ID, { description: 'The AOO the mailbox belongs to' })
  aooId!: string;

  @Property({ length: 254 })
  @Field({ description: 'The e-mail address (lower case, unique in the AOO)' })
  address!: string;

  @Enum({ items: () => PecMailboxKind, length: 3 })
  @Field(() => PecMailboxKind, { description: 'PEC or PEO' })
  kind!: PecMailboxKind;

  @Property({ length: 500 })
  @Field({ description: 'What the mailbox is for' })
  description!: string;

  @Property({ length: 253 })
  imapHost!: string;

  @Property()
  imapPort!: number;

  @Property()
  imapTls!: boolean;

  @Property({ length: 254 })
  imapUser!: string;

  @Property({ length: 253 })
  smtpHost!: string;

  @Property()
  smtpPort!: number;

  @Property()
  smtpTls!: boolean;

  @Property({ length: 254 })
  smtpUser!: string;

  /** AES-256-GCM: iv (12) ‖ tag (16) ‖ ciphertext; the row id is the additional data. */
  @Property({ type: 'blob', nullable: true, lazy: true })
  passwordCipher: Buffer | null = null;

  /** Read with the row (the cipher itself is lazy); the services set it when they change the cipher. */
  @Property({ formula: (a) => `(${String(a)}.password_cipher is not null)`, persist: false })
  @Field({ description: 'Whether a password is set (it is never returned)' })
  hasPassword!: boolean;

  @Property()
  @Field({ description: 'Whether incoming messages are registered without an operator' })
  autoRegister!: boolean;

  /**
   * Who automatic acts are recorded as (a record is always registered by someone, its rights
   * checked as for a person): named by the mailbox's manager, checked when named and again at
   * each act (mailbox-registrar.ts).
   */
  @Property({ type: 'uuid', nullable: true })
  @Field(() => ID, {
    nullable: true,
    description:
      "The user automatic registrations and annotations are recorded as (required when autoRegister is on): an active member of the AOO holding PROTOCOL_REGISTER over the mailbox's office and its register right",
  })
  registrarId: string | null = null;

  @Property()
  @Field({ description: 'Whether a PEC sender receives the receipt of registration automatically' })
  sendRegistrationReceipt!: boolean;

  @Property()
  @Field({ description: 'Whether the mailbox is read and sent from' })
  active!: boolean;

  @Property({ type: 'uuid' })
  @Field(() => ID, {
    description: 'The office registrations from this mailbox belong to unless the operator names another',
  })
  uorId!: string;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When it was created' })
  createdAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When it was last changed' })
  updatedAt: Date | null = null;

  @Field(() => PecServerSettings, { description: 'IMAP settings (incoming)' })
  get imap(): PecServerSettings {
    return { host: this.imapHost, port: this.imapPort, tls: this.imapTls, user: this.imapUser };
  }

  @Field(() => PecServerSettings, { description: 'SMTP settings (outgoing)' })
  get smtp(): PecServerSettings {
    return { host: this.smtpHost, port: this.smtpPort, tls: this.smtpTls, user: this.smtpUser };
  }
}
