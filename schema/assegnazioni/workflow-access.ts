import { forbidden } from '../../server/auth/auth-checker.js';
import type { PermissionDefinition } from '../../server/auth/permissions.js';
import type { UnitOfWork } from '../../server/db/unit-of-work.js';
import { pgArray } from '../../server/db/sql-array.js';
import { DomainError, InvalidInputError, NotFoundError } from '../../server/errors/domain-error.js';
import { isUuid } from '../../server/errors/input-checks.js';
import { findVisibleRecord, ProtocolState, type ProtocolRecord } from '../protocollo/index.js';
import { AssignmentState } from './assegnazioni-enums.js';
import { Assignment } from './assignment.entity.js';

/**
 * An assignment and its record, the record locked (steps on one record are serialised), both
 * as visible to the caller: a hidden record's assignment answers like a missing one.
 */
export async function lockedAssignment(
  tx: UnitOfWork,
  assignmentId: string,
): Promise<{ assignment: Assignment; record: ProtocolRecord }> {
  const found = isUuid(assignmentId)
    ? await tx.em.execute<Array<{ record_id: string }>>(`select record_id from assignment where id = ?`, [
        assignmentId,
      ])
    : [];
  const recordId = found[0]?.record_id;
  if (recordId === undefined) throw new NotFoundError('Assignment', assignmentId);
  let record: ProtocolRecord;
  try {
    record = await findVisibleRecord(tx, tx.em, recordId, { lock: true });
  } catch (e) {
    if (e instanceof NotFoundError) throw new NotFoundError('Assignment', assignmentId);
    throw e;
  }
  const assignment = await tx.em.findOne(Assignment, { id: assignmentId }, { refresh: true });
  if (!assignment) throw new NotFoundError('Assignment', assignmentId);
  // 001 §8.12: an annulled registration leaves the workflow, whichever competence is asked
  // (before, only steps that changed the record's managed fields were refused).
  if (record.state === ProtocolState.ANNULLATO) {
    throw new DomainError('PROTOCOL_ANNULLED', `record ${record.number}/${record.year} is annulled`);
  }
  return { assignment, record };
}

/**
 * Whether the caller answers for an office: its head always does (002 §2.5), others when a
 * profile grants `permission` over it.
 */
export async function actsForOffice(
  tx: UnitOfWork,
  aooId: string,
  uorId: string,
  permission: PermissionDefinition,
): Promise<boolean> {
  if (tx.grants.covers(permission, aooId, uorId)) return true;
  if (tx.user === null) return false;
  const rows = await tx.em.execute<Array<{ id: string }>>(`select id from uor where id = ? and head_id = ?`, [
    uorId,
    tx.user.id,
  ]);
  return rows.length === 1;
}

export async function requireActsForOffice(
  tx: UnitOfWork,
  assignment: Assignment,
  permission: PermissionDefinition,
  what: string,
): Promise<void> {
  if (!(await actsForOffice(tx, assignment.aooId, assignment.uorId, permission))) {
    throw forbidden(`${what} (the head of the office, or ${permission.name} over it)`);
  }
}

export function requireState(
  assignment: Assignment,
  allowed: readonly AssignmentState[],
  step: string,
): void {
  if (!allowed.includes(assignment.state)) {
    throw new DomainError(
      'ASSIGNMENT_STATE',
      `the assignment is ${assignment.state}: ${step} needs ${allowed.join(' or ')}`,
      { state: assignment.state },
    );
  }
}

/** How many times the record was rejected (at most two, SQL included). */
export async function rejectionCount(tx: UnitOfWork, recordId: string): Promise<number> {
  const rows = await tx.em.execute<Array<{ n: number }>>(
    `select count(*)::int as n from assignment where record_id = ? and state = 'RIGETTATO'`,
    [recordId],
  );
  return rows[0]?.n ?? 0;
}

export const MAX_REJECTIONS = 2;

/** An office of the AOO that exists today (for smistamento and transfers). */
export async function checkActiveOffices(
  tx: UnitOfWork,
  aooId: string,
  uorIds: string[],
  field: (i: number) => string,
  today: string,
): Promise<void> {
  const wanted = uorIds.filter(isUuid);
  const rows = wanted.length
    ? await tx.em.execute<Array<{ id: string }>>(
        `select id::text from uor where id = any(?::uuid[]) and aoo_id = ? and active_from <= ?::date
           and (active_to is null or active_to >= ?::date)`,
        [pgArray(wanted), aooId, today, today],
      )
    : [];
  const found = new Set(rows.map((r) => r.id));
  uorIds.forEach((id, i) => {
    if (!found.has(id)) throw new InvalidInputError(field(i), 'is not an active office of the AOO');
  });
}
