import type { RequestContext } from '../../server/context.js';
import { romeDay } from '../../server/clock.js';
import { withTransaction, type UnitOfWork } from '../../server/db/unit-of-work.js';
import { DomainError, InvalidInputError } from '../../server/errors/domain-error.js';
import { isUuid, optionalText, requiredText } from '../../server/errors/input-checks.js';
import { involveInDocument } from '../documents/index.js';
import { changeManagedFields } from '../protocollo/index.js';
import { ACTIVE_STATES, AssignmentState, WorkflowAction } from './assegnazioni-enums.js';
import type {
  AssignRpaInput,
  RejectAssignmentInput,
  ReturnAssignmentInput,
  TransferAssignmentInput,
} from './assegnazioni.inputs.js';
import { Assignment } from './assignment.entity.js';
import { WORKFLOW_ASSIGN, WORKFLOW_HANDLE } from './permissions.js';
import {
  checkActiveOffices,
  lockedAssignment,
  MAX_REJECTIONS,
  rejectionCount,
  requireActsForOffice,
  requireState,
} from './workflow-access.js';
import { recordSteps } from './workflow-steps.js';

/**
 * Names (or changes) the RPA of an assignment: the office's head or WORKFLOW_ASSIGN over it.
 * A digital document is taken in charge at once (the date of entry is the assignment's); a
 * paper original waits for the RPA's confirmation. The prevalent assignment's RPA is the
 * record's; a riservato record's RPA becomes one of those involved.
 */
export async function assignRpa(ctx: RequestContext, input: AssignRpaInput): Promise<Assignment> {
  return withTransaction(ctx, async (tx) => {
    const { assignment, record } = await lockedAssignment(tx, input.assignmentId);
    await requireActsForOffice(tx, assignment, WORKFLOW_ASSIGN, "assign this office's registrations");
    requireState(assignment, ACTIVE_STATES, 'assigning an RPA');
    const note = optionalText('input.note', input.note, 2000) ?? null;
    await checkRpaOfOffice(tx, assignment.uorId, input.rpaId);
    if (assignment.rpaId === input.rpaId) {
      throw new DomainError('ASSIGNMENT_STATE', 'the user is already the RPA of this assignment', {
        state: assignment.state,
      });
    }
    const previous = assignment.rpaId;
    const now = tx.clock.now();
    assignment.rpaId = input.rpaId;
    assignment.assignedAt = now;
    assignment.assignedById = tx.user?.id ?? null;
    assignment.state = assignment.paper ? AssignmentState.ASSEGNATO : AssignmentState.IN_CARICO;
    assignment.takenAt = assignment.paper ? null : now;
    await involveInDocument(tx, record.documentId, input.rpaId);
    if (assignment.prevalent)
      await changeManagedFields(tx, record, { rpaId: input.rpaId }, { byWorkflow: true });
    const steps = [
      {
        action: WorkflowAction.ASSEGNAZIONE,
        assignmentId: assignment.id,
        fromUserId: previous,
        toUorId: assignment.uorId,
        toUserId: input.rpaId,
        note,
      },
    ];
    if (!assignment.paper) {
      steps.push({
        action: WorkflowAction.PRESA_IN_CARICO,
        assignmentId: assignment.id,
        fromUserId: null,
        toUorId: assignment.uorId,
        toUserId: input.rpaId,
        note: 'automatic: digital document, taken in charge at assignment',
      });
    }
    await recordSteps(tx, record, 'workflow.assignRpa', steps);
    return assignment;
  });
}

/** The RPA confirms having the paper original (presa in carico); CC recipients never can. */
export async function takeInCharge(ctx: RequestContext, assignmentId: string): Promise<Assignment> {
  return withTransaction(ctx, async (tx) => {
    const { assignment, record } = await lockedAssignment(tx, assignmentId);
    requireRpa(tx, assignment, 'takes it in charge');
    requireState(assignment, [AssignmentState.ASSEGNATO], 'taking in charge');
    assignment.state = AssignmentState.IN_CARICO;
    assignment.takenAt = tx.clock.now();
    await recordSteps(tx, record, 'workflow.takeInCharge', [
      {
        action: WorkflowAction.PRESA_IN_CARICO,
        assignmentId: assignment.id,
        toUorId: assignment.uorId,
        toUserId: assignment.rpaId,
      },
    ]);
    return assignment;
  });
}

