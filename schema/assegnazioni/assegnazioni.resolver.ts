import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { AnyAuthenticated, Requires } from '../../server/auth/access.js';
import type { RequestContext } from '../../server/context.js';
import { ProtocolRecord } from '../protocollo/index.js';
import {
  AssignRpaInput,
  RejectAssignmentInput,
  ReturnAssignmentInput,
  SmistaProtocolInput,
  TransferAssignmentInput,
} from './assegnazioni.inputs.js';
import * as assignments from './assignment.service.js';
import { Assignment } from './assignment.entity.js';
import { WORKFLOW_DISPATCH } from './permissions.js';
import { smistaProtocol } from './smistamento.service.js';

@Resolver()
export class AssegnazioniResolver {
  @Mutation(() => ProtocolRecord, {
    description:
      'Smistamento: send a registration to offices per competenza (the first prevalent) and per conoscenza (CC)',
  })
  @Requires(WORKFLOW_DISPATCH)
  smistaProtocol(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => SmistaProtocolInput, { description: 'Where it goes' }) input: SmistaProtocolInput,
  ): Promise<ProtocolRecord> {
    return smistaProtocol(ctx, input);
  }

  @Mutation(() => Assignment, {
    description:
      "Name the RPA of an assignment (the office's head, or WORKFLOW_ASSIGN over it); digital documents are taken in charge at once",
  })
  @AnyAuthenticated()
  assignRpa(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => AssignRpaInput, { description: 'The assignment and its RPA' }) input: AssignRpaInput,
  ): Promise<Assignment> {
    return assignments.assignRpa(ctx, input);
  }

  @Mutation(() => Assignment, {
    description: 'The RPA confirms taking in charge the paper original of an assignment (presa in carico)',
  })
  @AnyAuthenticated()
  takeInCharge(
    @Ctx() ctx: RequestContext,
    @Arg('assignmentId', () => ID, { description: 'The assignment' }) assignmentId: string,
  ): Promise<Assignment> {
    return assignments.takeInCharge(ctx, assignmentId);
  }

  @Mutation(() => Assignment, {
    description:
      'Rigetto: the office says the registration is not its own, naming the right office; it returns to the protocol office',
  })
  @AnyAuthenticated()
  rejectAssignment(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => RejectAssignmentInput, { description: 'The assignment, why, and the right office' })
    input: RejectAssignmentInput,
  ): Promise<Assignment> {
    return assignments.rejectAssignment(ctx, input);
  }

  @Mutation(() => Assignment, {
    description: 'Transfer the competence to another office; returns the new assignment',
  })
  @AnyAuthenticated()
  transferAssignment(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => TransferAssignmentInput, { description: 'The assignment and the office taking it' })
    input: TransferAssignmentInput,
  ): Promise<Assignment> {
    return assignments.transferAssignment(ctx, input);
  }

  @Mutation(() => Assignment, {
    description: 'Restituzione: the RPA gives the registration back to the office, to be assigned again',
  })
  @AnyAuthenticated()
  returnAssignment(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => ReturnAssignmentInput, { description: 'The assignment and why' })
    input: ReturnAssignmentInput,
  ): Promise<Assignment> {
    return assignments.returnAssignment(ctx, input);
  }
}
