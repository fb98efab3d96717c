import { romeDay, type Clock } from '../../server/clock.js';
import type { RequestContext } from '../../server/context.js';
import { withTransaction, type UnitOfWork } from '../../server/db/unit-of-work.js';
import { DomainError } from '../../server/errors/domain-error.js';
import { Document, DocumentFile, DocumentKind, visibleDocumentIds } from '../documents/index.js';
import { nextNumber } from '../numbering/index.js';
import { Uor } from '../organisation/index.js';
import { ProtocolRecord, registerProtocol } from '../protocollo/index.js';
import { resolveClassification } from '../titolario/index.js';
import {
  type EmergencyFileRecord,
  type EmergencyImportProblem,
  MAX_EMERGENCY_FILE_CHARS,
  type NumberedRecord,
  readEmergencyFile,
} from './emergency-file.js';
import { EmergencyRegister } from './emergency-register.entity.js';
import { findVisibleRegister, requireEmergencyRight } from './emergency-register.service.js';
import { EmergencyRegistration } from './emergency-registration.entity.js';
import { EmergencyRecordsImported } from './emergenza-events.js';
import type { ImportEmergencyRecordsInput } from './emergenza.inputs.js';

/** The year of an emergency number: the Italian calendar year of its date (001 §6.9). */
const yearOf = (at: Date): number => Number(romeDay(at).slice(0, 4));

function invalid(problems: EmergencyImportProblem[]): DomainError {
  problems.sort((a, b) => a.line - b.line || a.field.localeCompare(b.field));
  const n = problems.length;
  const first = problems[0];
  return new DomainError(
    'EMERGENCY_IMPORT_INVALID',
    `input.content: ${n} error${n === 1 ? '' : 's'}, nothing was imported (first: line ${first?.line}, ${first?.field}: ${first?.message})`,
    { field: 'input.content', errors: problems },
  );
}

/**
 * Imports the records captured in a closed emergency register: all or nothing. Every record is
 * checked first — values, dates inside the session, emergency numbers continuing the AOO's
 * sequence of their year without gaps or repeats, dates following the numbers, documents (a
 * visible draft of the AOO with its primary file, not yet registered, once in the file),
 * classification and UOR — and every problem is reported (EMERGENCY_IMPORT_INVALID,
 * `extensions.errors`) with nothing written and no number taken. Then, in this one transaction,
 * in emergency order, each record gets its ordinary protocol number (registerProtocol joins the
 * transaction) and takes its emergency number from the numbering module with the clock at its
 * emergency date, which must be the number of the file.
 */
export function importRecords(
  ctx: RequestContext,
  input: ImportEmergencyRecordsInput,
): Promise<{ register: EmergencyRegister; registrations: EmergencyRegistration[] }> {
  return withTransaction(ctx, async (tx) => {
    const register = await findVisibleRegister(tx, tx.em, input.registerId, { lock: true });
    requireEmergencyRight(tx, register.aooId);
    if (register.endedAt === null) {
      throw new DomainError(
        'EMERGENCY_REGISTER_OPEN',
        'input.registerId: the emergency register is still open; close it (with the time the service came back) before importing',
        { field: 'input.registerId' },
      );
    }
    if (input.content.length > MAX_EMERGENCY_FILE_CHARS) {
      throw new DomainError(
        'LIMIT_REACHED',
        `input.content: at most ${MAX_EMERGENCY_FILE_CHARS} characters (got ${input.content.length}); split the file`,
        { field: 'input.content', limit: MAX_EMERGENCY_FILE_CHARS },
      );
    }
    // Imports of one AOO take turns: the sequence checked below is the one the numbers continue.
    await tx.em.execute(`select pg_advisory_xact_lock(hashtextextended(?, 0))`, [
      `emergenza/${register.aooId}`,
    ]);
    const { records, numbered, problems } = readEmergencyFile(input.format, input.content);
    checkSequence(register, numbered, problems, await lastNumbers(tx, register.aooId, numbered));
    await checkReferences(tx, register, records, problems);
    if (problems.length > 0) throw invalid(problems);

    const ordered = [...records].sort((a, b) => yearOf(a.at) - yearOf(b.at) || a.number - b.number);
    const registrations: EmergencyRegistration[] = [];
    for (const r of ordered) {
      let record: ProtocolRecord;
      try {
        record = await registerProtocol(tx, {
          kind: r.kind,
          documentId: r.documentId,
          oggetto: r.oggetto,
          correspondents: r.correspondents,
          uorId: r.uorId,
          classificationId: r.classificationId,
          meansOfTransmission: r.meansOfTransmission,
          documentType: r.documentType,
          annotations: r.annotations,
        });
      } catch (e) {
        // Checked above; what registration still refuses is reported the same way.
        if (!(e instanceof DomainError)) throw e;
        const field = typeof e.extensions['field'] === 'string' ? e.extensions['field'] : '(record)';
        const message = e.message.startsWith(`${field}: `) ? e.message.slice(field.length + 2) : e.message;
        throw invalid([{ line: r.line, number: r.number, field: field.replace(/^input\./, ''), message }]);
      }
      // The emergency number comes from the numbering module like every legal number, its year
      // the emergency date's: the clock is fixed there.
      const at: Clock = { now: () => new Date(r.at) };
      const taken = await nextNumber(
        { ...tx, clock: at },
        { series: 'emergenza', within: [register.aooId], yearly: true },
      );
      if (taken.number !== r.number || taken.year !== yearOf(r.at)) {
        throw invalid([
          {
            line: r.line,
            number: r.number,
            field: 'number',
            message: `the emergency register of ${yearOf(r.at)} is at number ${taken.number} here, not ${r.number} (another import ran meanwhile?)`,
          },
        ]);
      }
      registrations.push(
        tx.em.create(EmergencyRegistration, {
          recordId: record.id,
          registerId: register.id,
          aooId: register.aooId,
          year: yearOf(r.at),
          number: r.number,
          at: r.at,
          importedAt: tx.clock.now(),
          importedById: tx.user?.id ?? '',
        }),
      );
    }
    const summary = registrations.map((g) => ({ recordId: g.recordId, year: g.year, number: g.number }));
    await tx.audit({
      aooId: register.aooId,
      operation: 'emergenza.import',
      targetType: 'EmergencyRegister',
      targetId: register.id,
      changes: { format: input.format, records: summary },
    });
    tx.publish(
      new EmergencyRecordsImported({
        registerId: register.id,
        aooId: register.aooId,
        count: summary.length,
        records: summary,
      }),
    );
    return { register, registrations };
  });
}

