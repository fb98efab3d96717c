import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { forbidden } from '../../server/auth/auth-checker.js';
import type { RequestContext } from '../../server/context.js';
import { withTransaction, type UnitOfWork } from '../../server/db/unit-of-work.js';
import { DomainError, InvalidInputError, NotFoundError } from '../../server/errors/domain-error.js';
import { isUuid, requiredText } from '../../server/errors/input-checks.js';
import { visibleAoo } from '../organisation/index.js';
import { parseDateTime } from './emergency-file.js';
import {
  EmergencyPeriod,
  MAX_EMERGENCY_PERIODS,
  MAX_EXTENSION_MS,
  OPENING_PERIOD_MS,
} from './emergency-period.entity.js';
import { EmergencyRegister } from './emergency-register.entity.js';
import {
  EmergencyRegisterClosed,
  EmergencyRegisterExtended,
  EmergencyRegisterOpened,
} from './emergenza-events.js';
import type {
  CloseEmergencyRegisterInput,
  ExtendEmergencyRegisterInput,
  OpenEmergencyRegisterInput,
} from './emergenza.inputs.js';
import { EMERGENCY_REGISTER } from './permissions.js';

/** At most this many sessions listed for an AOO (newest first). */
export const MAX_EMERGENCY_REGISTERS = 500;

/** A register is visible to whoever sees its AOO; otherwise it answers like a missing one. */
export async function findVisibleRegister(
  ctx: RequestContext,
  em: EntityManager,
  id: string,
  options: { lock?: boolean } = {},
): Promise<EmergencyRegister> {
  if (isUuid(id)) {
    const rows = await em.execute<Array<{ aoo_id: string }>>(
      `select aoo_id from emergency_register where id = ?${options.lock ? ' for update' : ''}`,
      [id],
    );
    const aooId = rows[0]?.aoo_id;
    if (aooId !== undefined) {
      try {
        await visibleAoo(ctx, em, aooId);
        const register = await em.findOne(EmergencyRegister, { id }, options.lock ? { refresh: true } : {});
        if (register) return register;
      } catch (e) {
        if (!(e instanceof NotFoundError)) throw e;
      }
    }
  }
  throw new NotFoundError('EmergencyRegister', id);
}

export function requireEmergencyRight(ctx: RequestContext, aooId: string): void {
  if (!ctx.grants.has(EMERGENCY_REGISTER, aooId)) {
    throw forbidden('use the emergency register of this AOO (needs EMERGENCY_REGISTER)');
  }
}

/** A moment given by the RGD: ISO 8601 with offset, never after the request clock. */
function pastMoment(tx: UnitOfWork, field: string, value: string): Date {
  const at = parseDateTime(value);
  if (at === null) {
    throw new InvalidInputError(
      field,
      'must be a date and time with its offset, like 2026-12-03T08:30:00+01:00',
    );
  }
  if (at > tx.clock.now()) throw new InvalidInputError(field, 'must not be in the future');
  return at;
}

function alreadyOpen(): DomainError {
  return new DomainError(
    'EMERGENCY_REGISTER_ALREADY_OPEN',
    'input.aooId: the AOO already has an open emergency register; close it first',
    { field: 'input.aooId' },
  );
}

/**
 * Opens the emergency register of an AOO: cause, start of the outage (now or past, never
 * future, not before the end of an earlier session) and authorising act; at most one open per AOO (checked here, and by a partial unique
 * index when two RGDs open at once).
 */
export function openRegister(
  ctx: RequestContext,
  input: OpenEmergencyRegisterInput,
): Promise<EmergencyRegister> {
  return withTransaction(ctx, async (tx) => {
    const aoo = await visibleAoo(tx, tx.em, input.aooId);
    requireEmergencyRight(tx, aoo.id);
    const cause = requiredText('input.cause', input.cause, 2000);
    const authorisation = requiredText('input.authorisation', input.authorisation, 500);
    const startedAt = pastMoment(tx, 'input.startedAt', input.startedAt);
    if ((await tx.em.count(EmergencyRegister, { aooId: aoo.id, endedAt: null })) > 0) throw alreadyOpen();
    // Sessions follow one another: an emergency date belongs to one session only.
    const [latest] = await tx.em.find(
      EmergencyRegister,
      { aooId: aoo.id, endedAt: { $gt: startedAt } },
      { orderBy: { endedAt: 'desc' }, limit: 1 },
    );
    if (latest?.endedAt) {
      throw new InvalidInputError(
        'input.startedAt',
        `must not be before the end of the previous emergency register (${latest.endedAt.toISOString()}): sessions do not overlap`,
      );
    }
    const register = tx.em.create(EmergencyRegister, {
      aooId: aoo.id,
      cause,
      authorisation,
      startedAt,
      openedAt: tx.clock.now(),
      openedById: tx.user?.id ?? '',
    });
    // The opening authorises the first 24 hours (001 §6.9); longer outages need extensions.
    const until = new Date(startedAt.getTime() + OPENING_PERIOD_MS);
    try {
      await tx.audit({
        aooId: aoo.id,
        operation: 'emergenza.open',
        targetType: 'EmergencyRegister',
        targetId: register.id,
        changes: {
          cause,
          authorisation,
          startedAt: startedAt.toISOString(),
          authorisedUntil: until.toISOString(),
        },
      });
    } catch (e) {
      if (e instanceof UniqueConstraintViolationException) throw alreadyOpen();
      throw e;
    }
    // Written after the register (flushed by the audit above): the period refers to it.
    tx.em.create(EmergencyPeriod, {
      registerId: register.id,
      sequence: 1,
      from: startedAt,
      until,
      authorisation,
      recordedAt: tx.clock.now(),
      recordedById: tx.user?.id ?? '',
    });
    tx.publish(
      new EmergencyRegisterOpened({
        registerId: register.id,
        aooId: aoo.id,
        startedAt: startedAt.toISOString(),
        cause,
      }),
    );
    return register;
  });
}

