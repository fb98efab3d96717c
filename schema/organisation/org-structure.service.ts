import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { diff } from '../../server/audit/audit-log.js';
import { withTransaction } from '../../server/db/unit-of-work.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { forbidden } from '../../server/auth/auth-checker.js';
import { romeDay } from '../../server/clock.js';
import type { RequestContext } from '../../server/context.js';
import { ConflictError, DomainError, InvalidInputError } from '../../server/errors/domain-error.js';
import {
  isoDate,
  matching,
  optionalEmail,
  optionalText,
  requiredText,
} from '../../server/errors/input-checks.js';
import { Administration } from './administration.entity.js';
import { Aoo } from './aoo.entity.js';
import type {
  CreateAdministrationInput,
  CreateAooInput,
  CreateUorInput,
  UpdateAdministrationInput,
  UpdateAooInput,
  UpdateUorInput,
} from './organisation.inputs.js';
import { visibleAdministration, visibleAoo, visibleUor, visibleUser } from './org-lookup.js';
import { canAdminOrg, isPlatformAdmin } from './org-visibility.js';
import { Uor } from './uor.entity.js';
import { MAX_AOOS_PER_ADMINISTRATION, MAX_UORS_PER_AOO } from './org-limits.js';
import { refuseBeyond } from '../../server/errors/limits.js';

const IPA_CODE = /^[A-Za-z0-9_]{1,32}$/;
const AOO_CODE = /^[A-Za-z0-9_]{1,16}$/;
const UOR_CODE = /^[A-Za-z0-9_.-]{1,32}$/;

function requirePlatformAdmin(ctx: RequestContext, what: string): void {
  if (!isPlatformAdmin(ctx)) throw forbidden(what);
}

function requireOrgAdmin(ctx: RequestContext, aooId: string, what: string): void {
  if (!canAdminOrg(ctx, aooId)) throw forbidden(what);
}

/**
 * Runs a write; a unique violation on a code becomes a CONFLICT naming the field. Where several
 * unique constraints can clash, `byConstraint` names the field and message of the others.
 */
export async function uniqueOr<T>(
  field: string,
  message: string,
  work: () => Promise<T>,
  byConstraint: Record<string, [field: string, message: string]> = {},
): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof UniqueConstraintViolationException) {
      const [f, m] = byConstraint[(e as { constraint?: string }).constraint ?? ''] ?? [field, message];
      throw new ConflictError(f, m);
    }
    throw e;
  }
}

export async function createAdministration(
  ctx: RequestContext,
  input: CreateAdministrationInput,
): Promise<Administration> {
  requirePlatformAdmin(ctx, 'create administrations');
  const ipaCode = matching('ipaCode', input.ipaCode, IPA_CODE, '1-32 letters, digits or _');
  const name = requiredText('name', input.name, 300);
  const taxCode = optionalText('taxCode', input.taxCode, 16) ?? null;
  return uniqueOr('ipaCode', `an administration with IPA code ${ipaCode} exists already`, () =>
    withTransaction(ctx, async (tx) => {
      const em = tx.em;
      const adm = em.create(Administration, { createdAt: ctx.clock.now(), ipaCode, name, taxCode });
      await tx.audit({
        aooId: null,
        operation: 'administration.create',
        targetType: 'Administration',
        targetId: adm.id,
        changes: { ipaCode, name, taxCode },
      });
      return adm;
    }),
  );
}

export async function updateAdministration(
  ctx: RequestContext,
  id: string,
  input: UpdateAdministrationInput,
): Promise<Administration> {
  requirePlatformAdmin(ctx, 'change administrations');
  const name =
    input.name === undefined || input.name === null ? undefined : requiredText('name', input.name, 300);
  const taxCode = optionalText('taxCode', input.taxCode, 16);
  return withTransaction(ctx, async (tx) => {
    const em = tx.em;
    const adm = await visibleAdministration(ctx, em, id);
    const changes = diff(adm, { name, taxCode });
    em.assign(adm, { ...(name !== undefined && { name }), ...(taxCode !== undefined && { taxCode }) });
    await tx.audit({
      aooId: null,
      operation: 'administration.update',
      targetType: 'Administration',
      targetId: adm.id,
      changes,
    });
    return adm;
  });
}

