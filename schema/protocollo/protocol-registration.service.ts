import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { forbidden } from '../../server/auth/auth-checker.js';
import { romeDay } from '../../server/clock.js';
import type { RequestContext } from '../../server/context.js';
import { withTransaction } from '../../server/db/unit-of-work.js';
import { DomainError, InvalidInputError } from '../../server/errors/domain-error.js';
import { requiredText } from '../../server/errors/input-checks.js';
import { nextNumberSql } from '../numbering/index.js';
import { PROTOCOL_REGISTER } from './permissions.js';
import { directoryCorrespondent, refuseInlineBesideEntry } from './protocol-directory-correspondent.js';
import { fileRegistered, registrationFiling } from './protocol-filing.js';
import { prepareSegnatura, sealedSegnatura, segnaturaInputOf } from './protocol-segnatura.js';
import { ProtocolAnnotation } from './protocol-parts.entity.js';
import { registraturaWrites } from './protocol-registratura-insert.js';
import { insertNumberedRecord } from './protocol-record-insert.js';
import { type BoundFile, type BoundSlot, readForRegistration } from './protocol-registration-reads.js';
import { formatProtocolNumber, ProtocolRecord } from './protocol-record.entity.js';
import { checkSpecialRegistration, recordSpecialRegistration } from './protocol-special.js';
import { checkRegistrationCcLinks, recordRegistrationCcLinks } from './protocol-cc-links.js';
import {
  checkCorrespondent,
  type CheckedCorrespondent,
  checkMeans,
  checkRpa,
  checkUor,
  MAX_ANNOTATIONS_AT_REGISTRATION,
  MAX_CORRESPONDENTS,
} from './protocol-input-checks.js';
import { CorrespondentRole, ProtocolKind } from './protocollo-enums.js';
import { ProtocolRegistered } from './protocollo-events.js';
import type { RegisterProtocolInput } from './protocollo.inputs.js';

function alreadyRegistered(): DomainError {
  return new DomainError(
    'PROTOCOL_DOCUMENT_REGISTERED',
    'input.documentId: the document is already registered in the protocol',
    { field: 'input.documentId' },
  );
}

/**
 * Registers a document in the protocol register of its AOO. Everything is checked before the
 * number is taken; the number is the next of (AOO register, Europe/Rome year) in this
 * transaction, so a failure anywhere gives it back (gap-free). One reading of the request
 * clock dates the record: number year, date and time agree even across midnight. The
 * registratura (correspondents, oggetto, digests and descriptions of the document's current
 * files) is copied into the record; the document becomes PROTOCOLLATO and its files freeze.
 */
