import type { UnitOfWork } from '../../server/db/unit-of-work.js';
import type { WorkflowAction } from './assegnazioni-enums.js';
import { WorkflowStepRecorded } from './assegnazioni-events.js';
import { NOTICE_JOB, NOTIFIED_ACTIONS } from './assignment-notice.job.js';

/** A step as a service states it; the record, the time and the actor come from the transaction. */
export interface StepInput {
  action: WorkflowAction;
  assignmentId?: string | null;
  fromUorId?: string | null;
  toUorId?: string | null;
  fromUserId?: string | null;
  toUserId?: string | null;
  suggestedUorId?: string | null;
  note?: string | null;
}

interface RecordRef {
  id: string;
  aooId: string;
  documentId: string;
}

/**
 * Writes the steps of one operation (one statement, after the pending entity changes are
 * flushed: steps reference assignments), audits the operation with them, and publishes one
 * event per step, released after commit. The step ids are the events' ids.
 */
export async function recordSteps(
  tx: UnitOfWork,
  record: RecordRef,
  operation: string,
  steps: StepInput[],
): Promise<void> {
  if (steps.length === 0) return;
  await tx.em.flush();
  const at = tx.clock.now();
  const actorId = tx.user?.id ?? null;
  const rows = steps.map((s) => ({
    action: s.action,
    assignmentId: s.assignmentId ?? null,
    fromUorId: s.fromUorId ?? null,
    toUorId: s.toUorId ?? null,
    fromUserId: s.fromUserId ?? null,
    toUserId: s.toUserId ?? null,
    suggestedUorId: s.suggestedUorId ?? null,
    note: s.note ?? null,
  }));
  const inserted = await tx.em.execute<Array<{ id: string }>>(
    `insert into workflow_step (aoo_id, record_id, document_id, at, actor_id, action, assignment_id,
       from_uor_id, to_uor_id, from_user_id, to_user_id, suggested_uor_id, note)
     select ?, ?, ?, ?, ?, e.v->>'action', (e.v->>'assignmentId')::uuid, (e.v->>'fromUorId')::uuid,
            (e.v->>'toUorId')::uuid, (e.v->>'fromUserId')::uuid, (e.v->>'toUserId')::uuid,
            (e.v->>'suggestedUorId')::uuid, e.v->>'note'
       from jsonb_array_elements(?::jsonb) with ordinality as e(v, n)
      order by e.n
     returning id::text as id`,
    [record.aooId, record.id, record.documentId, at, actorId, JSON.stringify(rows)],
  );
  // Identities are drawn in insertion order (the select's order): ascending ids match the rows.
  const ids = inserted.map((r) => BigInt(r.id)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  await tx.audit({
    aooId: record.aooId,
    operation,
    targetType: 'ProtocolRecord',
    targetId: record.id,
    changes: { steps: rows.map((r, i) => ({ id: ids[i]?.toString(), ...r })) },
  });
  const notify = tx.platform.mailer !== null;
  for (const [i, r] of rows.entries()) {
    const stepId = ids[i]?.toString() ?? '';
    // The e-mail notice runs once this transaction commits (never for a rolled-back step).
    if (notify && NOTIFIED_ACTIONS.has(r.action)) await tx.enqueue(NOTICE_JOB, { stepId });
    tx.publish(
      new WorkflowStepRecorded({
        stepId,
        aooId: record.aooId,
        recordId: record.id,
        documentId: record.documentId,
        assignmentId: r.assignmentId,
        action: r.action,
        fromUorId: r.fromUorId,
        fromUserId: r.fromUserId,
        toUorId: r.toUorId,
        toUserId: r.toUserId,
        at: at.toISOString(),
      }),
    );
  }
}
