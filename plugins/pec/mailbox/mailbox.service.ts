import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import { forbidden } from '../../../server/auth/auth-checker.js';
import type { RequestContext } from '../../../server/context.js';
import { withTransaction, type UnitOfWork } from '../../../server/db/unit-of-work.js';
import { DomainError, InvalidInputError, NotFoundError } from '../../../server/errors/domain-error.js';
import { isUuid, optionalEmail, requiredText } from '../../../server/errors/input-checks.js';
import { pgArray } from '../../../server/db/sql-array.js';
import { fullRightAoos, readableMailboxSql } from './mailbox-access.js';
import { checkRegistrar } from './mailbox-registrar.js';
import { encryptMailboxPassword } from './mailbox-secret.js';
import type {
  CreatePecMailboxInput,
  PecMailboxGrantInput,
  PecServerInput,
  UpdatePecMailboxInput,
} from './mailbox.inputs.js';
import { PecMailboxGrant } from './pec-mailbox-grant.entity.js';
import { PecMailbox } from './pec-mailbox.entity.js';
import { PEC_MAILBOX_MANAGE } from './permissions.js';

/** At most this many grants per mailbox (each a user or an office). */
export const MAX_GRANTS = 50;
const MAX_PASSWORD = 1024;

/** Mailboxes the caller sees: those of the AOOs they manage, and those they hold READ on. */
function seenMailboxSql(ctx: RequestContext): { sql: string; params: unknown[] } {
  const read = readableMailboxSql(ctx);
  return {
    sql: `(mb.aoo_id = any(?::uuid[]) or ${read.sql})`,
    params: [pgArray(ctx.grants.aoosWith(PEC_MAILBOX_MANAGE)), ...read.params],
  };
}

/** At most this many mailboxes are listed (an AOO has a handful). */
export const MAX_MAILBOXES = 100;

export async function listMailboxes(ctx: RequestContext, aooId: string | null): Promise<PecMailbox[]> {
  if (aooId !== null && !isUuid(aooId)) return [];
  const seen = seenMailboxSql(ctx);
  const rows = await ctx.em.execute<Array<{ id: string }>>(
    `select mb.id from pec_mailbox mb where ${seen.sql} ${aooId !== null ? 'and mb.aoo_id = ?' : ''}
      order by mb.address, mb.id limit ?`,
    [...seen.params, ...(aooId !== null ? [aooId] : []), MAX_MAILBOXES],
  );
  return ctx.em.find(
    PecMailbox,
    { id: { $in: rows.map((r) => r.id) } },
    { orderBy: { address: 'asc', id: 'asc' } },
  );
}

/** A mailbox the caller sees, or NOT_FOUND (the same answer for a missing one). */
export async function findSeenMailbox(ctx: RequestContext, id: string): Promise<PecMailbox> {
  if (isUuid(id)) {
    const seen = seenMailboxSql(ctx);
    const rows = await ctx.em.execute<Array<{ id: string }>>(
      `select mb.id from pec_mailbox mb where mb.id = ? and ${seen.sql}`,
      [id, ...seen.params],
    );
    if (rows.length === 1) {
      const mailbox = await ctx.em.findOne(PecMailbox, { id });
      if (mailbox) return mailbox;
    }
  }
  throw new NotFoundError('PecMailbox', id);
}

/** The mailbox for a change by its manager: NOT_FOUND when unseen, FORBIDDEN when seen but not managed. */
async function managedMailbox(tx: UnitOfWork, id: string): Promise<PecMailbox> {
  const seen = await findSeenMailbox(tx, id);
  if (!tx.grants.has(PEC_MAILBOX_MANAGE, seen.aooId)) {
    throw forbidden("manage this AOO's mailboxes (needs PEC_MAILBOX_MANAGE)");
  }
  const mailbox = await tx.em.findOne(PecMailbox, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!mailbox) throw new NotFoundError('PecMailbox', id);
  return mailbox;
}

function server(
  field: string,
  s: PecServerInput,
): { host: string; port: number; tls: boolean; user: string } {
  const host = requiredText(`${field}.host`, s.host, 253);
  if (!/^[A-Za-z0-9.-]+$/.test(host))
    throw new InvalidInputError(`${field}.host`, 'must be a host name or address');
  if (!Number.isInteger(s.port) || s.port < 1 || s.port > 65535)
    throw new InvalidInputError(`${field}.port`, 'must be between 1 and 65535');
  return { host, port: s.port, tls: s.tls, user: requiredText(`${field}.user`, s.user, 254) };
}

function password(value: string): string {
  if (value.length > MAX_PASSWORD)
    throw new InvalidInputError('input.password', `at most ${MAX_PASSWORD} characters`);
  return value;
}

