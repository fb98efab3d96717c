import type { UnitOfWork } from '../../server/db/unit-of-work.js';
import { DomainError } from '../../server/errors/domain-error.js';
import {
  classificationAgrees,
  classificationMismatch,
  documentClassificationOf,
  fascicoloForFiling,
  fileDocument,
  primaryFilingOf,
  unfileDocument,
  type Fascicolo,
} from '../fascicoli/index.js';
import { checkClassification } from './protocol-input-checks.js';
import type { ProtocolRecord } from './protocol-record.entity.js';

/**
 * Classification and filing of registered documents (DOMAIN §2, §3, §5): a record's fascicolo is
 * the primary fascicolo of its document, filed through the fascicoli module in the record's
 * transaction; the classification agrees with the node the fascicolo sits on (the fascicolo
 * alone gives its node). Every check here runs before a number is taken or anything is written.
 */
// The record's own filings: the fascicoli module refuses anyone else a registered document's primary.
const AS_RECORD = { byProtocolRecord: true } as const;

export interface RecordFiling {
  classificationId: string | null;
  fascicoloId: string | null;
}

/** The document's primary filing and classification now, when the caller has read them already. */
export interface KnownFiling {
  primaryFiling: { fascicoloId: string; classificationId: string } | null;
  classificationId: string | null;
}

/**
 * What a registration's classification and fascicolo come to. A draft already filed as primary
 * keeps that fascicolo (the record takes it); another fascicolo given is refused. Without either,
 * a draft classified before registration keeps its classification.
 */
export async function registrationFiling(
  tx: UnitOfWork,
  aooId: string,
  documentId: string,
  input: { classificationId?: string | null; fascicoloId?: string | null },
  day: string,
  known?: KnownFiling,
): Promise<RecordFiling> {
  const given = input.classificationId
    ? await checkClassification(tx, aooId, input.classificationId, day)
    : null;
  const current = known ? known.primaryFiling : await primaryFilingOf(tx, documentId);
  if (input.fascicoloId && current && current.fascicoloId !== input.fascicoloId) {
    throw new DomainError(
      'DOCUMENT_PRIMARY_FASCICOLO_EXISTS',
      'input.fascicoloId: the document is already filed in another fascicolo as its primary (see Document.fascicoli); register it with that one (or none), or unfile it from there first',
      { field: 'input.fascicoloId' },
    );
  }
  if (input.fascicoloId) {
    const f = await fascicoloForFiling(tx, input.fascicoloId, aooId);
    return { fascicoloId: f.id, classificationId: await agreeing(tx, given, f.id, f.classificationId) };
  }
  if (current) {
    return {
      fascicoloId: current.fascicoloId,
      classificationId: await agreeing(tx, given, current.fascicoloId, current.classificationId),
    };
  }
  return {
    classificationId: given ?? (await earlierClassification(tx, aooId, documentId, day, known)),
    fascicoloId: null,
  };
}

/**
 * A draft classified as a document non protocollato keeps that classification when it is of the
 * titolario in force on the registration day (after a revision the record starts unclassified,
 * to be classified on the titolario in force).
 */
async function earlierClassification(
  tx: UnitOfWork,
  aooId: string,
  documentId: string,
  day: string,
  known?: KnownFiling,
): Promise<string | null> {
  const nodeId = known ? known.classificationId : await documentClassificationOf(tx, documentId);
  if (nodeId === null) return null;
  try {
    return await checkClassification(tx, aooId, nodeId, day);
  } catch (e) {
    if (e instanceof DomainError) return null;
    throw e;
  }
}

/** Files the registered document in the record's fascicolo as its primary (unless it is there already). */
export async function fileRegistered(
  tx: UnitOfWork,
  fascicoloId: string | null,
  documentId: string,
): Promise<void> {
  if (fascicoloId === null) return;
  if ((await primaryFilingOf(tx, documentId))?.fascicoloId === fascicoloId) return;
  await fileDocument(tx, { fascicoloId, documentId, primary: true }, AS_RECORD);
}

/**
 * The classification and fascicolo an updateProtocolFields call comes to (only the fields that
 * may change): a new fascicolo brings its node unless a classification is given, which must then
 * agree; a new classification alone must agree with the fascicolo the record stays in; null
 * unfiles. `classificationId` is the checked new classification (undefined: unchanged).
 */
export async function changedFiling(
  tx: UnitOfWork,
  record: ProtocolRecord,
  fascicoloId: string | null | undefined,
  classificationId: string | null | undefined,
): Promise<Partial<RecordFiling>> {
  if (fascicoloId === null) return { fascicoloId: null };
  if (fascicoloId === undefined) {
    const current = record.fascicoloId === null ? null : await primaryFilingOf(tx, record.documentId);
    if (current && classificationId === null) {
      throw classificationMismatch('input.classificationId', current.fascicoloId);
    }
    if (current && classificationId !== undefined) {
      await agreeing(tx, classificationId, current.fascicoloId, current.classificationId);
    }
    return {};
  }
  if (fascicoloId === record.fascicoloId && classificationId === undefined) return {};
  const f: Fascicolo = await fascicoloForFiling(tx, fascicoloId, record.aooId);
  if (classificationId === null) throw classificationMismatch('input.classificationId', f.id);
  // The classification the record keeps (or is given) when it agrees; the fascicolo's node otherwise.
  const wanted = classificationId ?? record.classificationId;
  const agrees = wanted !== null && (await classificationAgrees(tx, wanted, f.classificationId));
  if (classificationId !== undefined && !agrees) throw classificationMismatch('input.classificationId', f.id);
  return { fascicoloId: f.id, classificationId: agrees && wanted !== null ? wanted : f.classificationId };
}

/** Moves the record's document to its new primary fascicolo (or out of it) through the fascicoli module. */
export async function moveFiling(tx: UnitOfWork, documentId: string, to: string | null): Promise<void> {
  const current = await primaryFilingOf(tx, documentId);
  if (current?.fascicoloId === to) return;
  if (current) await unfileDocument(tx, current.fascicoloId, documentId, AS_RECORD);
  if (to !== null) await fileDocument(tx, { fascicoloId: to, documentId, primary: true }, AS_RECORD);
}

async function agreeing(
  tx: UnitOfWork,
  classificationId: string | null,
  fascicoloId: string,
  fascicoloClassificationId: string,
): Promise<string> {
  if (classificationId === null) return fascicoloClassificationId;
  if (!(await classificationAgrees(tx, classificationId, fascicoloClassificationId))) {
    throw classificationMismatch('input.classificationId', fascicoloId);
  }
  return classificationId;
}