export async function registerProtocol(
  ctx: RequestContext,
  input: RegisterProtocolInput,
): Promise<ProtocolRecord> {
  return withTransaction(ctx, async (tx) => {
    // The document (visible to the caller), whether it is registered, its slots and files, its
    // filing and classification, its AOO's seal: one statement; the checks below keep their order.
    const reads = await readForRegistration(tx, input.documentId);
    const doc = reads.doc;
    const aooId = doc.aoo.id;
    if (!tx.grants.has(PROTOCOL_REGISTER, aooId)) {
      throw forbidden('register in the protocol of this AOO (needs PROTOCOL_REGISTER)');
    }
    if (!tx.grants.covers(PROTOCOL_REGISTER, aooId, doc.uor.id)) {
      throw forbidden("register this office's documents (needs PROTOCOL_REGISTER over its UOR)");
    }
    const oggetto = requiredText('input.oggetto', input.oggetto, 2000);
    if (input.correspondents.length === 0 && input.anonymousSender !== true) {
      throw new InvalidInputError(
        'input.correspondents',
        input.kind === ProtocolKind.ARRIVO
          ? 'an incoming record needs its sender'
          : 'at least one recipient is required',
      );
    }
    if (input.correspondents.length > MAX_CORRESPONDENTS) {
      throw new InvalidInputError('input.correspondents', `at most ${MAX_CORRESPONDENTS}`);
    }
    // Inline ones are checked now; directory entries are read below, in this transaction.
    input.correspondents.forEach((c, i) => {
      if (c.correspondentId !== undefined && c.correspondentId !== null) {
        refuseInlineBesideEntry(`input.correspondents.${i}`, c);
      }
    });
    const inline = input.correspondents.map((c, i) =>
      c.correspondentId !== undefined && c.correspondentId !== null
        ? null
        : checkCorrespondent(`input.correspondents.${i}`, c),
    );
    const annotations = (input.annotations ?? []).map((t, i) =>
      requiredText(`input.annotations.${i}`, t, 4000),
    );
    if (annotations.length > MAX_ANNOTATIONS_AT_REGISTRATION) {
      throw new InvalidInputError(
        'input.annotations',
        `at most ${MAX_ANNOTATIONS_AT_REGISTRATION} at registration`,
      );
    }
    const documentType = requiredOrNull('input.documentType', input.documentType, 200);
    const means = checkMeans('input.meansOfTransmission', input.meansOfTransmission) ?? null;
    const uorId = input.uorId ? await checkUor(tx, 'input.uorId', aooId, input.uorId) : doc.uor.id;
    const rpaId = input.rpaId ? await checkRpa(tx, 'input.rpaId', aooId, input.rpaId) : null;
    const special = await checkSpecialRegistration(tx, input, doc, means);
    const ccLinks = await checkRegistrationCcLinks(tx, input, aooId);
    if (reads.registered) throw alreadyRegistered();
    // Copied before the number is taken: a refusal gives nothing back because nothing was taken.
    const correspondents: CheckedCorrespondent[] = [];
    for (const [i, c] of input.correspondents.entries()) {
      correspondents.push(
        inline[i] ?? (await directoryCorrespondent(tx, `input.correspondents.${i}`, aooId, c)),
      );
    }

    // The files bound: the document's current slots.
    const slots = reads.slots;
    const primary = slots.find((s) => s.position === 0);
    if (!primary) {
      throw new DomainError(
        'PROTOCOL_NO_PRIMARY_FILE',
        'input.documentId: the document has no primary file',
        {
          field: 'input.documentId',
        },
      );
    }
    const attachments = slots.filter((s) => s.position > 0);
    if (
      input.attachmentCount !== undefined &&
      input.attachmentCount !== null &&
      input.attachmentCount !== attachments.length
    ) {
      throw new DomainError(
        'PROTOCOL_ATTACHMENTS_MISMATCH',
        `input.attachmentCount: the document has ${attachments.length} attachments, not ${input.attachmentCount}`,
        { field: 'input.attachmentCount' },
      );
    }
    const fileOf = (slot: BoundSlot): BoundFile => slot.file;
    const digestOf = (slot: BoundSlot): string => slot.file.sha256;

    // One reading of the clock: the day (and the titolario in force) and the number's year. The
    // record's time is the later of it and the previous number's (nextNumberSql), so times follow
    // numbers whatever order the readings reached the counter in, and stay in the number's year.
    const before = tx.clock.now();
    const { classificationId, fascicoloId } = await registrationFiling(
      tx,
      aooId,
      doc.id,
      input,
      romeDay(before),
      reads,
    );
    // Read with the document, before the number: the counter stays locked to the commit.
    await prepareSegnatura(tx, aooId, reads);
    const counter = nextNumberSql({ series: 'protocollo', within: [aooId], yearly: true }, before);
    const userId = tx.user?.id ?? '';
    // The managed fields (DOMAIN §5): the record's first values and the history's initial version.
    const managed = { uorId, rpaId, classificationId, fascicoloId, documentType, meansOfTransmission: means };
    // A plain instance with these values (what em.create with persist: false gave, all columns
    // scalar): the record is written by insertNumberedRecord, never by the flush, and MikroORM's
    // factory (hydrator, entity helper, identity-map lookup) cost a tenth of the statement's time.
    const record = Object.assign(new ProtocolRecord(), {
      aooId,
      documentId: doc.id,
      kind: input.kind,
      // number, date and registeredAt: from the counter, in the INSERT (insertNumberedRecord).
      number: 0,
      year: counter.year ?? Number(romeDay(before).slice(0, 4)),
      date: romeDay(before),
      registeredAt: before,
      registeredById: userId,
      oggetto,
      primarySha256: digestOf(primary),
      attachmentCount: attachments.length,
      ...managed,
      ...special.columns,
    });
    try {
      // The number, the record and the document marked PROTOCOLLATO: one statement.
      await insertNumberedRecord(tx.em, record, counter);
    } catch (e) {
      if (e instanceof UniqueConstraintViolationException) throw alreadyRegistered();
      throw e;
    }
    const { number, registeredAt: at, date: day } = record;
    await recordRegistrationCcLinks(tx, record.id, ccLinks, at);
    const role =
      input.kind === ProtocolKind.ARRIVO ? CorrespondentRole.MITTENTE : CorrespondentRole.DESTINATARIO;
    // The segnatura: built from what was just registered, sealed with the AOO's seal, stored
    // with the record in this transaction (number, segnatura and seal are one atomic step).
    const segnatura = await sealedSegnatura(
      tx,
      aooId,
      await segnaturaInputOf(
        tx,
        record,
        correspondents,
        slots.map((slot) => ({
          position: slot.position,
          sha256: digestOf(slot),
          description: slot.description,
          file: fileOf(slot),
        })),
      ),
    );
    const initial = { ...managed, ...ccLinks.initial };
    for (const text of annotations) {
      tx.em.create(ProtocolAnnotation, { recordId: record.id, text, createdAt: at, createdById: userId });
    }
    await fileRegistered(tx, fascicoloId, doc.id);
    const boundFiles = slots.map((slot) => ({ position: slot.position, file: fileOf(slot) }));
    const specialAudit = await recordSpecialRegistration(tx, record, special, correspondents, boundFiles, at);
    try {
      await tx.audit(
        {
          aooId,
          operation: 'protocol.register',
          targetType: 'ProtocolRecord',
          targetId: record.id,
          changes: {
            kind: input.kind,
            number: formatProtocolNumber(number),
            year: record.year,
            date: day,
            documentId: doc.id,
            oggetto,
            correspondents: correspondents.length,
            fromDirectory: correspondents
              .filter((c) => c.correspondentId !== null)
              .map((c) => `${c.correspondentId}@${c.correspondentVersion}`),
            attachments: attachments.length,
            segnaturaSha256: segnatura?.sha256 ?? null,
            ...ccLinks.initial,
            ...specialAudit,
          },
        },
        {
          // The registration's last write: its COMMIT goes with it, so the counter row locked by
          // the numbered INSERT is held for this one statement, not for one more round trip.
          last: true,
          // The rest of the registratura, in the audit row's statement (after the record's own
          // INSERT, whose row the "registratura closed" triggers of these tables look for).
          with: registraturaWrites({
            recordId: record.id,
            at,
            userId,
            role,
            correspondents,
            files: slots.map((slot) => ({
              position: slot.position,
              fileId: slot.file.id,
              sha256: digestOf(slot),
              description: slot.description,
            })),
            initial,
            changes: Object.fromEntries(Object.entries(initial).map(([k, v]) => [k, [null, v]])),
            segnatura,
          }),
        },
      );
    } catch (e) {
      // Two registrations of the same document at once: the unique document lets one stand.
      if (e instanceof UniqueConstraintViolationException) throw alreadyRegistered();
      throw e;
    }
    tx.publish(
      new ProtocolRegistered({
        recordId: record.id,
        aooId,
        documentId: doc.id,
        uorId,
        kind: input.kind,
        number,
        year: record.year,
        registeredAt: at.toISOString(),
      }),
    );
    return record;
  });
}

function requiredOrNull(field: string, value: string | null | undefined, max: number): string | null {
  if (value === undefined || value === null || value.trim() === '') return null;
  return requiredText(field, value, max);
}
