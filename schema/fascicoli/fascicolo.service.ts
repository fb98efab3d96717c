import { forbidden } from '../../server/auth/auth-checker.js';
import { romeDay } from '../../server/clock.js';
import type { RequestContext } from '../../server/context.js';
import { withTransaction, type UnitOfWork } from '../../server/db/unit-of-work.js';
import { DomainError, InvalidInputError } from '../../server/errors/domain-error.js';
import { requiredText } from '../../server/errors/input-checks.js';
import { nextNumber } from '../numbering/index.js';
import { Uor, User } from '../organisation/index.js';
import { resolveClassification, type TitolarioNode } from '../titolario/index.js';
import { Fascicolo } from './fascicolo.entity.js';
import { FascicoloKind, FascicoloState, PERSONA_KINDS } from './fascicolo-enums.js';
import {
  FascicoloClosed,
  FascicoloOpened,
  FascicoloReopened,
  FascicoloTransferred,
} from './fascicolo-events.js';
import type {
  OpenFascicoloInput,
  OpenSottofascicoloInput,
  TransferFascicoloInput,
} from './fascicolo.inputs.js';
import {
  appendHistory,
  fascicoloIdentifier,
  inputUor,
  participants,
  physicalLocation,
  requireManage,
  requireOpen,
  requireRpaOfUor,
} from './fascicolo-rules.js';
import { findVisibleFascicolo } from './fascicolo-visibility.js';
import { FASCICOLO_MANAGE, FASCICOLO_REOPEN } from './permissions.js';

/** Fascicoli nest fascicolo / sottofascicolo / inserto (DOMAIN §3). */
export const MAX_FASCICOLO_LEVEL = 3;

export interface NewFascicolo {
  node: TitolarioNode;
  titolo: TitolarioNode;
  kind: FascicoloKind;
  oggetto: string;
  uor: Uor;
  rpaId: string;
  participatingAdministrations: string[];
  confidentiality: Fascicolo['confidentiality'];
  physicalLocation: string | null;
  annualRepeat: boolean;
  repeatedFromId: string | null;
}

/**
 * Opens a fascicolo on a classification already resolved in the version in force: checks the
 * level, takes the number of its (AOO, node, year) series, writes the row, its history, the
 * audit row and the event. Shared by openFascicolo and the annual job.
 */
export async function insertFascicolo(tx: UnitOfWork, n: NewFascicolo): Promise<Fascicolo> {
  const persona = PERSONA_KINDS.has(n.kind);
  // Persona fascicoli may sit on the titolo itself; every other one on the last level.
  if (!n.node.leaf && !(persona && n.node.level === 1)) {
    throw new DomainError(
      'FASCICOLO_NODE_NOT_LEAF',
      `classificationId: ${n.node.fullCode} has subdivisions; open the fascicolo on one of its last-level nodes`,
      { field: 'classificationId' },
    );
  }
  const numberingNode = persona ? n.titolo : n.node;
  const aooId = n.uor.aoo.id;
  const { number, year } = await nextNumber(tx, {
    series: 'fascicolo',
    within: [aooId, numberingNode.id],
    yearly: true,
  });
  const now = tx.clock.now();
  const f = tx.em.create(Fascicolo, {
    aoo: n.uor.aoo,
    parent: null,
    level: 1,
    classificationId: n.node.id,
    numberingNodeId: numberingNode.id,
    classificationCode: numberingNode.fullCode,
    classificationSort: numberingNode.sortKey,
    year: year ?? Number(romeDay(now).slice(0, 4)),
    number,
    numberPath: String(number),
    kind: n.kind,
    oggetto: n.oggetto,
    uor: n.uor,
    rpa: tx.em.getReference(User, n.rpaId),
    participatingAdministrations: n.participatingAdministrations,
    confidentiality: n.confidentiality,
    physicalLocation: n.physicalLocation,
    annualRepeat: n.annualRepeat,
    repeatedFromId: n.repeatedFromId,
    openingDate: romeDay(now),
    openedAt: now,
    openedBy: tx.user?.id ?? null,
  });
  await opened(tx, f);
  return f;
}

