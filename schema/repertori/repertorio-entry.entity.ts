import { randomUUID } from 'node:crypto';
import { Entity, Enum, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';

export enum RepertorioEntryState {
  REGISTRATO = 'REGISTRATO',
  ANNULLATO = 'ANNULLATO',
}

registerEnumType(RepertorioEntryState, {
  name: 'RepertorioEntryState',
  description: 'Whether a repertorio entry stands or was annulled',
  valuesConfig: {
    REGISTRATO: { description: 'Registered: the entry stands' },
    ANNULLATO: { description: 'Annulled: still listed with its number, the reason, who and when' },
  },
});

/**
 * One registration in a repertorio: a document with the next number of the repertorio's year.
 * Number, year, date and document never change (the database refuses it); an annulment keeps
 * the entry, marked ANNULLATO with reason, operator and time.
 */
@Entity({ tableName: 'repertorio_entry' })
@ObjectType({
  simpleResolvers: true,
  description: 'A registration in a repertorio (number/year of a document)',
})
@AnyAuthenticated()
export class RepertorioEntry {
  [OptionalProps]?: 'state' | 'annulledAt' | 'annulledById' | 'annulmentReason';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  repertorioId!: string;

  @Property({ type: 'uuid' })
  aooId!: string;

  @Property({ type: 'uuid' })
  documentId!: string;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Number in the repertorio and year: 1, 2, 3… with no gaps' })
  number!: number;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Year of the number (the Italian calendar year of the registration)' })
  year!: number;

  @Property({ type: 'date' })
  @Field({ description: 'Date of the registration, YYYY-MM-DD (Italian calendar day)' })
  date!: string;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When the entry was registered' })
  registeredAt!: Date;

  @Property({ type: 'uuid', fieldName: 'registered_by' })
  registeredById!: string;

  @Enum({ items: () => RepertorioEntryState })
  @Field(() => RepertorioEntryState, { description: 'Registered, or annulled (the entry stays listed)' })
  state: RepertorioEntryState = RepertorioEntryState.REGISTRATO;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When it was annulled' })
  annulledAt: Date | null = null;

  @Property({ type: 'uuid', nullable: true, fieldName: 'annulled_by' })
  annulledById: string | null = null;

  @Property({ length: 2000, nullable: true })
  @Field(() => String, { nullable: true, description: 'Why it was annulled' })
  annulmentReason: string | null = null;
}
