import { auditRead } from '../../server/audit/audit-log.js';
import { forbidden } from '../../server/auth/auth-checker.js';
import { romeDay } from '../../server/clock.js';
import type { RequestContext } from '../../server/context.js';
import { withTransaction, type UnitOfWork } from '../../server/db/unit-of-work.js';
import { DomainError, InvalidInputError } from '../../server/errors/domain-error.js';
import { requiredText } from '../../server/errors/input-checks.js';
import { PROTOCOL_ANNUL, PROTOCOL_MANAGE } from './permissions.js';
import { ProtocolAnnotation, ProtocolVersion } from './protocol-parts.entity.js';
import { ProtocolRecord } from './protocol-record.entity.js';
import { changedFiling, moveFiling } from './protocol-filing.js';
import { changedCcLinks, currentCcLinks } from './protocol-cc-links.js';
import { checkClassification, checkMeans, checkRpa, checkUor } from './protocol-input-checks.js';
import { refuseDifferitoToPec } from './protocol-differimento.js';
import { findVisibleRecord } from './protocol-visibility.js';
import { ProtocolKind, ProtocolState } from './protocollo-enums.js';
import { ProtocolAnnulled, ProtocolFieldsChanged } from './protocollo-events.js';
import type {
  AnnotateProtocolInput,
  AnnulProtocolInput,
  UpdateProtocolFieldsInput,
} from './protocollo.inputs.js';

/** At most this many annotations per record (bounds ProtocolRecord.annotations). */
export const MAX_ANNOTATIONS = 100;
/** At most this many versions per record (bounds protocolHistory). */
export const MAX_VERSIONS = 1000;

function refuseAnnulled(record: ProtocolRecord): void {
  if (record.state === ProtocolState.ANNULLATO) {
    throw new DomainError(
      'PROTOCOL_ANNULLED',
      `record ${record.number}/${record.year} is annulled: it stays readable but changes no more`,
    );
  }
}

function requireManage(tx: UnitOfWork, record: ProtocolRecord): void {
  if (!tx.grants.covers(PROTOCOL_MANAGE, record.aooId, record.uorId)) {
    throw forbidden("change this office's registrations (needs PROTOCOL_MANAGE over its UOR)");
  }
}

function refOf(record: ProtocolRecord) {
  return {
    recordId: record.id,
    aooId: record.aooId,
    documentId: record.documentId,
    uorId: record.uorId,
    kind: record.kind,
    number: record.number,
    year: record.year,
  };
}

type Managed =
  'uorId' | 'rpaId' | 'classificationId' | 'fascicoloId' | 'documentType' | 'meansOfTransmission';

/**
 * Changes managed fields (UOR, RPA, classification, fascicolo, optional fields): the registratura
 * is not reachable from here; each change is a new version row with previous and new values, who
 * and when, and an audit row. A field left out stays; an unchanged call makes no version. A new
 * fascicolo moves the document's primary filing in this transaction (protocol-filing.ts). CC and
 * links given replace their lists (protocol-cc-links.ts); every version row holds both in full.
 */
export async function updateProtocolFields(
  ctx: RequestContext,
  input: UpdateProtocolFieldsInput,
): Promise<ProtocolRecord> {
  return withTransaction(ctx, async (tx) => {
    const record = await findVisibleRecord(tx, tx.em, input.id, { lock: true });
    requireManage(tx, record);
    await changeManagedFields(tx, record, input);
    return record;
  });
}

export type ManagedFieldsChange = Omit<UpdateProtocolFieldsInput, 'id'>;

/**
 * The change of managed fields itself, on a record the caller's transaction has locked: the
 * versions, audit and event of updateProtocolFields. The assignment workflow calls it with
 * `byWorkflow` (its own rules decided who may send the record to which office: the UOR and RPA
 * follow the prevalent competence, CC follows smistamento per conoscenza).
 */
export async function changeManagedFields(
  tx: UnitOfWork,
  record: ProtocolRecord,
  input: ManagedFieldsChange,
  options: { byWorkflow?: boolean } = {},
): Promise<void> {
  refuseAnnulled(record);
  const next: Partial<Record<Managed, string | null>> = {};
  if (input.uorId !== undefined) {
    if (input.uorId === null) throw new InvalidInputError('input.uorId', 'a registration always has a UOR');
    next.uorId = await checkUor(tx, 'input.uorId', record.aooId, input.uorId);
    if (!options.byWorkflow && !tx.grants.covers(PROTOCOL_MANAGE, record.aooId, next.uorId)) {
      throw forbidden('assign registrations to that office (needs PROTOCOL_MANAGE over it)');
    }
  }
  if (input.rpaId !== undefined) {
    next.rpaId = input.rpaId === null ? null : await checkRpa(tx, 'input.rpaId', record.aooId, input.rpaId);
  }
  if (input.classificationId !== undefined) {
    next.classificationId =
      input.classificationId === null
        ? null
        : await checkClassification(tx, record.aooId, input.classificationId, romeDay(tx.clock.now()));
  }
  Object.assign(next, await changedFiling(tx, record, input.fascicoloId, next.classificationId));
  if (input.documentType !== undefined) {
    const v = input.documentType === null || input.documentType.trim() === '' ? null : input.documentType;
    next.documentType = v === null ? null : requiredText('input.documentType', v, 200);
  }
  if (input.meansOfTransmission !== undefined) {
    next.meansOfTransmission = checkMeans('input.meansOfTransmission', input.meansOfTransmission) ?? null;
    refuseDifferitoToPec(record, next.meansOfTransmission);
  }
  const lists = await changedCcLinks(tx, record, input);
  const changes: Record<string, [unknown, unknown]> = {};
  for (const [field, value] of Object.entries(next) as Array<[Managed, string | null]>) {
    if (record[field] !== value) changes[field] = [record[field], value];
  }
  Object.assign(changes, lists.changes);
  if (Object.keys(changes).length === 0) return;
  if (changes['fascicoloId']) await moveFiling(tx, record.documentId, next.fascicoloId ?? null);
  const state = lists.state ?? (await currentCcLinks(tx, record));
  for (const field of Object.keys(next) as Managed[]) {
    if (changes[field]) (record as unknown as Record<string, string | null>)[field] = next[field] ?? null;
  }
  record.version += 1;
  const at = tx.clock.now();
  await lists.apply(at);
  tx.em.create(ProtocolVersion, {
    recordId: record.id,
    version: record.version,
    uorId: record.uorId,
    rpaId: record.rpaId,
    classificationId: record.classificationId,
    fascicoloId: record.fascicoloId,
    documentType: record.documentType,
    meansOfTransmission: record.meansOfTransmission,
    cc: state.cc,
    links: state.links,
    changes,
    changedAt: at,
    changedById: tx.user?.id ?? '',
  });
  await tx.audit({
    aooId: record.aooId,
    operation: 'protocol.updateFields',
    targetType: 'ProtocolRecord',
    targetId: record.id,
    changes: { ...changes, version: record.version },
  });
  tx.publish(
    new ProtocolFieldsChanged({ ...refOf(record), version: record.version, fields: Object.keys(changes) }),
  );
}

