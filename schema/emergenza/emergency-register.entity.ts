import { randomUUID } from 'node:crypto';
import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';

/**
 * One session of the emergency register of an AOO (001 §6.9, DOMAIN §5): opened by the RGD when
 * the protocol system cannot be used, with the cause, the start of the outage and the act that
 * authorises it; closed with the time the service came back. At most one is open per AOO.
 */
@Entity({ tableName: 'emergency_register' })
@ObjectType({
  simpleResolvers: true,
  description: 'A session of the emergency register (registro di emergenza) of an AOO',
})
@AnyAuthenticated()
export class EmergencyRegister {
  [OptionalProps]?: 'endedAt' | 'closedAt' | 'closedById' | 'open';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  aooId!: string;

  @Property({ length: 2000 })
  @Field({ description: 'Why the protocol system could not be used' })
  cause!: string;

  @Property({ length: 500 })
  @Field({ description: 'The act that authorises the use of the emergency register' })
  authorisation!: string;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'Start of the outage (from when the emergency register is used)' })
  startedAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When the service came back; null while open' })
  endedAt: Date | null = null;

  @Field({ description: 'Whether the register is still open (no end yet)' })
  @AnyAuthenticated()
  get open(): boolean {
    return this.endedAt === null;
  }

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When it was opened in the system' })
  openedAt!: Date;

  @Property({ type: 'uuid', fieldName: 'opened_by' })
  openedById!: string;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When it was closed in the system' })
  closedAt: Date | null = null;

  @Property({ type: 'uuid', nullable: true, fieldName: 'closed_by' })
  closedById: string | null = null;
}