interface LastTaken {
  number: number;
  at: Date | null;
}

/** The last emergency number taken in the AOO for each year of the file (0: none yet), and its date. */
async function lastNumbers(
  tx: UnitOfWork,
  aooId: string,
  records: readonly NumberedRecord[],
): Promise<Map<number, LastTaken>> {
  const years = [...new Set(records.map((r) => yearOf(r.at)))];
  const last = new Map<number, LastTaken>(years.map((y) => [y, { number: 0, at: null }]));
  if (years.length === 0) return last;
  const rows = await tx.em.execute<Array<{ year: number; last: number; at: Date }>>(
    `select distinct on (emergency_year) emergency_year as year, emergency_number as last, emergency_at as at
       from emergency_registration where aoo_id = ? and emergency_year = any(?::int[])
      order by emergency_year, emergency_number desc`,
    [aooId, `{${years.join(',')}}`],
  );
  for (const row of rows) last.set(Number(row.year), { number: Number(row.last), at: new Date(row.at) });
  return last;
}

/**
 * Dates inside the session; per year, numbers unique, continuing the AOO's sequence with no gap,
 * and dated in the order of their numbers (the first after the last one already imported).
 */
function checkSequence(
  register: EmergencyRegister,
  records: readonly NumberedRecord[],
  problems: EmergencyImportProblem[],
  last: Map<number, LastTaken>,
): void {
  const end = register.endedAt ?? register.startedAt;
  for (const r of records) {
    if (r.at < register.startedAt || r.at > end) {
      problems.push({
        line: r.line,
        number: r.number,
        field: 'at',
        message: `must be inside the emergency register's session, ${register.startedAt.toISOString()} to ${end.toISOString()}`,
      });
    }
  }
  const byYear = new Map<number, NumberedRecord[]>();
  for (const r of records) {
    const list = byYear.get(yearOf(r.at)) ?? [];
    list.push(r);
    byYear.set(yearOf(r.at), list);
  }
  for (const [year, list] of byYear) {
    const taken = last.get(year)?.number ?? 0;
    const takenAt = last.get(year)?.at ?? null;
    const seen = new Map<number, NumberedRecord>();
    for (const r of list) {
      const twin = seen.get(r.number);
      if (twin) {
        problems.push({
          line: r.line,
          number: r.number,
          field: 'number',
          message: `emergency number ${r.number}/${year} appears twice (also line ${twin.line})`,
        });
      } else seen.set(r.number, r);
      if (r.number <= taken) {
        problems.push({
          line: r.line,
          number: r.number,
          field: 'number',
          message: `emergency number ${r.number}/${year} was already imported (the AOO's emergency register of ${year} is at ${taken})`,
        });
      }
    }
    const numbers = [...seen.keys()].filter((n) => n > taken).sort((a, b) => a - b);
    let expected = taken + 1;
    for (const n of numbers) {
      if (n !== expected) {
        const r = seen.get(n);
        problems.push({
          line: r?.line ?? 1,
          number: n,
          field: 'number',
          message:
            expected === n - 1
              ? `emergency number ${expected}/${year} is missing: the numbers continue without gaps from ${taken + 1}`
              : `emergency numbers ${expected} to ${n - 1} of ${year} are missing: the numbers continue without gaps from ${taken + 1}`,
        });
      }
      expected = n + 1;
    }
    const inOrder = [...seen.values()].sort((a, b) => a.number - b.number);
    const firstNew = inOrder.find((r) => r.number === taken + 1);
    if (firstNew && takenAt && firstNew.at < takenAt) {
      problems.push({
        line: firstNew.line,
        number: firstNew.number,
        field: 'at',
        message: `is earlier than the date of emergency number ${taken}/${year} already imported (${takenAt.toISOString()}): dates follow the numbers`,
      });
    }
    for (let i = 1; i < inOrder.length; i++) {
      const [prev, r] = [inOrder[i - 1], inOrder[i]];
      if (prev && r && r.at < prev.at) {
        problems.push({
          line: r.line,
          number: r.number,
          field: 'at',
          message: `is earlier than the date of emergency number ${prev.number}/${year} (line ${prev.line}): dates follow the numbers`,
        });
      }
    }
  }
}

