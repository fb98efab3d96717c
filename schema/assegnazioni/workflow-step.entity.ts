import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import { WorkflowAction } from './assegnazioni-enums.js';

/**
 * A step of a registration's workflow: who, when, from where, to whom, and the note.
 * Append-only (SQL); its increasing id is the event id subscribers resume from.
 */
@Entity({ tableName: 'workflow_step' })
@ObjectType({ simpleResolvers: true, description: 'A step of the assignment workflow of a registration' })
@AnyAuthenticated()
export class WorkflowStep {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  @Field(() => ID, { description: 'Increasing: the event id a subscriber that reconnects resumes from' })
  id!: string;

  @Property({ type: 'uuid' })
  aooId!: string;

  @Property({ type: 'uuid' })
  recordId!: string;

  @Property({ type: 'uuid' })
  documentId!: string;

  @Property({ type: 'uuid', nullable: true })
  @Field(() => ID, { nullable: true, description: 'The assignment the step concerns; null for CC' })
  assignmentId!: string | null;

  @Enum({ items: () => WorkflowAction, length: 16 })
  @Field(() => WorkflowAction, { description: 'What happened' })
  action!: WorkflowAction;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When (the request clock)' })
  at!: Date;

  @Property({ type: 'uuid', nullable: true })
  actorId!: string | null;

  @Property({ type: 'uuid', nullable: true })
  fromUorId!: string | null;

  @Property({ type: 'uuid', nullable: true })
  toUorId!: string | null;

  @Property({ type: 'uuid', nullable: true })
  fromUserId!: string | null;

  @Property({ type: 'uuid', nullable: true })
  toUserId!: string | null;

  @Property({ type: 'uuid', nullable: true })
  suggestedUorId!: string | null;

  @Property({ length: 2000, nullable: true })
  @Field(() => String, { nullable: true, description: 'The note (mandatory for a rejection)' })
  note!: string | null;
}
