import { randomUUID } from 'node:crypto';
import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { AnyAuthenticated } from '../../../server/auth/access.js';

/** Who may use one mailbox and for what: a user, or every member of an office (UOR). */
@Entity({ tableName: 'pec_mailbox_grant' })
@ObjectType({ simpleResolvers: true, description: 'A right on a mailbox given to a user or an office' })
@AnyAuthenticated()
export class PecMailboxGrant {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  @Field(() => ID, { description: 'The mailbox' })
  mailboxId!: string;

  @Property({ type: 'uuid', nullable: true })
  @Field(() => ID, { nullable: true, description: 'The user (or null: an office)' })
  userId!: string | null;

  @Property({ type: 'uuid', nullable: true })
  @Field(() => ID, { nullable: true, description: 'The office whose members hold it (or null: a user)' })
  uorId!: string | null;

  @Property()
  @Field({ description: 'Read the incoming messages' })
  canRead!: boolean;

  @Property()
  @Field({ description: 'Register or discard incoming messages' })
  canRegister!: boolean;

  @Property()
  @Field({ description: 'Send registrations through the mailbox' })
  canSend!: boolean;
}
