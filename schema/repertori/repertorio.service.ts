import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { diff } from '../../server/audit/audit-log.js';
import { forbidden } from '../../server/auth/auth-checker.js';
import type { RequestContext } from '../../server/context.js';
import { withTransaction } from '../../server/db/unit-of-work.js';
import { ConflictError, DomainError, NotFoundError } from '../../server/errors/domain-error.js';
import { isUuid, matching, requiredText } from '../../server/errors/input-checks.js';
import { visibleAoo } from '../organisation/index.js';
import { REPERTORIO_MANAGE } from './permissions.js';
import type { CreateRepertorioInput, UpdateRepertorioInput } from './repertorio.inputs.js';
import { Repertorio } from './repertorio.entity.js';

/** At most this many repertori in an AOO (bounds the `repertori` list). */
export const MAX_REPERTORI = 200;

const CODE = /^[A-Z][A-Z0-9_]{0,39}$/;

/** A repertorio is visible to whoever sees its AOO; otherwise it answers like a missing one. */
export async function findVisibleRepertorio(
  ctx: RequestContext,
  em: EntityManager,
  id: string,
): Promise<Repertorio> {
  const rep = isUuid(id) ? await em.findOne(Repertorio, { id }) : null;
  if (rep) {
    try {
      await visibleAoo(ctx, em, rep.aooId);
      return rep;
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
    }
  }
  throw new NotFoundError('Repertorio', id);
}

/** The repertori of an AOO the caller sees, by code (deactivated ones too: their entries stay). */
export async function listRepertori(ctx: RequestContext, aooId: string): Promise<Repertorio[]> {
  const aoo = await visibleAoo(ctx, ctx.em, aooId);
  return ctx.em.find(Repertorio, { aooId: aoo.id }, { orderBy: { code: 'asc' }, limit: MAX_REPERTORI });
}

function requireManage(ctx: RequestContext, aooId: string): void {
  if (!ctx.grants.has(REPERTORIO_MANAGE, aooId)) {
    throw forbidden('manage the repertori of this AOO (needs REPERTORIO_MANAGE)');
  }
}

/** Flushes and audits; a concurrent creation of the same code is the same refusal as a checked one. */
async function auditUnique(code: string, audit: () => Promise<void>): Promise<void> {
  try {
    await audit();
  } catch (e) {
    if (e instanceof UniqueConstraintViolationException) throw codeTaken(code);
    throw e;
  }
}

function codeTaken(code: string): DomainError {
  return new DomainError('REPERTORIO_CODE_TAKEN', `input.code: the AOO already has a repertorio ${code}`, {
    field: 'input.code',
  });
}

export async function createRepertorio(
  ctx: RequestContext,
  input: CreateRepertorioInput,
): Promise<Repertorio> {
  return withTransaction(ctx, async (tx) => {
    const aoo = await visibleAoo(tx, tx.em, input.aooId);
    requireManage(tx, aoo.id);
    const code = matching(
      'input.code',
      input.code,
      CODE,
      'capital letters, digits and _, at most 40, e.g. DELIBERE',
    );
    const name = requiredText('input.name', input.name, 200);
    if ((await tx.em.count(Repertorio, { aooId: aoo.id, code })) > 0) throw codeTaken(code);
    if ((await tx.em.count(Repertorio, { aooId: aoo.id })) >= MAX_REPERTORI) {
      throw new ConflictError('input.aooId', `an AOO has at most ${MAX_REPERTORI} repertori`);
    }
    const rep = tx.em.create(Repertorio, {
      aooId: aoo.id,
      code,
      name,
      createdAt: tx.clock.now(),
      createdById: tx.user?.id ?? '',
    });
    await auditUnique(code, () =>
      tx.audit({
        aooId: aoo.id,
        operation: 'repertorio.create',
        targetType: 'Repertorio',
        targetId: rep.id,
        changes: { code, name },
      }),
    );
    return rep;
  });
}

export async function updateRepertorio(
  ctx: RequestContext,
  id: string,
  input: UpdateRepertorioInput,
): Promise<Repertorio> {
  return withTransaction(ctx, async (tx) => {
    const rep = await findVisibleRepertorio(tx, tx.em, id);
    requireManage(tx, rep.aooId);
    const name = requiredText('input.name', input.name, 200);
    const changes = diff({ name: rep.name }, { name });
    rep.name = name;
    await tx.audit({
      aooId: rep.aooId,
      operation: 'repertorio.update',
      targetType: 'Repertorio',
      targetId: rep.id,
      changes,
    });
    return rep;
  });
}

/** Nothing more is registered in it; its entries stay, listed and readable, and its code stays taken. */
export async function deactivateRepertorio(ctx: RequestContext, id: string): Promise<Repertorio> {
  return withTransaction(ctx, async (tx) => {
    const rep = await findVisibleRepertorio(tx, tx.em, id);
    requireManage(tx, rep.aooId);
    const changes = diff({ active: rep.active }, { active: false });
    rep.active = false;
    await tx.audit({
      aooId: rep.aooId,
      operation: 'repertorio.deactivate',
      targetType: 'Repertorio',
      targetId: rep.id,
      changes,
    });
    return rep;
  });
}
