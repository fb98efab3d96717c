import type { EntityManager } from '@mikro-orm/postgresql';
import { forbidden } from '../../server/auth/auth-checker.js';
import type { RequestContext } from '../../server/context.js';
import type { UnitOfWork } from '../../server/db/unit-of-work.js';
import { DomainError, InvalidInputError, NotFoundError } from '../../server/errors/domain-error.js';
import { isUuid, optionalText, requiredText } from '../../server/errors/input-checks.js';
import { visibleUor, type Uor } from '../organisation/index.js';
import type { Fascicolo } from './fascicolo.entity.js';
import { FascicoloState } from './fascicolo-enums.js';
import { FASCICOLO_MANAGE } from './permissions.js';

export const MAX_PARTICIPANTS = 50;

/** The formatted identifier (DOMAIN §3): `2019 - IX/1.6 «oggetto»`, sottofascicoli `IX/1.6.1`. */
export function fascicoloIdentifier(
  f: Pick<Fascicolo, 'year' | 'classificationCode' | 'numberPath' | 'oggetto'>,
): string {
  return `${f.year} - ${f.classificationCode}.${f.numberPath} «${f.oggetto}»`;
}

export function requireManage(ctx: RequestContext, f: Fascicolo, what: string): void {
  if (!ctx.grants.covers(FASCICOLO_MANAGE, f.aoo.id, f.uor.id))
    throw forbidden(`${what} (needs FASCICOLO_MANAGE)`);
}

export function requireOpen(f: Fascicolo): void {
  if (f.state === FascicoloState.CLOSED) {
    throw new DomainError(
      'FASCICOLO_CLOSED',
      `Fascicolo ${fascicoloIdentifier(f)} is closed: ask the RGD to reopen it first`,
      { fascicoloId: f.id },
    );
  }
}

/** A UOR given in an input: a missing or hidden one is the caller's mistake in that field. */
export async function inputUor(
  ctx: RequestContext,
  em: EntityManager,
  field: string,
  id: string,
): Promise<Uor> {
  try {
    return await visibleUor(ctx, em, id);
  } catch (e) {
    if (e instanceof NotFoundError) throw new InvalidInputError(field, `UOR ${id} not found`);
    throw e;
  }
}

/** The RPA is an active user with a current membership in the UOR (DOMAIN §3). */
export async function requireRpaOfUor(tx: UnitOfWork, field: string, rpaId: string, uor: Uor): Promise<void> {
  const rows = isUuid(rpaId)
    ? await tx.em.execute<Array<{ one: number }>>(
        `select 1 as one from membership m join app_user u on u.id = m.user_id
          where m.user_id = ? and m.uor_id = ? and m.ended_at is null and u.active limit 1`,
        [rpaId, uor.id],
      )
    : [];
  if (rows.length === 0) {
    throw new DomainError(
      'FASCICOLO_RPA_NOT_IN_UOR',
      `${field}: user ${rpaId} is not an active member of UOR ${uor.code}; pick a member of that office`,
      { field },
    );
  }
}

export function participants(field: string, names: readonly string[]): string[] {
  if (names.length > MAX_PARTICIPANTS) throw new InvalidInputError(field, `at most ${MAX_PARTICIPANTS}`);
  return [...new Set(names.map((n, i) => requiredText(`${field}[${i}]`, n, 300)))];
}

export function physicalLocation(value: string | null | undefined): string | null {
  return optionalText('physicalLocation', value, 1000) ?? null;
}

/** A history row of the fascicolo's life (001 §4.5: operator, date and time), in the transaction. */
export async function appendHistory(
  tx: UnitOfWork,
  f: Fascicolo,
  action: 'OPENED' | 'CLOSED' | 'REOPENED' | 'TRANSFERRED',
  extra: {
    reason?: string | null;
    fromUorId?: string;
    toUorId?: string;
    fromRpaId?: string;
    toRpaId?: string;
  } = {},
): Promise<void> {
  await tx.em.flush();
  await tx.em.execute(
    `insert into fascicolo_history (fascicolo_id, action, at, actor_id, reason, from_uor_id, to_uor_id, from_rpa_id, to_rpa_id)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      f.id,
      action,
      tx.clock.now(),
      tx.user?.id ?? null,
      extra.reason ?? null,
      extra.fromUorId ?? null,
      extra.toUorId ?? null,
      extra.fromRpaId ?? null,
      extra.toRpaId ?? null,
    ],
    'run',
  );
}