async function opened(tx: UnitOfWork, f: Fascicolo): Promise<void> {
  await appendHistory(tx, f, 'OPENED', { toUorId: f.uor.id, toRpaId: f.rpa.id });
  const identifier = fascicoloIdentifier(f);
  await tx.audit({
    aooId: f.aoo.id,
    operation: 'fascicolo.open',
    targetType: 'Fascicolo',
    targetId: f.id,
    changes: {
      identifier,
      classificationId: f.classificationId,
      kind: f.kind,
      uorId: f.uor.id,
      rpaId: f.rpa.id,
      parentId: f.parent?.id ?? null,
      repeatedFromId: f.repeatedFromId,
    },
  });
  tx.publish(
    new FascicoloOpened({
      fascicoloId: f.id,
      aooId: f.aoo.id,
      uorId: f.uor.id,
      identifier,
      parentId: f.parent?.id ?? null,
    }),
  );
}

export async function openFascicolo(ctx: RequestContext, input: OpenFascicoloInput): Promise<Fascicolo> {
  const oggetto = requiredText('oggetto', input.oggetto, 2000);
  const admins = participants('participatingAdministrations', input.participatingAdministrations);
  const location = physicalLocation(input.physicalLocation);
  return withTransaction(ctx, async (tx) => {
    const uor = await inputUor(tx, tx.em, 'uorId', input.uorId);
    if (!tx.grants.covers(FASCICOLO_MANAGE, uor.aoo.id, uor.id))
      throw forbidden(`open fascicoli for UOR ${uor.code} (needs FASCICOLO_MANAGE)`);
    await requireRpaOfUor(tx, 'rpaId', input.rpaId, uor);
    const { node, titolo } = await resolveClassification(tx, {
      aooId: uor.aoo.id,
      nodeId: input.classificationId,
      day: romeDay(tx.clock.now()),
    });
    return insertFascicolo(tx, {
      node,
      titolo,
      kind: input.kind,
      oggetto,
      uor,
      rpaId: input.rpaId,
      participatingAdministrations: admins,
      confidentiality: input.confidentiality,
      physicalLocation: location,
      annualRepeat: input.annualRepeat,
      repeatedFromId: null,
    });
  });
}

/** A sottofascicolo or inserto: the next number of the chain under its parent, same classification and year. */
export async function openSottofascicolo(
  ctx: RequestContext,
  input: OpenSottofascicoloInput,
): Promise<Fascicolo> {
  const oggetto = requiredText('oggetto', input.oggetto, 2000);
  const admins =
    input.participatingAdministrations == null
      ? null
      : participants('participatingAdministrations', input.participatingAdministrations);
  const location = physicalLocation(input.physicalLocation);
  return withTransaction(ctx, async (tx) => {
    // The parent's row lock orders openings under it and keeps it open until the commit.
    const parent = await findVisibleFascicolo(tx, tx.em, input.parentId, true);
    requireManage(tx, parent, 'open sottofascicoli here');
    requireOpen(parent);
    if (parent.level >= MAX_FASCICOLO_LEVEL) {
      throw new DomainError(
        'FASCICOLO_TOO_DEEP',
        `parentId: ${fascicoloIdentifier(parent)} is an inserto; fascicoli nest three levels at most`,
        { field: 'parentId' },
      );
    }
    const uor = input.uorId
      ? await inputUor(tx, tx.em, 'uorId', input.uorId)
      : await tx.em.findOneOrFail(Uor, { id: parent.uor.id });
    if (uor.aoo.id !== parent.aoo.id)
      throw new InvalidInputError('uorId', 'must be a UOR of the parent’s AOO');
    if (!tx.grants.covers(FASCICOLO_MANAGE, uor.aoo.id, uor.id))
      throw forbidden(`open fascicoli for UOR ${uor.code} (needs FASCICOLO_MANAGE)`);
    const rpaId = input.rpaId ?? parent.rpa.id;
    if (input.rpaId || input.uorId) await requireRpaOfUor(tx, 'rpaId', rpaId, uor);
    return insertSottofascicolo(tx, parent, {
      oggetto,
      kind: input.kind ?? parent.kind,
      uor,
      rpaId,
      participatingAdministrations: admins ?? [...parent.participatingAdministrations],
      confidentiality: input.confidentiality ?? parent.confidentiality,
      physicalLocation: location,
    });
  });
}