export async function createAoo(ctx: RequestContext, input: CreateAooInput): Promise<Aoo> {
  requirePlatformAdmin(ctx, 'create AOOs');
  const code = matching('code', input.code, AOO_CODE, '1-16 letters, digits or _ (IPA Codice_uni_aoo)');
  const name = requiredText('name', input.name, 300);
  const pecAddress = optionalEmail('pecAddress', input.pecAddress);
  if (!pecAddress)
    throw new InvalidInputError(
      'pecAddress',
      'must not be empty: every AOO has an institutional PEC address',
    );
  const registerCode = matching(
    'registerCode',
    input.registerCode,
    /^[A-Za-z0-9_]{1,16}$/,
    '1-16 letters, digits or _',
  );
  return uniqueOr('code', `the administration has an AOO with code ${code} already`, () =>
    withTransaction(ctx, async (tx) => {
      const em = tx.em;
      const administration = await visibleAdministration(ctx, em, input.administrationId);
      await refuseBeyond(em, {
        field: 'administrationId',
        max: MAX_AOOS_PER_ADMINISTRATION,
        what: 'AOOs of an administration',
        owner: { table: 'administration', id: administration.id },
        count: {
          sql: 'select count(*) as n from aoo where administration_id = ?',
          params: [administration.id],
        },
      });
      const aoo = em.create(Aoo, {
        createdAt: ctx.clock.now(),
        administration,
        code,
        name,
        pecAddress,
        registerCode,
      });
      await tx.audit({
        aooId: aoo.id,
        operation: 'aoo.create',
        targetType: 'Aoo',
        targetId: aoo.id,
        changes: { code, name, pecAddress, registerCode },
      });
      return aoo;
    }),
  );
}

export async function updateAoo(ctx: RequestContext, id: string, input: UpdateAooInput): Promise<Aoo> {
  const name =
    input.name === undefined || input.name === null ? undefined : requiredText('name', input.name, 300);
  const pecAddress =
    input.pecAddress === undefined || input.pecAddress === null
      ? undefined
      : optionalEmail('pecAddress', input.pecAddress);
  if (pecAddress === null) throw new InvalidInputError('pecAddress', 'must not be empty');
  return withTransaction(ctx, async (tx) => {
    const em = tx.em;
    const aoo = await visibleAoo(ctx, em, id);
    requireOrgAdmin(ctx, aoo.id, 'change this AOO');
    const changes: Record<string, unknown> = diff(aoo, { name, pecAddress });
    if (name !== undefined) aoo.name = name;
    if (pecAddress !== undefined) aoo.pecAddress = pecAddress;
    if (input.rgdId !== undefined) {
      const rgd = input.rgdId === null ? null : await visibleUser(ctx, em, input.rgdId);
      changes['rgdId'] = [aoo.rgd?.id ?? null, rgd?.id ?? null];
      aoo.rgd = rgd;
    }
    await tx.audit({
      aooId: aoo.id,
      operation: 'aoo.update',
      targetType: 'Aoo',
      targetId: aoo.id,
      changes,
    });
    return aoo;
  });
}

export async function createUor(ctx: RequestContext, input: CreateUorInput): Promise<Uor> {
  const code = matching('code', input.code, UOR_CODE, '1-32 letters, digits, _ . or -');
  const name = requiredText('name', input.name, 300);
  const email = optionalEmail('email', input.email) ?? null;
  const activeFrom = input.activeFrom ? isoDate('activeFrom', input.activeFrom) : romeDay(ctx.clock.now());
  return uniqueOr('code', `the AOO has a UOR with code ${code} already`, () =>
    withTransaction(ctx, async (tx) => {
      const em = tx.em;
      const aoo = await visibleAoo(ctx, em, input.aooId);
      requireOrgAdmin(ctx, aoo.id, 'create UORs in this AOO');
      // An empty id is a bad id, not "no parent": only null (or leaving the field out) means none.
      const parent = input.parentId != null ? await parentUor(ctx, em, input.parentId, aoo.id) : null;
      const head = input.headId != null ? await visibleUser(ctx, em, input.headId) : null;
      await refuseBeyond(em, {
        field: 'aooId',
        max: MAX_UORS_PER_AOO,
        what: 'UORs of an AOO (closed ones included)',
        owner: { table: 'aoo', id: aoo.id },
        count: { sql: 'select count(*) as n from uor where aoo_id = ?', params: [aoo.id] },
      });
      const uor = em.create(Uor, {
        createdAt: ctx.clock.now(),
        aoo,
        code,
        name,
        parent,
        head,
        email,
        activeFrom,
      });
      await tx.audit({
        aooId: aoo.id,
        operation: 'uor.create',
        targetType: 'Uor',
        targetId: uor.id,
        changes: { code, name, parentId: parent?.id ?? null, headId: head?.id ?? null, email, activeFrom },
      });
      return uor;
    }),
  );
}

