import type { EntityManager } from '@mikro-orm/postgresql';
import { diff } from '../../server/audit/audit-log.js';
import { withTransaction } from '../../server/db/unit-of-work.js';
import { ORG_ADMIN } from './permissions.js';
import { pgArray } from '../../server/db/sql-array.js';
import { romeDay } from '../../server/clock.js';
import type { RequestContext } from '../../server/context.js';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { ConflictError, DomainError, NotFoundError } from '../../server/errors/domain-error.js';
import {
  isUuid,
  matching,
  optionalEmail,
  optionalText,
  requiredText,
} from '../../server/errors/input-checks.js';
import { forbidden } from '../../server/auth/auth-checker.js';
import { Membership } from './membership.entity.js';
import type { AddMembershipInput, CreateUserInput, UpdateUserInput } from './organisation.inputs.js';
import { governingAoosOfUser, visibleAoo, visibleUor, visibleUser, visibleUserIds } from './org-lookup.js';
import { canAdminOrg } from './org-visibility.js';
import { MAX_ACTIVE_MEMBERS_PER_UOR, MAX_AOOS_PER_USER, MAX_MEMBERSHIPS_PER_USER } from './org-limits.js';
import { refuseBeyond } from '../../server/errors/limits.js';
import { uniqueOr } from './org-structure.service.js';
import { User } from './user.entity.js';

export const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;

/**
 * A user's identity (names, e-mail, active flag) serves every AOO the user works in, so its
 * changes need the administrators' right in ALL of them: an administrator of one AOO cannot
 * take over a user of another by first adding them to their own.
 */
async function requireUserAdmin(
  ctx: RequestContext,
  em: EntityManager,
  user: User,
  what: string,
): Promise<void> {
  if (!ctx.user) throw forbidden(what);
  if (ctx.user.platformAdmin) return;
  // In the write's transaction, after locking the user (addMembership locks it too): a
  // membership added meanwhile, or an administrator right revoked meanwhile, is seen.
  await em.execute('select 1 from app_user where id = ? for update', [user.id]);
  const aoos = await governingAoosOfUser(em, user);
  const today = romeDay(ctx.clock.now());
  const mine = await ctx.platform.identity.grantsOf(em, ctx.user.id, today);
  if (aoos.length === 0 || !aoos.every((aooId) => mine.has(ORG_ADMIN, aooId))) throw forbidden(what);
}

/** Nobody grants or removes their own rights: another administrator must (two-person rule). */
function refuseSelf(ctx: RequestContext, userId: string, what: string): void {
  if (ctx.user && !ctx.user.platformAdmin && ctx.user.id === userId) {
    throw forbidden(`${what} of your own: another administrator must do it`);
  }
}

export async function createUser(ctx: RequestContext, input: CreateUserInput): Promise<User> {
  const username = matching(
    'username',
    input.username.toLowerCase(),
    USERNAME,
    '2-64 lowercase letters, digits, . _ or -, starting with a letter or digit',
  );
  const givenName = requiredText('givenName', input.givenName, 100);
  const familyName = requiredText('familyName', input.familyName, 100);
  const email = optionalEmail('email', input.email) ?? null;
  const subject = optionalText('subject', input.subject, 255) ?? username;
  try {
    return await withTransaction(ctx, async (tx) => {
      const em = tx.em;
      const aoo = await visibleAoo(ctx, em, input.aooId);
      if (!canAdminOrg(ctx, aoo.id)) throw forbidden('create users in this AOO');
      const user = em.create(User, {
        createdAt: ctx.clock.now(),
        username,
        givenName,
        familyName,
        email,
        subject,
        createdInAooId: aoo.id,
      });
      await tx.audit({
        aooId: aoo.id,
        operation: 'user.create',
        targetType: 'User',
        targetId: user.id,
        changes: { username, givenName, familyName, email, subject },
      });
      return user;
    });
  } catch (e) {
    if (e instanceof UniqueConstraintViolationException) throw await identityConflict(ctx, username, subject);
    throw e;
  }
}

/**
 * Usernames and subjects are unique on the whole platform. A clash with a user the caller sees
 * is explained; a clash with a user of an AOO the caller does not read gets one answer for
 * both fields, naming neither, so an administrator cannot list the people of other AOOs.
 */
async function identityConflict(
  ctx: RequestContext,
  username: string,
  subject: string,
): Promise<ConflictError> {
  const rows = await ctx.em.execute<Array<{ id: string; username: string }>>(
    'select id, username from app_user where username = ? or subject = ?',
    [username, subject],
  );
  const visible = await visibleUserIds(
    ctx,
    ctx.em,
    rows.map((r) => r.id),
  );
  const seen = rows.find((r) => visible.has(r.id));
  if (seen?.username === username) return new ConflictError('username', `the username ${username} is taken`);
  if (seen) return new ConflictError('subject', `the subject ${subject} belongs to another user`);
  return new ConflictError(
    'username',
    'this username or subject is not available: choose another, or ask a platform administrator',
  );
}

export async function updateUser(ctx: RequestContext, id: string, input: UpdateUserInput): Promise<User> {
  const givenName = input.givenName == null ? undefined : requiredText('givenName', input.givenName, 100);
  const familyName = input.familyName == null ? undefined : requiredText('familyName', input.familyName, 100);
  const email = optionalEmail('email', input.email);
  return withTransaction(ctx, async (tx) => {
    const em = tx.em;
    const user = await visibleUser(ctx, em, id);
    await requireUserAdmin(ctx, em, user, 'change this user');
    const changes = diff(user, { givenName, familyName, email });
    em.assign(user, {
      ...(givenName !== undefined && { givenName }),
      ...(familyName !== undefined && { familyName }),
      ...(email !== undefined && { email }),
    });
    await tx.audit({
      aooId: user.createdInAooId,
      operation: 'user.update',
      targetType: 'User',
      targetId: user.id,
      changes,
    });
    return user;
  });
}

