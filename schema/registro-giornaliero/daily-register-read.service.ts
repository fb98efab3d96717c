import { auditRead } from '../../server/audit/audit-log.js';
import { forbidden } from '../../server/auth/auth-checker.js';
import type { RequestContext } from '../../server/context.js';
import { InvalidInputError, NotFoundError } from '../../server/errors/domain-error.js';
import { isUuid } from '../../server/errors/input-checks.js';
import { StoredFile } from '../documents/index.js';
import { visibleAoo } from '../organisation/index.js';
import { DailyRegister } from './daily-register.entity.js';
import { AUDIT_READ } from '../audit/index.js';
import { DAILY_REGISTER_READ } from './permissions.js';
import { isDay } from './rome-day.js';

/** A page of registers is at most this many days (a year and a day). */
export const MAX_DAILY_REGISTERS = 366;

/** The RGD and whoever reads the audit (the register publishes the chain head). */
const mayRead = (ctx: RequestContext, aooId: string): boolean =>
  ctx.grants.has(DAILY_REGISTER_READ, aooId) || ctx.grants.has(AUDIT_READ, aooId);

function requireRead(ctx: RequestContext, aooId: string): void {
  if (!mayRead(ctx, aooId)) {
    throw forbidden("read the AOO's daily registers (needs DAILY_REGISTER_READ or AUDIT_READ)");
  }
}

/** The AOO's registers from `from` to `to` (days, inclusive), newest first. */
export async function listDailyRegisters(
  ctx: RequestContext,
  aooId: string,
  range: { from?: string | null; to?: string | null; first?: number | null },
): Promise<DailyRegister[]> {
  const aoo = await visibleAoo(ctx, ctx.em, aooId);
  requireRead(ctx, aoo.id);
  for (const [field, v] of [
    ['from', range.from],
    ['to', range.to],
  ] as const) {
    if (v != null && !isDay(v)) throw new InvalidInputError(field, 'must be a date YYYY-MM-DD');
  }
  const first = range.first ?? 31;
  if (!Number.isInteger(first) || first < 1 || first > MAX_DAILY_REGISTERS) {
    throw new InvalidInputError('first', `must be between 1 and ${MAX_DAILY_REGISTERS}`);
  }
  const day: Record<string, string> = {};
  if (range.from) day['$gte'] = range.from;
  if (range.to) day['$lte'] = range.to;
  return ctx.em.find(
    DailyRegister,
    { aooId: aoo.id, ...(Object.keys(day).length ? { day } : {}) },
    { orderBy: { day: 'desc' }, limit: first },
  );
}

/** One register by AOO and day (null: not produced), an audited viewing. */
export async function readDailyRegister(
  ctx: RequestContext,
  aooId: string,
  day: string,
): Promise<DailyRegister | null> {
  const aoo = await visibleAoo(ctx, ctx.em, aooId);
  requireRead(ctx, aoo.id);
  if (!isDay(day)) throw new InvalidInputError('day', 'must be a date YYYY-MM-DD');
  const register = await ctx.em.findOne(DailyRegister, { aooId: aoo.id, day });
  if (register) {
    await auditRead(ctx, {
      aooId: aoo.id,
      operation: 'dailyRegister.read',
      targetType: 'DailyRegister',
      targetId: register.id,
    });
  }
  return register;
}

/** The XML or the seal of a register, for GET /daily-registers/:id/…; NOT_FOUND alike for hidden ones. */
export async function registerFile(
  ctx: RequestContext,
  id: string,
  which: 'xml' | 'p7s',
): Promise<{ register: DailyRegister; file: StoredFile }> {
  const register = isUuid(id) ? await ctx.em.findOne(DailyRegister, { id }) : null;
  if (!register || !mayRead(ctx, register.aooId)) throw new NotFoundError('DailyRegister', id);
  const file = await ctx.em.findOneOrFail(StoredFile, {
    id: which === 'xml' ? register.xmlFileId : register.signatureFileId,
  });
  return { register, file };
}
