import type { RequestContext } from '../../../server/context.js';
import { withTransaction } from '../../../server/db/unit-of-work.js';
import { DomainError, NotFoundError } from '../../../server/errors/domain-error.js';
import { isUuid } from '../../../server/errors/input-checks.js';
import { Fascicolo, visibleFascicoloIds } from '../../../schema/fascicoli/index.js';
import { DAILY_REGISTER_READ, DailyRegister } from '../../../schema/registro-giornaliero/index.js';
import {
  ConservationColour,
  ConservationPackage,
  createPackage,
  PackageKind,
  resendPackage,
} from '../package/index.js';
import type { ConserveSeriesInput } from './conserve.inputs.js';
import { MAX_DUE_BATCH, type ConserveDueFascicoliResult } from './conserve-due.types.js';
import { conservationDue, dueFascicoloCounts, dueFascicoliToSend } from './due.js';
import { readablePackage, requireConservationManage } from './package-access.js';

/** A closed fascicolo the caller sees, as one package (its whole tree). */
export async function conserveFascicolo(
  ctx: RequestContext,
  fascicoloId: string,
): Promise<ConservationPackage> {
  const visible = await visibleFascicoloIds(ctx, ctx.em, [fascicoloId]);
  const fascicolo = visible.has(fascicoloId) ? await ctx.em.findOne(Fascicolo, { id: fascicoloId }) : null;
  if (!fascicolo) throw new NotFoundError('Fascicolo', fascicoloId);
  return withTransaction(ctx, (tx) =>
    createPackage(tx, { kind: PackageKind.FASCICOLO, aooId: fascicolo.aoo.id, fascicoloId }),
  );
}

/** A daily register (a manual run: the transfer sends them by itself). */
export async function conserveDailyRegister(
  ctx: RequestContext,
  dailyRegisterId: string,
): Promise<ConservationPackage> {
  const register = isUuid(dailyRegisterId)
    ? await ctx.em.findOne(DailyRegister, { id: dailyRegisterId })
    : null;
  if (!register || !ctx.grants.has(DAILY_REGISTER_READ, register.aooId))
    throw new NotFoundError('DailyRegister', dailyRegisterId);
  return withTransaction(ctx, (tx) =>
    createPackage(tx, { kind: PackageKind.DAILY_REGISTER, aooId: register.aooId, dailyRegisterId }),
  );
}

export function conserveSeries(
  ctx: RequestContext,
  input: ConserveSeriesInput,
): Promise<ConservationPackage> {
  requireConservationManage(ctx, input.aooId);
  return withTransaction(ctx, (tx) =>
    createPackage(tx, {
      kind: PackageKind.SERIES,
      aooId: input.aooId,
      label: input.label,
      documentIds: input.documentIds,
    }),
  );
}

/** Resends a rejected package of the caller's desk (NOT_FOUND for another AOO's). */
export async function resendConservationPackage(
  ctx: RequestContext,
  packageId: string,
): Promise<ConservationPackage> {
  await readablePackage(ctx, packageId);
  return withTransaction(ctx, (tx) => resendPackage(tx, packageId));
}

/**
 * Sends every due fascicolo of the AOO (closed over a year ago, not green), oldest first, each
 * as its own package in its own transaction: a new package when never sent, the resend of its
 * rejected package, skipped while one is waiting for the conservator or when refused.
 */
export async function conserveDueFascicoli(
  ctx: RequestContext,
  aooId: string,
): Promise<ConserveDueFascicoliResult> {
  requireConservationManage(ctx, aooId);
  const due = conservationDue(ctx, aooId);
  const { total } = await dueFascicoloCounts(ctx, due);
  const todo = await dueFascicoliToSend(ctx, due, MAX_DUE_BATCH);
  const result: ConserveDueFascicoliResult = {
    packages: [],
    skipped: [],
    remaining: Math.max(0, total - todo.length),
  };
  for (const f of todo) {
    if (f.colour === ConservationColour.ORANGE) {
      result.skipped.push({
        fascicoloId: f.fascicoloId,
        code: 'CONSERVATION_IN_PROGRESS',
        message: `Its package ${f.latestId ?? ''} is waiting for the conservator: wait for its outcome`,
      });
      continue;
    }
    try {
      const latest = f.colour === ConservationColour.RED ? f.latestId : null;
      result.packages.push(
        await withTransaction(ctx, (tx) =>
          latest
            ? resendPackage(tx, latest)
            : createPackage(tx, { kind: PackageKind.FASCICOLO, aooId, fascicoloId: f.fascicoloId }),
        ),
      );
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      result.skipped.push({
        fascicoloId: f.fascicoloId,
        code: String(e.extensions['code']),
        message: e.message,
      });
    }
  }
  return result;
}