async function checkUorOfAoo(tx: UnitOfWork, field: string, aooId: string, uorId: string): Promise<string> {
  const rows = isUuid(uorId)
    ? await tx.em.execute<Array<{ id: string }>>(`select id from uor where id = ? and aoo_id = ?`, [
        uorId,
        aooId,
      ])
    : [];
  if (rows.length !== 1) throw new InvalidInputError(field, 'is not an office of the AOO');
  return uorId;
}

function addressTaken(): DomainError {
  return new DomainError(
    'PEC_MAILBOX_ADDRESS_TAKEN',
    'input.address: the AOO already has a mailbox with this address',
    {
      field: 'input.address',
    },
  );
}

/** Settings as audited: every field but the password, of which only whether it changed. */
function audited(m: PecMailbox): Record<string, unknown> {
  return {
    address: m.address,
    kind: m.kind,
    description: m.description,
    imap: m.imap,
    smtp: m.smtp,
    uorId: m.uorId,
    autoRegister: m.autoRegister,
    registrarId: m.registrarId,
    sendRegistrationReceipt: m.sendRegistrationReceipt,
    active: m.active,
  };
}

export async function createMailbox(ctx: RequestContext, input: CreatePecMailboxInput): Promise<PecMailbox> {
  return withTransaction(ctx, async (tx) => {
    if (!isUuid(input.aooId) || !tx.grants.has(PEC_MAILBOX_MANAGE, input.aooId)) {
      throw forbidden("manage this AOO's mailboxes (needs PEC_MAILBOX_MANAGE)");
    }
    const address = optionalEmail('input.address', input.address);
    if (!address) throw new InvalidInputError('input.address', 'must not be empty');
    const imap = server('input.imap', input.imap);
    const smtp = server('input.smtp', input.smtp);
    const uorId = await checkUorOfAoo(tx, 'input.uorId', input.aooId, input.uorId);
    const mailbox = tx.em.create(PecMailbox, {
      aooId: input.aooId,
      address: address.toLowerCase(),
      kind: input.kind,
      description: requiredText('input.description', input.description, 500),
      imapHost: imap.host,
      imapPort: imap.port,
      imapTls: imap.tls,
      imapUser: imap.user,
      smtpHost: smtp.host,
      smtpPort: smtp.port,
      smtpTls: smtp.tls,
      smtpUser: smtp.user,
      autoRegister: input.autoRegister ?? false,
      sendRegistrationReceipt: input.sendRegistrationReceipt ?? false,
      active: true,
      uorId,
      registrarId: input.registrarId ?? null,
      createdAt: tx.clock.now(),
    });
    await checkRegistrar(tx, mailbox);
    const secret = input.password ? password(input.password) : null;
    mailbox.passwordCipher = secret === null ? null : await encryptMailboxPassword(tx.em, mailbox.id, secret);
    mailbox.hasPassword = secret !== null;
    try {
      await tx.audit({
        aooId: mailbox.aooId,
        operation: 'pec.mailbox.create',
        targetType: 'PecMailbox',
        targetId: mailbox.id,
        changes: { ...audited(mailbox), passwordSet: secret !== null },
      });
    } catch (e) {
      if (e instanceof UniqueConstraintViolationException) throw addressTaken();
      throw e;
    }
    return mailbox;
  });
}

export async function updateMailbox(ctx: RequestContext, input: UpdatePecMailboxInput): Promise<PecMailbox> {
  return withTransaction(ctx, async (tx) => {
    const mailbox = await managedMailbox(tx, input.id);
    const before = audited(mailbox);
    if (input.description != null)
      mailbox.description = requiredText('input.description', input.description, 500);
    if (input.imap != null) {
      const s = server('input.imap', input.imap);
      Object.assign(mailbox, { imapHost: s.host, imapPort: s.port, imapTls: s.tls, imapUser: s.user });
    }
    if (input.smtp != null) {
      const s = server('input.smtp', input.smtp);
      Object.assign(mailbox, { smtpHost: s.host, smtpPort: s.port, smtpTls: s.tls, smtpUser: s.user });
    }
    if (input.uorId != null)
      mailbox.uorId = await checkUorOfAoo(tx, 'input.uorId', mailbox.aooId, input.uorId);
    if (input.autoRegister != null) mailbox.autoRegister = input.autoRegister;
    if (input.registrarId != null) mailbox.registrarId = input.registrarId === '' ? null : input.registrarId;
    // Checked whenever what it depends on changes: the registrar, the office, autoRegister.
    if (input.registrarId != null || input.uorId != null || input.autoRegister === true)
      await checkRegistrar(tx, mailbox);
    if (input.sendRegistrationReceipt != null)
      mailbox.sendRegistrationReceipt = input.sendRegistrationReceipt;
    if (input.active != null) mailbox.active = input.active;
    const passwordChanged = input.password !== undefined && input.password !== null;
    if (passwordChanged) {
      const secret = input.password ? password(input.password) : null;
      mailbox.passwordCipher =
        secret === null ? null : await encryptMailboxPassword(tx.em, mailbox.id, secret);
      mailbox.hasPassword = secret !== null;
    }
    const after = audited(mailbox);
    const changes: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(after)) {
      if (JSON.stringify(v) !== JSON.stringify(before[k])) changes[k] = [before[k], v];
    }
    if (passwordChanged) changes['password'] = mailbox.hasPassword ? 'set' : 'removed';
    if (Object.keys(changes).length === 0) return mailbox;
    mailbox.updatedAt = tx.clock.now();
    await tx.audit({
      aooId: mailbox.aooId,
      operation: 'pec.mailbox.update',
      targetType: 'PecMailbox',
      targetId: mailbox.id,
      changes,
    });
    return mailbox;
  });
}

