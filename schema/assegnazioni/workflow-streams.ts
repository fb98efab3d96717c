import type { RequestContext } from '../../server/context.js';
import type { EventEnvelope } from '../../server/events/domain-event.js';
import { mapEvents, replayThenLive } from '../../server/events/event-stream.js';
import {
  refreshSubscriber,
  refreshSubscriberRights,
  subscriberValue,
} from '../../server/graphql/subscription-event-auth.js';
import { pgArray } from '../../server/db/sql-array.js';
import { InvalidInputError } from '../../server/errors/domain-error.js';
import {
  ProtocolFieldsChanged,
  type ProtocolRecord,
  recordOfVisibleRow,
  recordVisibilitySql,
  visibleRecordRow,
} from '../protocollo/index.js';
import { WorkflowAction } from './assegnazioni-enums.js';
import { WorkflowStepRecorded, type WorkflowStepData } from './assegnazioni-events.js';
import { inboxCounts } from './inbox.js';
import type { InboxCounts } from './inbox.types.js';
import { officesOfUser } from './my-offices.js';
import { WORKFLOW_ASSIGN, WORKFLOW_DISPATCH } from './permissions.js';

/** At most this many missed steps are replayed to a reconnecting subscriber (the rest: the inboxes). */
export const MAX_REPLAY = 1000;
/**
 * Step ids are drawn before their transaction commits, so a step may become visible after one
 * with a higher id: a replay after an id also looks this far back before it (the client ignores
 * repeats by eventId).
 */
export const REPLAY_OVERLAP_SECONDS = 10;

/** The subscriber's offices (my-offices.ts), fresh as their rights. */
function myOffices(ctx: RequestContext): Promise<Set<string>> {
  const userId = ctx.user?.id ?? '';
  return subscriberValue(ctx, 'assegnazioni.myOffices', () => officesOfUser(ctx.platform, userId));
}

/** Whether a step brings the subscriber work or knowledge: the rule of assignmentReceived. */
async function received(ctx: RequestContext, step: WorkflowStepData): Promise<boolean> {
  const me = ctx.user?.id;
  switch (step.action) {
    case WorkflowAction.SMISTAMENTO:
    case WorkflowAction.TRASFERIMENTO:
      return step.toUorId !== null && (await myOffices(ctx)).has(step.toUorId);
    case WorkflowAction.ASSEGNAZIONE:
      return step.toUserId === me;
    case WorkflowAction.CONOSCENZA:
      return step.toUserId === me || (step.toUorId !== null && (await myOffices(ctx)).has(step.toUorId));
    default:
      return false;
  }
}

/**
 * Steps that reached the subscriber (as RPA, through their offices, in CC), each checked with
 * the subscriber's rights at that event; with `since` (an event id) or `sinceTime`, the steps
 * missed since then come first.
 */
/** A step on its way to one subscriber, with the record as they may see it (live steps). */
export interface StepDelivery extends WorkflowStepData {
  record?: ProtocolRecord;
  /** When the step's transaction committed (ISO 8601), for live steps. */
  committedAt?: string;
}

export function assignmentStream(
  ctx: RequestContext,
  since: string | null,
  sinceTime: Date | null,
): AsyncIterableIterator<StepDelivery> {
  if (since !== null && !/^[0-9]{1,18}$/.test(since))
    throw new InvalidInputError('since', 'is not an event id');
  const live = ctx.platform.events.subscribe(WorkflowStepRecorded) as AsyncIterableIterator<
    EventEnvelope<WorkflowStepData>
  >;
  // Most subscribers get nothing from a step: the cheap test first (the step's action and
  // offices), then the subscriber's rights of now and the record's visibility, both answered
  // for all the replica's subscribers of that step together. Only a step that passes is copied
  // (the published object is shared by every listener of the replica).
  const mine = mapEvents(live, async (e): Promise<StepDelivery | undefined> => {
    const step = e.data;
    if (!(await received(ctx, step))) return undefined;
    await refreshSubscriberRights(ctx);
    const row = await visibleRecordRow(ctx, step.recordId);
    if (row === null) return undefined;
    // The notice's record is this row, just checked with the subscriber's rights of now.
    return { ...step, committedAt: e.origin.at, record: recordOfVisibleRow(ctx, row) };
  });
  if (since === null && sinceTime === null) return mine;
  return replayThenLive(
    mine,
    () => missedSteps(ctx, since, sinceTime),
    (s) => s.stepId,
  );
}