/**
 * Rigetto (DOMAIN §6): the office (head, WORKFLOW_HANDLE over it, or the RPA) says the
 * registration is not its own, with a mandatory note naming the right office; the competence
 * ends and the registration returns to the protocol office (its REJECTED inbox). At most two
 * rejections per registration (also enforced by PostgreSQL); after that only the RGD sends it.
 */
export async function rejectAssignment(
  ctx: RequestContext,
  input: RejectAssignmentInput,
): Promise<Assignment> {
  return withTransaction(ctx, async (tx) => {
    const { assignment, record } = await lockedAssignment(tx, input.assignmentId);
    await requireHandles(tx, assignment, 'reject registrations sent to this office');
    requireState(assignment, ACTIVE_STATES, 'rejecting');
    const note = requiredText('input.note', input.note, 2000);
    await checkActiveOffices(
      tx,
      record.aooId,
      [input.suggestedUorId],
      () => 'input.suggestedUorId',
      romeDay(tx.clock.now()),
    );
    if (input.suggestedUorId === assignment.uorId) {
      throw new InvalidInputError('input.suggestedUorId', 'name another office than the one rejecting');
    }
    if ((await rejectionCount(tx, record.id)) >= MAX_REJECTIONS) {
      throw new DomainError(
        'WORKFLOW_REJECTION_LIMIT',
        `record ${record.number}/${record.year} was already rejected ${MAX_REJECTIONS} times: it is not rejected again`,
      );
    }
    const rpa = assignment.rpaId;
    assignment.state = AssignmentState.RIGETTATO;
    assignment.closedAt = tx.clock.now();
    if (assignment.prevalent) {
      // Back to the protocol office: the record's UOR is again the office that registered it
      // (its document's), not the office that refused it; no RPA until it is sent again.
      const [doc] = await tx.em.execute<Array<{ uor_id: string }>>(
        `select uor_id from document where id = ?`,
        [record.documentId],
      );
      const back = {
        ...(doc && doc.uor_id !== record.uorId ? { uorId: doc.uor_id } : {}),
        ...(record.rpaId !== null ? { rpaId: null } : {}),
      };
      if (Object.keys(back).length > 0) await changeManagedFields(tx, record, back, { byWorkflow: true });
    }
    await recordSteps(tx, record, 'workflow.reject', [
      {
        action: WorkflowAction.RIGETTO,
        assignmentId: assignment.id,
        fromUorId: assignment.uorId,
        fromUserId: rpa,
        suggestedUorId: input.suggestedUorId,
        note,
      },
    ]);
    return assignment;
  });
}

/**
 * Transfer of competence: the office hands the registration to another office, which receives
 * it as sent (DA_ASSEGNARE); a prevalent competence stays prevalent and moves the record's UOR.
 */
