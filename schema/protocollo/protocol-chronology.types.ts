import { Field, ID, ObjectType } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import { Connection } from '../../server/graphql/connection.js';
import { ListSize } from '../../server/graphql/list-size.js';

@ObjectType({
  simpleResolvers: true,
  description: 'A field changed by an operation: its value before and after',
})
@AnyAuthenticated()
export class ChronologyFieldChange {
  @Field({ description: 'The field' })
  field!: string;

  @Field(() => String, { nullable: true, description: 'Before, as JSON text; null when it had none' })
  before!: string | null;

  @Field(() => String, { nullable: true, description: 'After, as JSON text; null when it has none' })
  after!: string | null;
}

/** One thing that happened to a registration, from the audit trail. */
@ObjectType({
  simpleResolvers: true,
  description: 'One event of the chronology of a registration (from the audit trail)',
})
@AnyAuthenticated()
export class ChronologyEntry {
  @Field(() => ID, { description: 'The audit row (its link in the AOO chain verifies it)' })
  auditId!: string;

  @Field({ description: 'When (UTC, to the microsecond as recorded)' })
  at!: Date;

  @Field({
    description:
      'What: protocol.register, workflow.smista, workflow.assignRpa, protocol.updateFields, fascicolo.file-document, protocol.annul, protocolRecord.read, file.download…',
  })
  operation!: string;

  @Field(() => ID, { nullable: true, description: 'Who (the user id); null for the system' })
  actorId!: string | null;

  @Field(() => String, { nullable: true, description: 'Who, as their username was then' })
  actorUsername!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'From where: the client address (postazione di lavoro)',
  })
  clientIp!: string | null;

  @Field(() => String, { nullable: true, description: 'With what: the client’s user agent' })
  userAgent!: string | null;

  @Field({ description: 'What it acted on: ProtocolRecord, Document, StoredFile, Fascicolo' })
  targetType!: string;

  @Field(() => String, { nullable: true, description: 'Its id' })
  targetId!: string | null;

  @Field(() => [ChronologyFieldChange], { description: 'Fields changed, with their values before and after' })
  @ListSize({ maxItems: 50 })
  fieldChanges!: ChronologyFieldChange[];

  @Field({ description: 'Every fact the operation recorded, as JSON text' })
  details!: string;

  /** The exact time, in microseconds since the epoch (the page cursor's key). */
  micros!: string;
}

@ObjectType({ description: 'A page of the chronology of a registration (Relay connection), oldest first' })
export class ChronologyEntryConnection extends Connection(ChronologyEntry, 'ChronologyEntry') {}
