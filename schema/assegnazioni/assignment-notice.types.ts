import { Field, ID, ObjectType } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import type { ProtocolRecord } from '../protocollo/index.js';
import { WorkflowAction } from './assegnazioni-enums.js';

/** What assignmentReceived delivers: a step that brought the subscriber work or knowledge. */
@ObjectType({
  simpleResolvers: true,
  description:
    'A registration reached the subscriber: sent to one of their offices, assigned to them, or in CC',
})
@AnyAuthenticated()
export class AssignmentNotice {
  @Field(() => ID, {
    description:
      'The event id (increasing): pass the last one seen as `since` when reconnecting; repeats around a reconnection carry the same id',
  })
  eventId!: string;

  @Field(() => WorkflowAction, { description: 'What happened' })
  action!: WorkflowAction;

  @Field({ description: 'When (the step’s time)' })
  occurredAt!: Date;

  @Field({
    description:
      'When the step’s transaction committed (the server’s clock right after COMMIT); for a replayed step, its time',
  })
  committedAt!: Date;

  recordId!: string;
  /** The record as the stream found it visible to the subscriber at this event (live notices). */
  recordEntity?: ProtocolRecord;
  assignmentId!: string | null;
}