/** Users who ever acted are deactivated, never deleted; their tokens stop working at once. */
export async function setUserActive(ctx: RequestContext, id: string, active: boolean): Promise<User> {
  return withTransaction(ctx, async (tx) => {
    const em = tx.em;
    const user = await visibleUser(ctx, em, id);
    await requireUserAdmin(ctx, em, user, active ? 'reactivate this user' : 'deactivate this user');
    if (ctx.user?.id === user.id && !active)
      throw new DomainError(
        'CANNOT_DEACTIVATE_SELF',
        'You cannot deactivate yourself: ask another administrator',
      );
    // Deactivating twice would overwrite when the user was deactivated.
    if (!active && !user.active)
      throw new DomainError('USER_INACTIVE', `User ${user.username} is deactivated already`);
    const changes = diff(user, { active });
    user.active = active;
    user.deactivatedAt = active ? null : ctx.clock.now();
    await tx.audit({
      aooId: user.createdInAooId,
      operation: active ? 'user.reactivate' : 'user.deactivate',
      targetType: 'User',
      targetId: user.id,
      changes,
    });
    return user;
  });
}

export async function addMembership(ctx: RequestContext, input: AddMembershipInput): Promise<Membership> {
  return uniqueOr('profile', 'the user already holds this profile in this UOR', () =>
    withTransaction(ctx, async (tx) => {
      const em = tx.em;
      const uor = await visibleUor(ctx, em, input.uorId);
      if (!canAdminOrg(ctx, uor.aoo.id)) throw forbidden('assign users in this AOO');
      if (uor.activeTo !== null)
        throw new DomainError('UOR_INACTIVE', `UOR ${uor.code} was closed on ${uor.activeTo}`, {
          field: 'uorId',
        });
      const user = await visibleUser(ctx, em, input.userId);
      refuseSelf(ctx, user.id, 'change the memberships');
      if (!user.active)
        throw new DomainError('USER_INACTIVE', `User ${user.username} is deactivated`, { field: 'userId' });
      await refuseBeyond(em, {
        field: 'userId',
        max: MAX_MEMBERSHIPS_PER_USER,
        what: 'memberships of a user (ended ones included)',
        owner: { table: 'app_user', id: user.id },
        count: { sql: 'select count(*) as n from membership where user_id = ?', params: [user.id] },
      });
      await refuseBeyond(em, {
        field: 'userId',
        max: MAX_AOOS_PER_USER,
        what: 'AOOs a user works in at once',
        owner: { table: 'app_user', id: user.id },
        count: {
          sql: `select count(distinct u.aoo_id) as n from membership m join uor u on u.id = m.uor_id
                 where m.user_id = ? and m.ended_at is null and u.aoo_id <> ?`,
          params: [user.id, uor.aoo.id],
        },
      });
      await refuseBeyond(em, {
        field: 'uorId',
        max: MAX_ACTIVE_MEMBERS_PER_UOR,
        what: 'active members of a UOR',
        owner: { table: 'uor', id: uor.id },
        count: {
          sql: 'select count(*) as n from membership where uor_id = ? and ended_at is null',
          params: [uor.id],
        },
      });
      const membership = em.create(Membership, {
        createdAt: ctx.clock.now(),
        user,
        uor,
        profile: input.profile,
      });
      await tx.audit({
        aooId: uor.aoo.id,
        operation: 'membership.add',
        targetType: 'Membership',
        targetId: membership.id,
        changes: { userId: user.id, uorId: uor.id, profile: input.profile },
      });
      return membership;
    }),
  );
}

export async function endMembership(ctx: RequestContext, id: string): Promise<Membership> {
  return withTransaction(ctx, async (tx) => {
    const em = tx.em;
    // Whether the caller administers the membership's AOO, asked before loading anything, so a
    // hidden membership costs exactly what a missing one does. Org readers of the AOO learn
    // nothing more than "not found" either: ending needs admin.
    const membership = (await administeredMembership(ctx, em, id))
      ? await em.findOne(Membership, { id }, { populate: ['uor'] })
      : null;
    if (!membership) throw new NotFoundError('Membership', id);
    refuseSelf(ctx, membership.user.id, 'end the memberships');
    if (membership.endedAt !== null)
      throw new DomainError('MEMBERSHIP_ENDED', 'This membership has ended already');
    membership.endedAt = ctx.clock.now();
    await tx.audit({
      aooId: membership.uor.aoo.id,
      operation: 'membership.end',
      targetType: 'Membership',
      targetId: membership.id,
      changes: {},
    });
    return membership;
  });
}

async function administeredMembership(ctx: RequestContext, em: EntityManager, id: string): Promise<boolean> {
  if (!isUuid(id) || ctx.user === null) return false;
  const all = ctx.user.platformAdmin;
  const aoos = all ? [] : ctx.grants.aoosWith(ORG_ADMIN);
  const rows = await em.execute<Array<{ one: number }>>(
    `select 1 as one from membership m join uor u on u.id = m.uor_id where m.id = ? and (? or u.aoo_id = any(?::uuid[]))`,
    [id, all, pgArray(aoos)],
  );
  return rows.length > 0;
}
