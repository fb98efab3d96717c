import { randomUUID } from 'node:crypto';
import { Entity, Enum, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';

export enum RaccoglitoreState {
  OPEN = 'OPEN',
  CLOSED = 'CLOSED',
}

registerEnumType(RaccoglitoreState, {
  name: 'RaccoglitoreState',
  description: 'Whether a raccoglitore still takes documents',
  valuesConfig: {
    OPEN: { description: 'Documents can be added and removed; it can be renamed and described' },
    CLOSED: { description: 'Frozen: readable, with its documents and history, but no longer changed' },
  },
});

/**
 * A raccoglitore (001 §4.8): a named container grouping documents of different fascicoli on a
 * topic, with no classification and no number. It belongs to an AOO and is owned by a UOR, whose
 * readers see it (RACCOGLITORE_READ); its documents keep their own visibility.
 */
@Entity({ tableName: 'raccoglitore' })
@ObjectType({
  simpleResolvers: true,
  description:
    'A named container grouping documents of different fascicoli on a topic (no classification, no number)',
})
@AnyAuthenticated()
export class Raccoglitore {
  [OptionalProps]?: 'description' | 'state' | 'closedAt' | 'closedById';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier of the raccoglitore' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  aooId!: string;

  /** The owner office: row visibility follows it. */
  @Property({ type: 'uuid' })
  uorId!: string;

  @Property({ type: 'text' })
  @Field({ description: 'Its name, unique among the open raccoglitori of the AOO (case ignored)' })
  name!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'What it gathers, and why' })
  description: string | null = null;

  @Enum({ items: () => RaccoglitoreState })
  @Field(() => RaccoglitoreState, { description: 'Open, or closed (read-only)' })
  state: RaccoglitoreState = RaccoglitoreState.OPEN;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When it was created' })
  createdAt!: Date;

  @Property({ type: 'uuid', fieldName: 'created_by' })
  createdById!: string;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When its name, description or state last changed' })
  updatedAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When it was closed; null while open' })
  closedAt: Date | null = null;

  @Property({ type: 'uuid', nullable: true, fieldName: 'closed_by' })
  closedById: string | null = null;
}