/** Closes an open register with the time the service came back (not before the start, not future). */
export function closeRegister(
  ctx: RequestContext,
  input: CloseEmergencyRegisterInput,
): Promise<EmergencyRegister> {
  return withTransaction(ctx, async (tx) => {
    const register = await findVisibleRegister(tx, tx.em, input.id, { lock: true });
    requireEmergencyRight(tx, register.aooId);
    requireOpen(register);
    const endedAt = pastMoment(tx, 'input.endedAt', input.endedAt);
    if (endedAt < register.startedAt) {
      throw new InvalidInputError(
        'input.endedAt',
        `must not be before the start of the outage (${register.startedAt.toISOString()})`,
      );
    }
    const last = await lastPeriod(tx.em, register);
    if (endedAt > last.until) {
      throw new DomainError(
        'EMERGENCY_PERIOD_EXCEEDED',
        `input.endedAt: the use of the emergency register is authorised until ${last.until.toISOString()}; the RGD extends it (extendEmergencyRegister) before closing it later`,
        { field: 'input.endedAt' },
      );
    }
    register.endedAt = endedAt;
    register.closedAt = tx.clock.now();
    register.closedById = tx.user?.id ?? '';
    await tx.audit({
      aooId: register.aooId,
      operation: 'emergenza.close',
      targetType: 'EmergencyRegister',
      targetId: register.id,
      changes: { endedAt: [null, endedAt.toISOString()] },
    });
    tx.publish(
      new EmergencyRegisterClosed({
        registerId: register.id,
        aooId: register.aooId,
        startedAt: register.startedAt.toISOString(),
        endedAt: endedAt.toISOString(),
      }),
    );
    return register;
  });
}

function requireOpen(register: EmergencyRegister): void {
  if (register.endedAt !== null) {
    throw new DomainError(
      'EMERGENCY_REGISTER_CLOSED',
      `input.id: the emergency register was closed at ${register.endedAt.toISOString()}`,
      { field: 'input.id' },
    );
  }
}

async function lastPeriod(em: EntityManager, register: EmergencyRegister): Promise<EmergencyPeriod> {
  const [last] = await em.find(
    EmergencyPeriod,
    { registerId: register.id },
    { orderBy: { sequence: 'desc' }, limit: 1 },
  );
  if (!last) throw new Error(`emergency register ${register.id} has no authorised period`);
  return last;
}

/**
 * Authorises the use of an open register for a further period (001 §6.9: beyond 24 hours, for
 * causes of exceptional gravity, the RGD authorises successive periods of at most one week):
 * from the end of the last authorised period until `until`, at most one week later, with the
 * authorising act. Periods are only added, never changed.
 */
export function extendRegister(
  ctx: RequestContext,
  input: ExtendEmergencyRegisterInput,
): Promise<EmergencyRegister> {
  return withTransaction(ctx, async (tx) => {
    const register = await findVisibleRegister(tx, tx.em, input.id, { lock: true });
    requireEmergencyRight(tx, register.aooId);
    requireOpen(register);
    const authorisation = requiredText('input.authorisation', input.authorisation, 500);
    const until = parseDateTime(input.until);
    if (until === null) {
      throw new InvalidInputError(
        'input.until',
        'must be a date and time with its offset, like 2026-12-10T08:30:00+01:00',
      );
    }
    const last = await lastPeriod(tx.em, register);
    if (until <= last.until) {
      throw new InvalidInputError(
        'input.until',
        `must be after the end of the authorised periods (${last.until.toISOString()})`,
      );
    }
    if (until.getTime() - last.until.getTime() > MAX_EXTENSION_MS) {
      throw new InvalidInputError(
        'input.until',
        `an extension covers at most one week after the end of the previous period (${last.until.toISOString()}), so until ${new Date(last.until.getTime() + MAX_EXTENSION_MS).toISOString()} at the latest`,
      );
    }
    if (last.sequence >= MAX_EMERGENCY_PERIODS) {
      throw new DomainError(
        'LIMIT_REACHED',
        `input.id: at most ${MAX_EMERGENCY_PERIODS} authorised periods of an emergency register`,
        { field: 'input.id', limit: MAX_EMERGENCY_PERIODS },
      );
    }
    const period = tx.em.create(EmergencyPeriod, {
      registerId: register.id,
      sequence: last.sequence + 1,
      from: last.until,
      until,
      authorisation,
      recordedAt: tx.clock.now(),
      recordedById: tx.user?.id ?? '',
    });
    await tx.audit({
      aooId: register.aooId,
      operation: 'emergenza.extend',
      targetType: 'EmergencyRegister',
      targetId: register.id,
      changes: {
        sequence: period.sequence,
        authorisation,
        from: period.from.toISOString(),
        authorisedUntil: [last.until.toISOString(), until.toISOString()],
      },
    });
    tx.publish(
      new EmergencyRegisterExtended({
        registerId: register.id,
        aooId: register.aooId,
        sequence: period.sequence,
        from: period.from.toISOString(),
        until: until.toISOString(),
        authorisation,
      }),
    );
    return register;
  });
}

/** The sessions of an AOO the caller sees, newest first. */
export async function listRegisters(ctx: RequestContext, aooId: string): Promise<EmergencyRegister[]> {
  const aoo = await visibleAoo(ctx, ctx.em, aooId);
  return ctx.em.find(
    EmergencyRegister,
    { aooId: aoo.id },
    { orderBy: { startedAt: 'desc', id: 'desc' }, limit: MAX_EMERGENCY_REGISTERS },
  );
}
