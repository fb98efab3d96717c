import { Field, ID, ObjectType } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
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

  recordId!: string;
  assignmentId!: string | null;
}
