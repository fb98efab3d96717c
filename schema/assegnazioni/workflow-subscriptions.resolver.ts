import { Arg, Ctx, FieldResolver, ID, Resolver, Root, Subscription } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import type { RequestContext } from '../../server/context.js';
import { ProtocolRecord, protocolloLoaders } from '../protocollo/index.js';
import { workflowLoaders } from './assegnazioni-loaders.js';
import { AssignmentNotice } from './assignment-notice.types.js';
import { Assignment } from './assignment.entity.js';
import { InboxCounts } from './inbox.types.js';
import { WorkflowStep } from './workflow-step.entity.js';
import { assignmentStream, inboxCountsStream, MAX_REPLAY, type StepDelivery } from './workflow-streams.js';

interface AssignmentArgs {
  since?: string | null;
  sinceTime?: Date | null;
}

@Resolver()
export class WorkflowSubscriptionsResolver {
  @Subscription(() => AssignmentNotice, {
    description: `Registrations reaching the subscriber as they are committed (on any replica): sent to one of their offices per competenza or transferred to it, assigned to them as RPA, or sent to them or their offices per conoscenza; only those they may see at that moment. With since (an eventId) or sinceTime, the ones missed come first (at most ${MAX_REPLAY}; the inboxes hold the rest)`,
    subscribe: ({ args, context }) => {
      const a = args as AssignmentArgs;
      return assignmentStream(context as RequestContext, a.since ?? null, a.sinceTime ?? null);
    },
  })
  @AnyAuthenticated()
  assignmentReceived(
    @Root() step: StepDelivery,
    @Arg('since', () => ID, {
      nullable: true,
      description: 'The last eventId received: replay what followed it',
    })
    _since: string | null,
    @Arg('sinceTime', () => Date, { nullable: true, description: 'Replay what happened from this time' })
    _sinceTime: Date | null,
  ): AssignmentNotice {
    return {
      eventId: step.stepId,
      action: step.action,
      occurredAt: new Date(step.at),
      committedAt: new Date(step.committedAt ?? step.at),
      recordId: step.recordId,
      recordEntity: step.record,
      assignmentId: step.assignmentId,
    };
  }

  @Subscription(() => InboxCounts, {
    description:
      "The subscriber's inbox counts: the current ones at once, then new ones whenever a committed change alters them",
    subscribe: ({ context }) => inboxCountsStream(context as RequestContext),
  })
  @AnyAuthenticated()
  inboxChanged(@Root() counts: InboxCounts): InboxCounts {
    return counts;
  }
}

@Resolver(() => AssignmentNotice)
export class AssignmentNoticeFieldsResolver {
  @FieldResolver(() => ProtocolRecord, {
    nullable: true,
    description: 'The registration (checked visible when the event was delivered)',
  })
  @AnyAuthenticated()
  record(@Root() n: AssignmentNotice, @Ctx() ctx: RequestContext): Promise<ProtocolRecord | null> {
    return n.recordEntity
      ? Promise.resolve(n.recordEntity)
      : protocolloLoaders.visibleRecord(ctx).load(n.recordId);
  }

  @FieldResolver(() => Assignment, { nullable: true, description: 'The competence concerned; null for CC' })
  @AnyAuthenticated()
  assignment(@Root() n: AssignmentNotice, @Ctx() ctx: RequestContext): Promise<Assignment | null> {
    return n.assignmentId === null
      ? Promise.resolve(null)
      : workflowLoaders.assignment(ctx).load(n.assignmentId);
  }

  @FieldResolver(() => WorkflowStep, { nullable: true, description: 'The step, with who, from and note' })
  @AnyAuthenticated()
  step(@Root() n: AssignmentNotice, @Ctx() ctx: RequestContext): Promise<WorkflowStep | null> {
    return ctx.em.findOne(WorkflowStep, { id: n.eventId });
  }
}
