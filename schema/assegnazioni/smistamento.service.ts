import { forbidden } from '../../server/auth/auth-checker.js';
import { romeDay } from '../../server/clock.js';
import type { RequestContext } from '../../server/context.js';
import { withTransaction } from '../../server/db/unit-of-work.js';
import { DomainError, InvalidInputError } from '../../server/errors/domain-error.js';
import { optionalText } from '../../server/errors/input-checks.js';
import {
  changeManagedFields,
  currentCcLinks,
  findVisibleRecord,
  ProtocolState,
  type CcEntry,
  type ProtocolRecord,
} from '../protocollo/index.js';
import { ACTIVE_STATES, AssignmentState, PAPER_MEANS, WorkflowAction } from './assegnazioni-enums.js';
import type { SmistaProtocolInput } from './assegnazioni.inputs.js';
import { Assignment } from './assignment.entity.js';
import { WORKFLOW_DISPATCH, WORKFLOW_DISPATCH_BY_AUTHORITY } from './permissions.js';
import { checkActiveOffices, MAX_REJECTIONS, rejectionCount } from './workflow-access.js';
import { recordSteps, type StepInput } from './workflow-steps.js';

/** At most this many offices per competenza on one registration. */
export const MAX_COMPETENZA = 20;

/**
 * Smistamento (DOMAIN §6): the protocol office sends a registration to offices per competenza
 * (the first is prevalent unless one already is: it gives the record its UOR) and per
 * conoscenza (added to the record's CC list, which shares the record with them). After two
 * rejections only WORKFLOW_DISPATCH_BY_AUTHORITY sends it on. One version of the managed fields,
 * one step per office or CC entry, one audit row; the offices' readers see the record from the
 * commit (document_share, kept by the database).
 */
export async function smistaProtocol(
  ctx: RequestContext,
  input: SmistaProtocolInput,
): Promise<ProtocolRecord> {
  return withTransaction(ctx, async (tx) => {
    const record = await findVisibleRecord(tx, tx.em, input.recordId, { lock: true });
    if (!tx.grants.has(WORKFLOW_DISPATCH, record.aooId)) {
      throw forbidden('send registrations to offices (needs WORKFLOW_DISPATCH)');
    }
    if (record.state === ProtocolState.ANNULLATO) {
      throw new DomainError('PROTOCOL_ANNULLED', `record ${record.number}/${record.year} is annulled`);
    }
    const note = optionalText('input.note', input.note, 2000) ?? null;
    const competenza = distinct(input.competenza ?? [], 'input.competenza');
    if (competenza.length > MAX_COMPETENZA) {
      throw new InvalidInputError('input.competenza', `at most ${MAX_COMPETENZA} offices`);
    }
    const conoscenza = input.conoscenza ?? [];
    if (competenza.length === 0 && conoscenza.length === 0) {
      throw new InvalidInputError('input', 'name at least one office per competenza or one CC recipient');
    }
    if (
      competenza.length > 0 &&
      (await rejectionCount(tx, record.id)) >= MAX_REJECTIONS &&
      !tx.grants.has(WORKFLOW_DISPATCH_BY_AUTHORITY, record.aooId)
    ) {
      throw new DomainError(
        'WORKFLOW_REJECTION_LIMIT',
        `record ${record.number}/${record.year} was rejected ${MAX_REJECTIONS} times: only the RGD sends it on`,
      );
    }
    const now = tx.clock.now();
    await checkActiveOffices(tx, record.aooId, competenza, (i) => `input.competenza.${i}`, romeDay(now));
    const active = await tx.em.find(Assignment, { recordId: record.id, state: { $in: [...ACTIVE_STATES] } });
    const taken = competenza.findIndex((u) => active.some((a) => a.uorId === u));
    if (taken >= 0) {
      throw new DomainError(
        'ASSIGNMENT_ALREADY_ACTIVE',
        `input.competenza.${taken}: the office already holds the competence over this registration`,
        { field: `input.competenza.${taken}` },
      );
    }
    const prevalentNeeded = !active.some((a) => a.prevalent);
    const paper = PAPER_MEANS.has(record.meansOfTransmission ?? '');
    const created = competenza.map((uorId, i) =>
      tx.em.create(Assignment, {
        aooId: record.aooId,
        recordId: record.id,
        documentId: record.documentId,
        uorId,
        prevalent: prevalentNeeded && i === 0,
        state: AssignmentState.DA_ASSEGNARE,
        paper,
        sentAt: now,
        sentById: tx.user?.id ?? null,
      }),
    );

    const steps: StepInput[] = created.map((a) => ({
      action: WorkflowAction.SMISTAMENTO,
      assignmentId: a.id,
      toUorId: a.uorId,
      note,
    }));
    const change: Parameters<typeof changeManagedFields>[2] = {};
    const prevalent = created.find((a) => a.prevalent);
    if (prevalent && prevalent.uorId !== record.uorId) change.uorId = prevalent.uorId;
    if (prevalent && record.rpaId !== null) change.rpaId = null;
    if (conoscenza.length > 0) {
      const current = (await currentCcLinks(tx, record)).cc;
      const key = (e: { uorId?: string | null; userId?: string | null }) =>
        e.uorId ? `uor:${e.uorId}` : `user:${e.userId ?? ''}`;
      const present = new Set(current.map(key));
      const added = conoscenza.filter((e) => !present.has(key(e)));
      if (added.length > 0) {
        change.cc = [...current.map(toInput), ...conoscenza.filter((e) => !present.has(key(e)))];
        for (const e of added) {
          steps.push({
            action: WorkflowAction.CONOSCENZA,
            toUorId: e.uorId ?? null,
            toUserId: e.uorId ? null : (e.userId ?? null),
            note,
          });
        }
      }
    }
    if (Object.keys(change).length > 0) {
      try {
        await changeManagedFields(tx, record, change, { byWorkflow: true });
      } catch (e) {
        throw asConoscenzaError(e, change.cc, conoscenza);
      }
    }
    await recordSteps(tx, record, 'workflow.smista', steps);
    return record;
  });
}

/**
 * protocollo checks the record's whole new CC list and names a bad entry by its place in it
 * (`input.cc.3.userId`); the caller gave `conoscenza`, so the error names the entry there.
 */
function asConoscenzaError(
  e: unknown,
  list: readonly object[] | null | undefined,
  given: readonly object[],
): unknown {
  const field = e instanceof DomainError ? e.extensions['field'] : undefined;
  const m = typeof field === 'string' ? /^input\.cc\.(\d+)(.*)$/.exec(field) : null;
  const entry = m && list ? list[Number(m[1])] : undefined;
  const i = entry === undefined ? -1 : given.indexOf(entry);
  if (!(e instanceof DomainError) || typeof field !== 'string' || !m || i < 0) return e;
  const renamed = `input.conoscenza.${i}${m[2] ?? ''}`;
  return new DomainError(String(e.extensions['code']), e.message.replace(field, renamed), {
    ...e.extensions,
    field: renamed,
  });
}

function toInput(e: CcEntry): { uorId?: string; userId?: string } {
  return e.uorId !== undefined ? { uorId: e.uorId } : { userId: e.userId };
}

function distinct(ids: string[], field: string): string[] {
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (seen.has(id)) throw new InvalidInputError(`${field}.${i}`, 'the office is already in the list');
    seen.add(id);
  });
  return ids;
}