export async function updateUor(ctx: RequestContext, id: string, input: UpdateUorInput): Promise<Uor> {
  const name =
    input.name === undefined || input.name === null ? undefined : requiredText('name', input.name, 300);
  const email = optionalEmail('email', input.email);
  return withTransaction(ctx, async (tx) => {
    const em = tx.em;
    const uor = await visibleUor(ctx, em, id);
    requireOrgAdmin(ctx, uor.aoo.id, 'change UORs of this AOO');
    const changes: Record<string, unknown> = diff(uor, { name, email });
    if (name !== undefined) uor.name = name;
    if (email !== undefined) uor.email = email;
    if (input.parentId !== undefined) {
      const parent = input.parentId === null ? null : await parentUor(ctx, em, input.parentId, uor.aoo.id);
      if (parent) await refuseCycle(em, uor, parent);
      changes['parentId'] = [uor.parent?.id ?? null, parent?.id ?? null];
      uor.parent = parent;
    }
    if (input.headId !== undefined) {
      const head = input.headId === null ? null : await visibleUser(ctx, em, input.headId);
      changes['headId'] = [uor.head?.id ?? null, head?.id ?? null];
      uor.head = head;
    }
    await tx.audit({
      aooId: uor.aoo.id,
      operation: 'uor.update',
      targetType: 'Uor',
      targetId: uor.id,
      changes,
    });
    return uor;
  });
}

/** UORs that ever acted are closed with an end date, never deleted. */
export async function deactivateUor(
  ctx: RequestContext,
  id: string,
  activeTo: string | null | undefined,
): Promise<Uor> {
  return withTransaction(ctx, async (tx) => {
    const em = tx.em;
    const uor = await visibleUor(ctx, em, id);
    requireOrgAdmin(ctx, uor.aoo.id, 'deactivate UORs of this AOO');
    const end = activeTo ? isoDate('activeTo', activeTo) : romeDay(ctx.clock.now());
    if (end < uor.activeFrom)
      throw new InvalidInputError('activeTo', `must not precede activeFrom (${uor.activeFrom})`);
    const openChildren = await em.count(Uor, {
      parent: uor.id,
      $or: [{ activeTo: null }, { activeTo: { $gt: end } }],
    });
    if (openChildren > 0) {
      throw new DomainError(
        'UOR_HAS_ACTIVE_CHILDREN',
        `UOR ${uor.code} has ${openChildren} active sub-UORs: deactivate or move them first`,
      );
    }
    const changes = diff(uor, { activeTo: end });
    uor.activeTo = end;
    await tx.audit({
      aooId: uor.aoo.id,
      operation: 'uor.deactivate',
      targetType: 'Uor',
      targetId: uor.id,
      changes,
    });
    return uor;
  });
}

/** A new parent: an open UOR of the same AOO (a closed UOR has no active sub-UORs). */
async function parentUor(ctx: RequestContext, em: EntityManager, id: string, aooId: string): Promise<Uor> {
  const uor = await visibleUor(ctx, em, id);
  if (uor.aoo.id !== aooId) throw new InvalidInputError('parentId', 'must be a UOR of the same AOO');
  if (uor.activeTo !== null) {
    const message = `UOR ${uor.code} was closed on ${uor.activeTo}: it takes no sub-UORs`;
    throw new DomainError('UOR_INACTIVE', message, { field: 'parentId' });
  }
  return uor;
}

/** Moving a UOR under itself or one of its descendants would make the tree a cycle. */
async function refuseCycle(em: EntityManager, uor: Uor, newParent: Uor): Promise<void> {
  // Serialise moves within the AOO: two concurrent moves could otherwise each pass the check.
  await em.execute('select id from aoo where id = ? for update', [uor.aoo.id]);
  const rows = await em.execute<Array<{ id: string }>>(
    `with recursive up as (select id, parent_id from uor where id = ?
       union all select u.id, u.parent_id from uor u join up on u.id = up.parent_id)
     select id from up`,
    [newParent.id],
  );
  if (rows.some((r) => r.id === uor.id)) {
    throw new DomainError(
      'UOR_CYCLE',
      `UOR ${uor.code} cannot be placed under ${newParent.code}: it is ${newParent.code} itself or one of its ancestors`,
      { field: 'parentId' },
    );
  }
}
