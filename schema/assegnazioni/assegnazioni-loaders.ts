import { raw } from '@mikro-orm/core';
import DataLoader from 'dataloader';
import { loader, type RequestContext } from '../../server/context.js';
import { pgArray } from '../../server/db/sql-array.js';
import { byId, grouped } from '../../server/graphql/loader-helpers.js';
import { Assignment } from './assignment.entity.js';
import { WorkflowStep } from './workflow-step.entity.js';

/** At most this many steps of one record are listed (a record is sent and returned a few times). */
export const MAX_STEPS = 500;
/** At most this many assignments of one record are listed. */
export const MAX_ASSIGNMENTS = 100;

/**
 * Per-request loaders of the workflow's nested fields: one statement per field and level,
 * whatever the number of records. Callers pass only records already visible.
 */
export const workflowLoaders = {
  assignmentsOfRecord: (ctx: RequestContext) =>
    loader(
      ctx,
      'assegnazioni.assignmentsOfRecord',
      () =>
        new DataLoader<string, Assignment[]>(async (ids) =>
          grouped(
            await ctx.em.find(
              Assignment,
              { recordId: { $in: [...ids] } },
              {
                // Offices sent together share sentAt and ids are random: the order they were
                // named in (the first prevalent) is the order of their SMISTAMENTO steps.
                orderBy: [
                  { sentAt: 'asc' },
                  {
                    [raw(
                      (alias) =>
                        `(select min(s.id) from workflow_step s where s.assignment_id = ${alias}.id)`,
                    )]: 'asc',
                  },
                  { id: 'asc' },
                ],
              },
            ),
            ids,
            (a) => a.recordId,
          ).map((list) => list.slice(0, MAX_ASSIGNMENTS)),
        ),
    ),
  stepsOfRecord: (ctx: RequestContext) =>
    loader(
      ctx,
      'assegnazioni.stepsOfRecord',
      () =>
        new DataLoader<string, WorkflowStep[]>(async (ids) =>
          grouped(
            await ctx.em.find(WorkflowStep, { recordId: { $in: [...ids] } }, { orderBy: { id: 'asc' } }),
            ids,
            (s) => s.recordId,
          ).map((list) => list.slice(0, MAX_STEPS)),
        ),
    ),
  rejectionsOfRecord: (ctx: RequestContext) =>
    loader(
      ctx,
      'assegnazioni.rejectionsOfRecord',
      () =>
        new DataLoader<string, number>(async (ids) => {
          const rows = await ctx.em.execute<Array<{ record_id: string; n: number }>>(
            `select record_id, count(*)::int as n from assignment
              where record_id = any(?::uuid[]) and state = 'RIGETTATO' group by record_id`,
            [pgArray(ids)],
          );
          const counts = new Map(rows.map((r) => [r.record_id, r.n]));
          return ids.map((id) => counts.get(id) ?? 0);
        }),
    ),
  /** Assignments by id (inbox entries, notices): the caller has already seen their records. */
  assignment: (ctx: RequestContext) =>
    loader(
      ctx,
      'assegnazioni.assignment',
      () =>
        new DataLoader<string, Assignment | null>(async (ids) =>
          byId(await ctx.em.find(Assignment, { id: { $in: [...ids] } }), ids),
        ),
    ),
};