function grantInvalid(field: string, message: string): DomainError {
  return new DomainError('PEC_GRANT_INVALID', `${field}: ${message}`, { field });
}

/** Replaces the mailbox's grants with the ones given (the whole list, as a form shows it). */
export async function setMailboxGrants(
  ctx: RequestContext,
  mailboxId: string,
  grants: readonly PecMailboxGrantInput[],
): Promise<PecMailboxGrant[]> {
  return withTransaction(ctx, async (tx) => {
    const mailbox = await managedMailbox(tx, mailboxId);
    if (grants.length > MAX_GRANTS) throw grantInvalid('grants', `at most ${MAX_GRANTS}`);
    const seen = new Set<string>();
    for (const [i, g] of grants.entries()) {
      const field = `grants.${i}`;
      const userId = g.userId ?? null;
      const uorId = g.uorId ?? null;
      const hasUser = userId !== null;
      const hasUor = uorId !== null;
      if (hasUser === hasUor) throw grantInvalid(field, 'name exactly one of userId or uorId');
      if (!g.canRead && !g.canRegister && !g.canSend) throw grantInvalid(field, 'give at least one right');
      if (!g.canRead) throw grantInvalid(field, 'registering or sending needs reading too (canRead)');
      const key = hasUser ? `user:${g.userId}` : `uor:${g.uorId}`;
      if (seen.has(key)) throw grantInvalid(field, 'the same user or office twice');
      seen.add(key);
      const ok = hasUser
        ? isUuid(userId) &&
          (
            await tx.em.execute(
              `select 1 from app_user u where u.id = ? and exists (select 1 from membership m join uor o on o.id = m.uor_id
                 where m.user_id = u.id and m.ended_at is null and o.aoo_id = ?)`,
              [g.userId, mailbox.aooId],
            )
          ).length === 1
        : uorId !== null &&
          isUuid(uorId) &&
          (await tx.em.execute(`select 1 from uor where id = ? and aoo_id = ?`, [g.uorId, mailbox.aooId]))
            .length === 1;
      if (!ok)
        throw grantInvalid(field, hasUser ? 'is not a user of the AOO' : 'is not an office of the AOO');
    }
    const before = await tx.em.find(PecMailboxGrant, { mailboxId }, { orderBy: { id: 'asc' } });
    const shown = (g: {
      userId?: string | null;
      uorId?: string | null;
      canRead: boolean;
      canRegister: boolean;
      canSend: boolean;
    }) => ({
      userId: g.userId ?? null,
      uorId: g.uorId ?? null,
      canRead: g.canRead,
      canRegister: g.canRegister,
      canSend: g.canSend,
    });
    tx.em.remove(before);
    await tx.em.flush();
    const created = grants.map((g) =>
      tx.em.create(PecMailboxGrant, {
        mailboxId,
        userId: g.userId ?? null,
        uorId: g.uorId ?? null,
        canRead: g.canRead,
        canRegister: g.canRegister,
        canSend: g.canSend,
      }),
    );
    await tx.audit({
      aooId: mailbox.aooId,
      operation: 'pec.mailbox.grants',
      targetType: 'PecMailbox',
      targetId: mailbox.id,
      changes: { grants: [before.map(shown), created.map(shown)] },
    });
    return created;
  });
}

/** The grants of a mailbox, for its managers (others get an empty list). */
export async function mailboxGrants(ctx: RequestContext, mailbox: PecMailbox): Promise<PecMailboxGrant[]> {
  if (!ctx.grants.has(PEC_MAILBOX_MANAGE, mailbox.aooId) && !fullRightAoos(ctx).includes(mailbox.aooId))
    return [];
  return ctx.em.find(PecMailboxGrant, { mailboxId: mailbox.id }, { orderBy: { id: 'asc' } });
}