/**
 * A sottofascicolo or inserto under a parent already checked (open, not too deep): the next
 * number of the chain under it, its classification and year, history, audit and event.
 */
export async function insertSottofascicolo(
  tx: UnitOfWork,
  parent: Fascicolo,
  n: Pick<
    NewFascicolo,
    | 'oggetto'
    | 'kind'
    | 'uor'
    | 'rpaId'
    | 'participatingAdministrations'
    | 'confidentiality'
    | 'physicalLocation'
  >,
): Promise<Fascicolo> {
  const { number } = await nextNumber(tx, { series: 'fascicolo-chain', within: [parent.id], yearly: false });
  const now = tx.clock.now();
  const f = tx.em.create(Fascicolo, {
    aoo: parent.aoo,
    parent,
    level: parent.level + 1,
    classificationId: parent.classificationId,
    numberingNodeId: parent.numberingNodeId,
    classificationCode: parent.classificationCode,
    classificationSort: parent.classificationSort,
    year: parent.year,
    number,
    numberPath: `${parent.numberPath}.${number}`,
    kind: n.kind,
    oggetto: n.oggetto,
    uor: n.uor,
    rpa: tx.em.getReference(User, n.rpaId),
    participatingAdministrations: n.participatingAdministrations,
    confidentiality: n.confidentiality,
    physicalLocation: n.physicalLocation,
    annualRepeat: false,
    repeatedFromId: null,
    openingDate: romeDay(now),
    openedAt: now,
    openedBy: tx.user?.id ?? null,
  });
  await opened(tx, f);
  return f;
}

/**
 * Closes a fascicolo: its closing date is the day (Europe/Rome) of the latest document filed in it
 * or its sottofascicoli (registration, else creation), never before the opening; today if empty.
 */
export async function closeFascicolo(ctx: RequestContext, id: string): Promise<Fascicolo> {
  return withTransaction(ctx, async (tx) => {
    const f = await findVisibleFascicolo(tx, tx.em, id, true);
    requireManage(tx, f, 'close this fascicolo');
    requireOpen(f);
    const openChildren = await tx.em.execute<Array<{ n: string }>>(
      `select count(*) as n from fascicolo where parent_id = ? and state = 'OPEN'`,
      [f.id],
    );
    if (Number(openChildren[0]?.n ?? 0) > 0) {
      throw new DomainError(
        'FASCICOLO_HAS_OPEN_CHILDREN',
        `${fascicoloIdentifier(f)} has ${openChildren[0]?.n} open sottofascicoli or inserti: close them first`,
        { fascicoloId: f.id },
      );
    }
    const last = await tx.em.execute<Array<{ last: Date | null }>>(
      `with recursive sub as (select id from fascicolo where id = ?
          union all select c.id from fascicolo c join sub on c.parent_id = sub.id)
       select max(coalesce(d.registered_at, d.created_at)) as last
         from fascicolo_filing_current c join document d on d.id = c.document_id
        where c.fascicolo_id in (select id from sub)`,
      [f.id],
    );
    const now = tx.clock.now();
    const lastDay = last[0]?.last ? romeDay(new Date(last[0].last)) : romeDay(now);
    f.closingDate = lastDay < f.openingDate ? f.openingDate : lastDay;
    f.closedAt = now;
    f.state = FascicoloState.CLOSED;
    await appendHistory(tx, f, 'CLOSED');
    await tx.audit({
      aooId: f.aoo.id,
      operation: 'fascicolo.close',
      targetType: 'Fascicolo',
      targetId: f.id,
      changes: { state: ['OPEN', 'CLOSED'], closingDate: [null, f.closingDate] },
    });
    tx.publish(
      new FascicoloClosed({
        fascicoloId: f.id,
        aooId: f.aoo.id,
        uorId: f.uor.id,
        closingDate: f.closingDate,
      }),
    );
    return f;
  });
}