/** The steps after `since` (or from `sinceTime`) that reached the subscriber and that they see now. */
async function missedSteps(
  ctx: RequestContext,
  since: string | null,
  sinceTime: Date | null,
): Promise<WorkflowStepData[]> {
  const me = ctx.user?.id ?? '';
  const offices = [...(await myOffices(ctx))];
  const v = recordVisibilitySql(ctx);
  const after =
    since !== null
      ? `(s.id > ?::bigint or (s.id < ?::bigint and s.at >= (select w.at from workflow_step w where w.id = ?::bigint)
           - interval '${REPLAY_OVERLAP_SECONDS} seconds'))`
      : 's.at >= ?';
  const afterParams = since !== null ? [since, since, since] : [sinceTime];
  const rows = await ctx.em.execute<
    Array<{
      id: string;
      aoo_id: string;
      record_id: string;
      document_id: string;
      assignment_id: string | null;
      action: WorkflowAction;
      from_uor_id: string | null;
      from_user_id: string | null;
      to_uor_id: string | null;
      to_user_id: string | null;
      at: Date;
    }>
  >(
    `select s.id::text as id, s.aoo_id, s.record_id, s.document_id, s.assignment_id, s.action, s.from_uor_id,
            s.from_user_id, s.to_uor_id, s.to_user_id, s.at
       from workflow_step s join protocol_record r on r.id = s.record_id
      where ${after}
        and ((s.action in ('SMISTAMENTO', 'TRASFERIMENTO') and s.to_uor_id = any(?::uuid[]))
          or (s.action = 'ASSEGNAZIONE' and s.to_user_id = ?)
          or (s.action = 'CONOSCENZA' and (s.to_user_id = ? or s.to_uor_id = any(?::uuid[]))))
        and ${v.sql}
      order by s.id limit ?`,
    [...afterParams, pgArray(offices), me, me, pgArray(offices), ...v.params, MAX_REPLAY],
  );
  return rows.map((r) => ({
    stepId: r.id,
    aooId: r.aoo_id,
    recordId: r.record_id,
    documentId: r.document_id,
    assignmentId: r.assignment_id,
    action: r.action,
    fromUorId: r.from_uor_id,
    fromUserId: r.from_user_id,
    toUorId: r.to_uor_id,
    toUserId: r.to_user_id,
    at: new Date(r.at).toISOString(),
  }));
}

/** Whether an event may change one of the subscriber's inbox counts (cheap, before counting). */
async function touchesInboxes(ctx: RequestContext, envelope: EventEnvelope): Promise<boolean> {
  const me = ctx.user?.id;
  if (envelope.topic === ProtocolFieldsChanged.topic) {
    const data = envelope.data as { aooId: string; fields: string[] };
    return data.fields.includes('cc') && ctx.grants.aooIds().includes(data.aooId);
  }
  const step = envelope.data as WorkflowStepData;
  if (step.toUserId === me || step.fromUserId === me) return true;
  if (ctx.grants.has(WORKFLOW_DISPATCH, step.aooId)) return true;
  const offices = await myOffices(ctx);
  return [step.toUorId, step.fromUorId].some(
    (uor) => uor !== null && (offices.has(uor) || ctx.grants.covers(WORKFLOW_ASSIGN, step.aooId, uor)),
  );
}

/**
 * The subscriber's inbox counts: the current ones at once, then new ones whenever a committed
 * change alters them (recounted with the subscriber's rights of that moment, one statement).
 */
export function inboxCountsStream(ctx: RequestContext): AsyncIterableIterator<InboxCounts> {
  const live = ctx.platform.events.subscribe(
    WorkflowStepRecorded,
    ProtocolFieldsChanged,
  ) as AsyncIterableIterator<EventEnvelope>;
  let last = '';
  const counted = async (): Promise<InboxCounts> => {
    const counts = await inboxCounts(ctx);
    last = JSON.stringify(counts);
    return counts;
  };
  return mapEvents(
    live,
    async (envelope) => {
      await refreshSubscriberRights(ctx);
      if (!(await touchesInboxes(ctx, envelope))) return undefined;
      // Recounted on a fresh session: the counts must see what the event's commit wrote.
      await refreshSubscriber(ctx);
      const before = last;
      const counts = await counted();
      return last === before ? undefined : counts;
    },
    counted,
  );
}
