import { randomUUID } from 'node:crypto';
import { Entity, Enum, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import { AssignmentState } from './assegnazioni-enums.js';

/**
 * One office's competence over one registration (DOMAIN §6): sent per competenza, an RPA
 * assigned, taken in charge, or ended by rejection or transfer. The prevalent one gives the
 * record its UOR and RPA.
 */
@Entity({ tableName: 'assignment' })
@ObjectType({ simpleResolvers: true, description: "An office's competence over a registration" })
@AnyAuthenticated()
export class Assignment {
  [OptionalProps]?: 'rpaId' | 'assignedAt' | 'assignedById' | 'takenAt' | 'closedAt';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  aooId!: string;

  @Property({ type: 'uuid' })
  recordId!: string;

  @Property({ type: 'uuid' })
  documentId!: string;

  @Property({ type: 'uuid' })
  uorId!: string;

  @Property()
  @Field({
    description: 'Whether this is the prevalent competence (the first office; it holds the fascicolo)',
  })
  prevalent!: boolean;

  @Enum({ items: () => AssignmentState, length: 12 })
  @Field(() => AssignmentState, { description: 'Where the competence stands' })
  state!: AssignmentState;

  @Property()
  @Field({ description: 'Whether the original is paper: the RPA confirms taking it in charge' })
  paper!: boolean;

  @Property({ type: 'uuid', nullable: true })
  rpaId: string | null = null;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When it was sent to the office' })
  sentAt!: Date;

  @Property({ type: 'uuid', nullable: true, fieldName: 'sent_by' })
  sentById!: string | null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When the RPA was assigned' })
  assignedAt: Date | null = null;

  @Property({ type: 'uuid', nullable: true, fieldName: 'assigned_by' })
  assignedById: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When the RPA took it in charge (the date of entry)' })
  takenAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When it ended (rejected or transferred)' })
  closedAt: Date | null = null;
}
