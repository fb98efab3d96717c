import { Field, ID, InputType, Int } from 'type-graphql';
import { PecMailboxKind } from './pec-enums.js';

@InputType({ description: 'How the platform reaches a mail server' })
export class PecServerInput {
  @Field({ description: 'Host name (at most 253 characters)' })
  host!: string;

  @Field(() => Int, { description: 'TCP port (1..65535)' })
  port!: number;

  @Field({ description: 'Implicit TLS from the start of the connection' })
  tls!: boolean;

  @Field({ description: 'The account name (at most 254 characters)' })
  user!: string;
}

@InputType({ description: 'A new mailbox of an AOO' })
export class CreatePecMailboxInput {
  @Field(() => ID, { description: 'The AOO (the caller manages its mailboxes)' })
  aooId!: string;

  @Field({ description: 'The e-mail address (stored in lower case, unique in the AOO)' })
  address!: string;

  @Field(() => PecMailboxKind, { description: 'PEC or PEO' })
  kind!: PecMailboxKind;

  @Field({ description: 'What the mailbox is for (at most 500 characters)' })
  description!: string;

  @Field(() => PecServerInput, { description: 'IMAP settings' })
  imap!: PecServerInput;

  @Field(() => PecServerInput, { description: 'SMTP settings' })
  smtp!: PecServerInput;

  @Field(() => String, {
    nullable: true,
    description: 'The account password (stored encrypted, never returned; at most 1024 characters)',
  })
  password?: string | null;

  @Field(() => ID, { description: 'The office registrations belong to by default (an office of the AOO)' })
  uorId!: string;

  @Field({ nullable: true, description: 'Register incoming messages without an operator (default false)' })
  autoRegister?: boolean;

  @Field({ nullable: true, description: 'Send the receipt of registration to PEC senders (default false)' })
  sendRegistrationReceipt?: boolean;

  @Field(() => ID, {
    nullable: true,
    description:
      "The user automatic registrations and annotations are recorded as (required with autoRegister): an active member of the AOO with PROTOCOL_REGISTER over the mailbox's office and the mailbox's register right",
  })
  registrarId?: string | null;
}

@InputType({ description: 'Changes to a mailbox: a field left out stays' })
export class UpdatePecMailboxInput {
  @Field(() => ID, { description: 'The mailbox' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'What the mailbox is for' })
  description?: string | null;

  @Field(() => PecServerInput, { nullable: true, description: 'IMAP settings' })
  imap?: PecServerInput | null;

  @Field(() => PecServerInput, { nullable: true, description: 'SMTP settings' })
  smtp?: PecServerInput | null;

  @Field(() => String, {
    nullable: true,
    description: 'A new password (stored encrypted, never returned); an empty string removes it',
  })
  password?: string | null;

  @Field(() => ID, { nullable: true, description: 'The default office' })
  uorId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Register without an operator' })
  autoRegister?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Send the receipt of registration to PEC senders' })
  sendRegistrationReceipt?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether the mailbox is read and sent from' })
  active?: boolean | null;

  @Field(() => ID, {
    nullable: true,
    description:
      'The registrar (see CreatePecMailboxInput.registrarId); an empty string removes it (only with autoRegister off)',
  })
  registrarId?: string | null;
}

@InputType({ description: 'A right on a mailbox: exactly one of userId or uorId' })
export class PecMailboxGrantInput {
  @Field(() => ID, { nullable: true, description: 'A user with an open membership in the AOO' })
  userId?: string | null;

  @Field(() => ID, { nullable: true, description: 'An office of the AOO (its members hold the right)' })
  uorId?: string | null;

  @Field({ description: 'Read incoming messages' })
  canRead!: boolean;

  @Field({ description: 'Register or discard incoming messages (implies reading)' })
  canRegister!: boolean;

  @Field({ description: 'Send registrations through the mailbox (implies reading)' })
  canSend!: boolean;
}
