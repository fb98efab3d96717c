import { romeDay } from '../../../server/clock.js';
import type { UnitOfWork } from '../../../server/db/unit-of-work.js';
import { DomainError } from '../../../server/errors/domain-error.js';
import { isUuid } from '../../../server/errors/input-checks.js';
import { PROTOCOL_REGISTER } from '../../../schema/protocollo/index.js';
import { rightsOnOne } from './mailbox-access.js';

/** What the registrar rule needs of a mailbox (the row, or its settings before they are saved). */
export interface RegistrarMailbox {
  id: string;
  aooId: string;
  uorId: string;
  registrarId: string | null;
}

export type RegistrarCheck = { ok: true; actor: UnitOfWork } | { ok: false; reason: string };

/**
 * The mailbox's registrar as the caller of an automatic act (a registration, an annotation),
 * with today's grants, when they still qualify: an active user with an open membership in the
 * mailbox's AOO, holding PROTOCOL_REGISTER over the mailbox's office and the mailbox's register
 * right (the same rights registerPecMessage checks of an operator). Otherwise why not, in words
 * an operator acts on. Checked when the registrar is named and again at every act: grants and
 * memberships change after the mailbox is configured.
 */
export async function registrarOf(tx: UnitOfWork, mailbox: RegistrarMailbox): Promise<RegistrarCheck> {
  const id = mailbox.registrarId;
  if (id === null) return { ok: false, reason: 'the mailbox names no registrar' };
  if (!isUuid(id)) return { ok: false, reason: 'the registrar is not a user' };
  const caller = await tx.platform.identity.authenticate(tx.em, { id }, romeDay(tx.clock.now()));
  if (!caller) return { ok: false, reason: 'the registrar is not an active user' };
  const member = await tx.em.execute(
    `select 1 from membership m join uor o on o.id = m.uor_id
      where m.user_id = ? and m.ended_at is null and o.aoo_id = ? limit 1`,
    [id, mailbox.aooId],
  );
  if (member.length === 0) return { ok: false, reason: 'the registrar is no longer a member of the AOO' };
  if (!caller.grants.covers(PROTOCOL_REGISTER, mailbox.aooId, mailbox.uorId))
    return { ok: false, reason: "the registrar does not hold PROTOCOL_REGISTER over the mailbox's office" };
  const actor: UnitOfWork = {
    ...tx,
    user: caller.user,
    grants: caller.grants,
    system: false,
    loaders: new Map(),
  };
  if (!(await rightsOnOne(actor, mailbox)).register)
    return { ok: false, reason: "the registrar does not hold the mailbox's register right" };
  return { ok: true, actor };
}

function registrarInvalid(message: string): DomainError {
  return new DomainError('PEC_REGISTRAR_INVALID', `input.registrarId: ${message}`, {
    field: 'input.registrarId',
  });
}

/**
 * The check of a mailbox's settings when they are saved: a mailbox that registers
 * automatically names a registrar, and a registrar named qualifies now (registrarOf).
 */
export async function checkRegistrar(
  tx: UnitOfWork,
  mailbox: RegistrarMailbox & { autoRegister: boolean },
): Promise<void> {
  if (mailbox.registrarId === null) {
    if (mailbox.autoRegister)
      throw registrarInvalid('a mailbox that registers automatically names its registrar');
    return;
  }
  const check = await registrarOf(tx, mailbox);
  if (!check.ok) throw registrarInvalid(check.reason);
}