/** Appends a correction or note (002 §10.4); the registratura itself never changes. */
export async function annotateProtocol(
  ctx: RequestContext,
  input: AnnotateProtocolInput,
): Promise<ProtocolAnnotation> {
  return withTransaction(ctx, async (tx) => {
    const record = await findVisibleRecord(tx, tx.em, input.id, { lock: true });
    requireManage(tx, record);
    const text = requiredText('input.text', input.text, 4000);
    if ((await tx.em.count(ProtocolAnnotation, { recordId: record.id })) >= MAX_ANNOTATIONS) {
      throw new InvalidInputError('input.id', `a registration has at most ${MAX_ANNOTATIONS} annotations`);
    }
    const annotation = tx.em.create(ProtocolAnnotation, {
      recordId: record.id,
      text,
      createdAt: tx.clock.now(),
      createdById: tx.user?.id ?? '',
    });
    await tx.audit({
      aooId: record.aooId,
      operation: 'protocol.annotate',
      targetType: 'ProtocolRecord',
      targetId: record.id,
      changes: { annotationId: annotation.id, text },
    });
    return annotation;
  });
}

/**
 * Annuls a registration (001 §8.12): RGD or delegates, with reason and authorising act; the
 * record stays in the sequence, ANNULLATO with date, operator, reason and authorisation. An
 * outgoing record already sent by PEC is never annulled.
 */
export async function annulProtocol(ctx: RequestContext, input: AnnulProtocolInput): Promise<ProtocolRecord> {
  return withTransaction(ctx, async (tx) => {
    const record = await findVisibleRecord(tx, tx.em, input.id, { lock: true });
    if (!tx.grants.has(PROTOCOL_ANNUL, record.aooId)) {
      throw forbidden('annul registrations of this AOO (needs PROTOCOL_ANNUL)');
    }
    const reason = requiredText('input.reason', input.reason, 2000);
    const authorisation = requiredText('input.authorisation', input.authorisation, 500);
    refuseAnnulled(record);
    if (record.kind === ProtocolKind.PARTENZA && record.sentByPec) {
      throw new DomainError(
        'PROTOCOL_SENT_BY_PEC',
        `record ${record.number}/${record.year} was sent by PEC: the recipient has it, it is never annulled`,
      );
    }
    record.state = ProtocolState.ANNULLATO;
    record.annulledAt = tx.clock.now();
    record.annulledById = tx.user?.id ?? null;
    record.annulmentReason = reason;
    record.annulmentAuthorisation = authorisation;
    await tx.audit({
      aooId: record.aooId,
      operation: 'protocol.annul',
      targetType: 'ProtocolRecord',
      targetId: record.id,
      changes: { state: [ProtocolState.REGISTRATO, ProtocolState.ANNULLATO], reason, authorisation },
    });
    tx.publish(new ProtocolAnnulled({ ...refOf(record), reason, authorisation }));
    return record;
  });
}

/** A record read by id: every viewing is audited like a document's. */
export async function readRecord(ctx: RequestContext, id: string): Promise<ProtocolRecord> {
  const record = await findVisibleRecord(ctx, ctx.em, id);
  await auditRead(ctx, {
    aooId: record.aooId,
    operation: 'protocolRecord.read',
    targetType: 'ProtocolRecord',
    targetId: record.id,
  });
  return record;
}

/** The versions of the managed fields, oldest first (version 1 = as registered). */
export async function recordHistory(ctx: RequestContext, id: string): Promise<ProtocolVersion[]> {
  const record = await findVisibleRecord(ctx, ctx.em, id);
  await auditRead(ctx, {
    aooId: record.aooId,
    operation: 'protocolHistory.read',
    targetType: 'ProtocolRecord',
    targetId: record.id,
  });
  return ctx.em.find(
    ProtocolVersion,
    { recordId: record.id },
    { orderBy: { version: 'asc' }, limit: MAX_VERSIONS },
  );
}