/**
 * The documents, UORs and classifications named: each document a draft of the register's AOO
 * the caller sees, with its primary file, not registered, once in the file (any other id is
 * "not found", like a missing one); UORs of the AOO; classifications of the titolario in force
 * today (the registration day).
 */
async function checkReferences(
  tx: UnitOfWork,
  register: EmergencyRegister,
  records: readonly EmergencyFileRecord[],
  problems: EmergencyImportProblem[],
): Promise<void> {
  const ids = [...new Set(records.map((r) => r.documentId))];
  const visible = await visibleDocumentIds(tx, tx.em, ids);
  const docs = new Map(
    (await tx.em.find(Document, { id: { $in: [...visible] }, aoo: register.aooId })).map((d) => [d.id, d]),
  );
  const withPrimary = new Set(
    (
      await tx.em.find(DocumentFile, { document: { $in: [...docs.keys()] }, position: 0, supersededAt: null })
    ).map((f) => f.document.id),
  );
  const registered = new Set(
    (await tx.em.find(ProtocolRecord, { documentId: { $in: [...docs.keys()] } })).map((p) => p.documentId),
  );
  const firstUse = new Map<string, EmergencyFileRecord>();
  for (const r of records) {
    const where = { line: r.line, number: r.number, field: 'documentId' };
    const doc = docs.get(r.documentId);
    const twin = firstUse.get(r.documentId);
    if (!doc) {
      problems.push({ ...where, message: `no document ${r.documentId} of the AOO that you can see` });
    } else if (twin) {
      problems.push({
        ...where,
        message: `the document is also the one of emergency number ${twin.number} (line ${twin.line})`,
      });
    } else if (registered.has(doc.id) || doc.kind !== DocumentKind.NON_PROTOCOLLATO) {
      problems.push({ ...where, message: 'the document is already registered' });
    } else if (!withPrimary.has(doc.id)) {
      problems.push({
        ...where,
        message: 'the document has no primary file (upload the scanned paper first)',
      });
    }
    if (!twin) firstUse.set(r.documentId, r);
  }
  const uorIds = [...new Set(records.flatMap((r) => (r.uorId ? [r.uorId] : [])))];
  const uors = new Set(
    uorIds.length === 0
      ? []
      : (await tx.em.find(Uor, { id: { $in: uorIds }, aoo: register.aooId })).map((u) => u.id),
  );
  const day = romeDay(tx.clock.now());
  const classes = new Map<string, string | null>();
  for (const r of records) {
    if (r.uorId && !uors.has(r.uorId)) {
      problems.push({
        line: r.line,
        number: r.number,
        field: 'uorId',
        message: 'is not an office of the AOO',
      });
    }
    if (r.classificationId) {
      if (!classes.has(r.classificationId)) {
        try {
          await resolveClassification(tx, { aooId: register.aooId, nodeId: r.classificationId, day });
          classes.set(r.classificationId, null);
        } catch (e) {
          if (!(e instanceof DomainError)) throw e;
          classes.set(r.classificationId, e.message.replace(/^[\w.]+: /, ''));
        }
      }
      const problem = classes.get(r.classificationId);
      if (problem)
        problems.push({ line: r.line, number: r.number, field: 'classificationId', message: problem });
    }
  }
}
