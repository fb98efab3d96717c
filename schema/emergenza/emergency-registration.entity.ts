import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';

/**
 * The emergency number and date of a protocol registration recovered from the emergency
 * register (001 §6.9): the record carries two numbers, the ordinary one (protocollo) and this
 * one, and this date is the legally relevant one. Written once at import, never changed.
 */
@Entity({ tableName: 'emergency_registration' })
@ObjectType({
  simpleResolvers: true,
  description:
    'The emergency registration of a protocol record: its number and date in the emergency register (the date that counts legally)',
})
@AnyAuthenticated()
export class EmergencyRegistration {
  @PrimaryKey({ type: 'uuid' })
  recordId!: string;

  @Property({ type: 'uuid' })
  registerId!: string;

  @Property({ type: 'uuid' })
  aooId!: string;

  @Property({ type: 'integer', fieldName: 'emergency_year' })
  @Field(() => Int, {
    description: 'Year of the emergency number (Italian calendar year of the emergency date)',
  })
  year!: number;

  @Property({ type: 'integer', fieldName: 'emergency_number' })
  @Field(() => Int, {
    description: 'Number in the emergency register of the AOO and year: 1, 2, 3… across sessions, no gaps',
  })
  number!: number;

  @Property({ type: 'timestamptz', fieldName: 'emergency_at' })
  @Field({ description: 'Date and time of the emergency registration (legally relevant)' })
  at!: Date;

  @Property({ type: 'timestamptz' })
  importedAt!: Date;

  @Property({ type: 'uuid', fieldName: 'imported_by' })
  importedById!: string;
}