/** Reopens a closed fascicolo: the RGD only (FASCICOLO_REOPEN), with a reason kept in the history. */
export async function reopenFascicolo(ctx: RequestContext, id: string, reason: string): Promise<Fascicolo> {
  const why = requiredText('reason', reason, 2000);
  return withTransaction(ctx, async (tx) => {
    const f = await findVisibleFascicolo(tx, tx.em, id, true);
    if (!tx.grants.has(FASCICOLO_REOPEN, f.aoo.id))
      throw forbidden('reopen fascicoli (needs FASCICOLO_REOPEN: the RGD)');
    if (f.state !== FascicoloState.CLOSED) {
      throw new DomainError(
        'FASCICOLO_NOT_CLOSED',
        `${fascicoloIdentifier(f)} is open: only a closed fascicolo is reopened`,
        {
          fascicoloId: f.id,
        },
      );
    }
    if (f.parent) {
      const parent = await tx.em.findOneOrFail(Fascicolo, { id: f.parent.id });
      if (parent.state === FascicoloState.CLOSED) {
        throw new DomainError(
          'FASCICOLO_PARENT_CLOSED',
          `${fascicoloIdentifier(f)} sits in the closed ${fascicoloIdentifier(parent)}: reopen that first`,
          { fascicoloId: f.id },
        );
      }
    }
    const closingDate = f.closingDate;
    f.state = FascicoloState.OPEN;
    f.closingDate = null;
    f.closedAt = null;
    await appendHistory(tx, f, 'REOPENED', { reason: why });
    await tx.audit({
      aooId: f.aoo.id,
      operation: 'fascicolo.reopen',
      targetType: 'Fascicolo',
      targetId: f.id,
      changes: { state: ['CLOSED', 'OPEN'], closingDate: [closingDate, null], reason: why },
    });
    tx.publish(new FascicoloReopened({ fascicoloId: f.id, aooId: f.aoo.id, uorId: f.uor.id, reason: why }));
    return f;
  });
}

/** Moves a fascicolo to another RPA (and UOR): tracked with operator and time (001 §4.5). */
export async function transferFascicolo(
  ctx: RequestContext,
  input: TransferFascicoloInput,
): Promise<Fascicolo> {
  const reason = input.reason ? requiredText('reason', input.reason, 2000) : null;
  return withTransaction(ctx, async (tx) => {
    const f = await findVisibleFascicolo(tx, tx.em, input.fascicoloId, true);
    requireManage(tx, f, 'transfer this fascicolo');
    const uor = await inputUor(tx, tx.em, 'uorId', input.uorId);
    if (uor.aoo.id !== f.aoo.id) throw new InvalidInputError('uorId', `UOR ${input.uorId} not found`);
    await requireRpaOfUor(tx, 'rpaId', input.rpaId, uor);
    const from = { uorId: f.uor.id, rpaId: f.rpa.id };
    if (from.uorId === uor.id && from.rpaId === input.rpaId)
      throw new InvalidInputError('rpaId', 'the fascicolo already has this UOR and RPA');
    f.uor = uor;
    f.rpa = tx.em.getReference(User, input.rpaId);
    await appendHistory(tx, f, 'TRANSFERRED', {
      reason,
      fromUorId: from.uorId,
      toUorId: uor.id,
      fromRpaId: from.rpaId,
      toRpaId: input.rpaId,
    });
    await tx.audit({
      aooId: f.aoo.id,
      operation: 'fascicolo.transfer',
      targetType: 'Fascicolo',
      targetId: f.id,
      changes: { uorId: [from.uorId, uor.id], rpaId: [from.rpaId, input.rpaId], reason },
    });
    tx.publish(
      new FascicoloTransferred({
        fascicoloId: f.id,
        aooId: f.aoo.id,
        uorId: uor.id,
        fromUorId: from.uorId,
        fromRpaId: from.rpaId,
        toRpaId: input.rpaId,
      }),
    );
    return f;
  });
}