export async function transferAssignment(
  ctx: RequestContext,
  input: TransferAssignmentInput,
): Promise<Assignment> {
  return withTransaction(ctx, async (tx) => {
    const { assignment, record } = await lockedAssignment(tx, input.assignmentId);
    await requireHandles(tx, assignment, 'transfer registrations sent to this office');
    requireState(assignment, ACTIVE_STATES, 'transferring');
    const note = optionalText('input.note', input.note, 2000) ?? null;
    const now = tx.clock.now();
    await checkActiveOffices(tx, record.aooId, [input.toUorId], () => 'input.toUorId', romeDay(now));
    const clash = await tx.em.count(Assignment, {
      recordId: record.id,
      uorId: input.toUorId,
      state: { $in: [...ACTIVE_STATES] },
    });
    if (clash > 0 || input.toUorId === assignment.uorId) {
      throw new DomainError(
        'ASSIGNMENT_ALREADY_ACTIVE',
        'input.toUorId: the office already holds the competence',
        {
          field: 'input.toUorId',
        },
      );
    }
    assignment.state = AssignmentState.TRASFERITO;
    assignment.closedAt = now;
    // The ended competence is written first: the new one may be the record's one prevalent.
    await tx.em.flush();
    const moved = tx.em.create(Assignment, {
      aooId: record.aooId,
      recordId: record.id,
      documentId: record.documentId,
      uorId: input.toUorId,
      prevalent: assignment.prevalent,
      state: AssignmentState.DA_ASSEGNARE,
      paper: assignment.paper,
      sentAt: now,
      sentById: tx.user?.id ?? null,
    });
    if (assignment.prevalent) {
      await changeManagedFields(
        tx,
        record,
        { uorId: input.toUorId, ...(record.rpaId !== null ? { rpaId: null } : {}) },
        { byWorkflow: true },
      );
    }
    await recordSteps(tx, record, 'workflow.transfer', [
      {
        action: WorkflowAction.TRASFERIMENTO,
        assignmentId: moved.id,
        fromUorId: assignment.uorId,
        fromUserId: assignment.rpaId,
        toUorId: input.toUorId,
        note,
      },
    ]);
    return moved;
  });
}

/** Restituzione: the RPA gives the registration back to the office, which assigns it again. */
export async function returnAssignment(
  ctx: RequestContext,
  input: ReturnAssignmentInput,
): Promise<Assignment> {
  return withTransaction(ctx, async (tx) => {
    const { assignment, record } = await lockedAssignment(tx, input.assignmentId);
    requireRpa(tx, assignment, 'gives it back');
    requireState(assignment, [AssignmentState.ASSEGNATO, AssignmentState.IN_CARICO], 'giving back');
    const note = requiredText('input.note', input.note, 2000);
    const rpa = assignment.rpaId;
    assignment.state = AssignmentState.DA_ASSEGNARE;
    assignment.rpaId = null;
    assignment.assignedAt = null;
    assignment.assignedById = null;
    assignment.takenAt = null;
    if (assignment.prevalent && record.rpaId !== null) {
      await changeManagedFields(tx, record, { rpaId: null }, { byWorkflow: true });
    }
    await recordSteps(tx, record, 'workflow.return', [
      {
        action: WorkflowAction.RESTITUZIONE,
        assignmentId: assignment.id,
        fromUserId: rpa,
        toUorId: assignment.uorId,
        note,
      },
    ]);
    return assignment;
  });
}

function requireRpa(tx: UnitOfWork, assignment: Assignment, what: string): void {
  if (tx.user === null || assignment.rpaId !== tx.user.id) {
    throw new DomainError('ASSIGNMENT_NOT_RPA', `only the RPA of the assignment ${what}`);
  }
}

/** Rejection and transfer: the RPA, the head of the office, or WORKFLOW_HANDLE over it. */
async function requireHandles(tx: UnitOfWork, assignment: Assignment, what: string): Promise<void> {
  if (tx.user !== null && assignment.rpaId === tx.user.id) return;
  await requireActsForOffice(tx, assignment, WORKFLOW_HANDLE, what);
}

/** The RPA works in the office or one below it: an active user with an open membership there. */
async function checkRpaOfOffice(tx: UnitOfWork, uorId: string, rpaId: string): Promise<void> {
  const rows = isUuid(rpaId)
    ? await tx.em.execute<Array<{ id: string }>>(
        `with recursive office as (
           select id from uor where id = ?
           union all select u.id from uor u join office o on u.parent_id = o.id)
         select a.id from app_user a where a.id = ? and a.active and exists (
           select 1 from membership m where m.user_id = a.id and m.ended_at is null
              and m.uor_id in (select id from office))`,
        [uorId, rpaId],
      )
    : [];
  if (rows.length !== 1) {
    throw new InvalidInputError('input.rpaId', 'is not an active user working in the office or one below it');
  }
}
