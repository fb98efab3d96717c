import { Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import type { RequestContext } from '../../server/context.js';
import { ListSize } from '../../server/graphql/list-size.js';
import { orgLoaders, Uor, User } from '../organisation/index.js';
import { ProtocolRecord, protocolloLoaders } from '../protocollo/index.js';
import { MAX_ASSIGNMENTS, MAX_STEPS, workflowLoaders } from './assegnazioni-loaders.js';
import { Assignment } from './assignment.entity.js';
import { WorkflowStep } from './workflow-step.entity.js';

@Resolver(() => Assignment)
export class AssignmentFieldsResolver {
  @FieldResolver(() => ProtocolRecord, {
    nullable: true,
    description: 'The registration; null when the caller no longer sees it (e.g. after rejecting it)',
  })
  @AnyAuthenticated()
  record(@Root() a: Assignment, @Ctx() ctx: RequestContext): Promise<ProtocolRecord | null> {
    return protocolloLoaders.visibleRecord(ctx).load(a.recordId);
  }

  @FieldResolver(() => Uor, { nullable: true, description: 'The office holding the competence' })
  @AnyAuthenticated()
  uor(@Root() a: Assignment, @Ctx() ctx: RequestContext): Promise<Uor | null> {
    return orgLoaders.uor(ctx).load(a.uorId);
  }

  @FieldResolver(() => User, { nullable: true, description: 'The RPA; null before assignment' })
  @AnyAuthenticated()
  rpa(@Root() a: Assignment, @Ctx() ctx: RequestContext): Promise<User | null> {
    return a.rpaId === null ? Promise.resolve(null) : orgLoaders.user(ctx).load(a.rpaId);
  }
}

@Resolver(() => WorkflowStep)
export class WorkflowStepFieldsResolver {
  @FieldResolver(() => User, { nullable: true, description: 'Who did it; null for the system' })
  @AnyAuthenticated()
  actor(@Root() s: WorkflowStep, @Ctx() ctx: RequestContext): Promise<User | null> {
    return user(ctx, s.actorId);
  }

  @FieldResolver(() => Uor, { nullable: true, description: 'The office it left' })
  @AnyAuthenticated()
  fromUor(@Root() s: WorkflowStep, @Ctx() ctx: RequestContext): Promise<Uor | null> {
    return uor(ctx, s.fromUorId);
  }

  @FieldResolver(() => Uor, { nullable: true, description: 'The office it reached' })
  @AnyAuthenticated()
  toUor(@Root() s: WorkflowStep, @Ctx() ctx: RequestContext): Promise<Uor | null> {
    return uor(ctx, s.toUorId);
  }

  @FieldResolver(() => User, { nullable: true, description: 'The user it left (the previous RPA)' })
  @AnyAuthenticated()
  fromUser(@Root() s: WorkflowStep, @Ctx() ctx: RequestContext): Promise<User | null> {
    return user(ctx, s.fromUserId);
  }

  @FieldResolver(() => User, { nullable: true, description: 'The user it reached (the RPA, a CC recipient)' })
  @AnyAuthenticated()
  toUser(@Root() s: WorkflowStep, @Ctx() ctx: RequestContext): Promise<User | null> {
    return user(ctx, s.toUserId);
  }

  @FieldResolver(() => Uor, {
    nullable: true,
    description: 'For a rejection: the office named as the right one',
  })
  @AnyAuthenticated()
  suggestedUor(@Root() s: WorkflowStep, @Ctx() ctx: RequestContext): Promise<Uor | null> {
    return uor(ctx, s.suggestedUorId);
  }
}

@Resolver(() => ProtocolRecord)
export class RecordWorkflowFieldsResolver {
  @FieldResolver(() => [Assignment], {
    description: 'The competences over the registration, active and ended, in the order sent',
  })
  @ListSize({ maxItems: MAX_ASSIGNMENTS })
  @AnyAuthenticated()
  assignments(@Root() r: ProtocolRecord, @Ctx() ctx: RequestContext): Promise<Assignment[]> {
    return workflowLoaders.assignmentsOfRecord(ctx).load(r.id);
  }

  @FieldResolver(() => [WorkflowStep], {
    description:
      'The workflow history: every smistamento, CC, assignment, presa in carico, rejection, transfer, restituzione',
  })
  @ListSize({ maxItems: MAX_STEPS })
  @AnyAuthenticated()
  workflow(@Root() r: ProtocolRecord, @Ctx() ctx: RequestContext): Promise<WorkflowStep[]> {
    return workflowLoaders.stepsOfRecord(ctx).load(r.id);
  }

  @FieldResolver(() => Int, {
    description: 'How many times offices rejected it (after 2, only the RGD sends it)',
  })
  @AnyAuthenticated()
  rejectionCount(@Root() r: ProtocolRecord, @Ctx() ctx: RequestContext): Promise<number> {
    return workflowLoaders.rejectionsOfRecord(ctx).load(r.id);
  }
}

function user(ctx: RequestContext, id: string | null): Promise<User | null> {
  return id === null ? Promise.resolve(null) : orgLoaders.user(ctx).load(id);
}

function uor(ctx: RequestContext, id: string | null): Promise<Uor | null> {
  return id === null ? Promise.resolve(null) : orgLoaders.uor(ctx).load(id);
}
