import type { RequestContext } from '../../../server/context.js';
import { withTransaction } from '../../../server/db/unit-of-work.js';
import { DomainError } from '../../../server/errors/domain-error.js';
import { Aoo } from '../../../schema/organisation/index.js';
import { DailyRegister, DailyRegisterState } from '../../../schema/registro-giornaliero/index.js';
import { createPackage, PackageKind, TRANSFER_JOB, type ConservationPackage } from '../package/index.js';
import { dueFascicoloIds } from './due-fascicoli.js';

/** What a run over due fascicoli did: the packages it created and the fascicoli it could not send. */
export interface DueFascicoliRun {
  packages: ConservationPackage[];
  skipped: Array<{ fascicoloId: string; code: string; message: string }>;
}

/**
 * One package per fascicolo closed more than a year ago and not transferred (the yearly job and
 * the archivist's manual run): each in its own transaction, so one that cannot go (documents in
 * another package, nothing left to send) does not hold back the others.
 */
export async function conserveDueFascicoli(ctx: RequestContext, aooId: string): Promise<DueFascicoliRun> {
  const run: DueFascicoliRun = { packages: [], skipped: [] };
  for (const fascicoloId of await dueFascicoloIds(ctx.em.fork(), aooId, ctx.clock.now())) {
    try {
      run.packages.push(
        await withTransaction(ctx, (tx) =>
          createPackage(tx, { kind: PackageKind.FASCICOLO, aooId, fascicoloId }),
        ),
      );
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      run.skipped.push({ fascicoloId, code: String(err.extensions['code']), message: err.message });
    }
  }
  return run;
}

/** A daily register produced (or left ready) gets its package, unless one carries or conserved it. */
export async function conserveDailyRegister(
  ctx: RequestContext,
  dailyRegisterId: string,
  aooId: string,
): Promise<void> {
  try {
    await withTransaction(ctx, (tx) =>
      createPackage(tx, { kind: PackageKind.DAILY_REGISTER, aooId, dailyRegisterId }),
    );
  } catch (err) {
    const code = err instanceof DomainError ? String(err.extensions['code']) : '';
    if (code === 'CONSERVATION_IN_PROGRESS' || code === 'CONSERVATION_ALREADY_CONSERVED') return;
    throw err;
  }
}

/** Every AOO's due fascicoli (the yearly job). */
export async function conserveDueFascicoliEverywhere(
  ctx: RequestContext,
): Promise<{ packages: number; skipped: number }> {
  let packages = 0;
  let skipped = 0;
  for (const aoo of await ctx.em.fork().find(Aoo, {}, { orderBy: { id: 'asc' } })) {
    const run = await conserveDueFascicoli(ctx, aoo.id);
    packages += run.packages.length;
    skipped += run.skipped.length;
    for (const s of run.skipped)
      ctx.logger.warn({ aooId: aoo.id, ...s }, 'due fascicolo not sent to conservation');
  }
  return { packages, skipped };
}

/**
 * The sweep: daily registers still READY_FOR_CONSERVATION (produced while the plugin was off, or
 * whose event was lost in a crash) get their package; orange packages whose transfer gave up or
 * stalled for an hour are enqueued again (one waiting job per package).
 */
export async function sweep(ctx: RequestContext): Promise<{ registers: number; requeued: number }> {
  const em = ctx.em.fork();
  const ready = ctx.platform.config.conservation.autoDailyRegister
    ? await em.find(
        DailyRegister,
        { state: DailyRegisterState.READY_FOR_CONSERVATION },
        { orderBy: { day: 'asc' }, limit: 500 },
      )
    : [];
  for (const r of ready) await conserveDailyRegister(ctx, r.id, r.aooId);
  const stale = await em.execute<Array<{ id: string }>>(
    `select p.id from conservation_package p
      where p.colour = 'ORANGE' and p.created_at < ?::timestamptz - interval '10 minutes'
        and (p.last_attempt_at is null or p.last_attempt_at < ?::timestamptz - interval '1 hour')
        and exists (select 1 from conservation_item i where i.package_id = p.id and i.colour = 'ORANGE')
      order by p.created_at limit 500`,
    [ctx.clock.now(), ctx.clock.now()],
  );
  for (const p of stale) {
    await withTransaction(ctx, (tx) => tx.enqueue(TRANSFER_JOB, { packageId: p.id }, { singletonKey: p.id }));
  }
  return { registers: ready.length, requeued: stale.length };
}
