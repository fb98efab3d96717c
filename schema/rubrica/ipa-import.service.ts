import type { RequestContext } from '../../server/context.js';
import { pgArray } from '../../server/db/sql-array.js';
import { withTransaction } from '../../server/db/unit-of-work.js';
import { DomainError, InvalidInputError, NotFoundError } from '../../server/errors/domain-error.js';
import { isUuid } from '../../server/errors/input-checks.js';
import { forbidden } from '../../server/auth/auth-checker.js';
import { CorrespondentCreated, CorrespondentUpdated } from './correspondent.events.js';
import type { ImportIpaInput } from './correspondent.inputs.js';
import {
  CorrespondentChange,
  CorrespondentKind,
  type Correspondent,
  IpaImportResult,
} from './correspondent.types.js';
import {
  ENTRY_COLUMNS,
  entryOf,
  type CorrespondentValues,
  type DataField,
  type Row,
} from './correspondent-rows.js';
import {
  checkValues,
  entriesSharingKeys,
  keysOf,
  lockDirectory,
  sharedKey,
  type Keys,
} from './correspondent-rules.js';
import { changedFields, insertEntry, valuesOf, writeVersion } from './correspondent-store.js';
import { readsDirectory } from './correspondent.service.js';
import { parseIpaFile, type IpaFile, type IpaProblem, type IpaRecord } from './ipa-file.js';
import { RUBRICA_MANAGE } from './permissions.js';

/** Bounds of one import (under the 1 MB request body): the national files are larger; import them a region at a time. */
export const MAX_IPA_CHARS = 900_000;
export const MAX_IPA_ROWS = 5_000;

const KIND = CorrespondentKind.AMMINISTRAZIONE_ITALIANA;

/** The directory fields a record sets (a column absent from the file leaves its field as it is). */
function fieldsOf(file: IpaFile, r: IpaRecord): Partial<Record<DataField, string | null>> {
  const v = r.values;
  const name =
    file.kind === 'AMMINISTRAZIONI' ? v.administration : file.kind === 'AOO' ? v.aooName : v.uoName;
  const out: Partial<Record<DataField, string | null>> = {
    ipaCode: v.ipaCode ?? null,
    aooCode: v.aooCode ?? null,
    uoCode: v.uoCode ?? null,
    denominazione:
      name && file.kind !== 'AMMINISTRAZIONI' && v.administration
        ? `${v.administration} - ${name}`
        : (name ?? null),
  };
  // An empty cell leaves the field as the directory has it.
  for (const f of ['codiceFiscale', 'address', 'postalCode', 'city', 'province'] as const)
    if (v[f] !== undefined) out[f] = v[f];
  if (r.mails.length > 0) {
    out.pec = r.mails.find((m) => m.type === 'pec')?.address ?? null;
    out.email = r.mails.find((m) => m.type !== 'pec')?.address ?? null;
  }
  return out;
}

interface Planned {
  line: number;
  existing: Correspondent | null;
  values: CorrespondentValues;
  keys: Keys;
}

const tripleOf = (k: { ipaCode: string | null; aooCode: string | null; uoCode: string | null }) =>
  `${k.ipaCode ?? ''}|${k.aooCode ?? ''}|${k.uoCode ?? ''}`;

/**
 * Imports an IPA file: all or nothing. Each record is upserted by its IPA code (+AOO/UO code);
 * an existing entry gets a new version only when a field the file carries changed. Every
 * problem of the file is reported at once and nothing is written.
 */
export function importIpa(ctx: RequestContext, input: ImportIpaInput): Promise<IpaImportResult> {
  if (input.content.length > MAX_IPA_CHARS)
    throw new InvalidInputError(
      'content',
      `must be at most ${MAX_IPA_CHARS} characters (import the file in parts)`,
    );
  return withTransaction(ctx, async (tx) => {
    if (!isUuid(input.aooId) || !readsDirectory(tx, input.aooId)) throw new NotFoundError('Aoo', input.aooId);
    if (!tx.grants.has(RUBRICA_MANAGE, input.aooId))
      throw forbidden('import into this directory (needs RUBRICA_MANAGE in the AOO)');
    const actorId = tx.user?.id;
    if (!actorId) throw forbidden('import without signing in');
    const { file, problems } = parseIpaFile(input.content);
    const fail = (all: IpaProblem[]): never => {
      const sorted = [...all].sort((a, b) => a.line - b.line);
      const first = sorted[0];
      throw new DomainError(
        'IPA_IMPORT_INVALID',
        `content: ${sorted.length} error${sorted.length === 1 ? '' : 's'}, nothing was imported (first: line ${first?.line}, ${first?.field}: ${first?.message})`,
        { field: 'content', errors: sorted },
      );
    };
    if (!file) return fail(problems);
    if (file.records.length > MAX_IPA_ROWS)
      fail([
        ...problems,
        { line: 1, field: 'content', message: `has ${file.records.length} rows, at most ${MAX_IPA_ROWS}` },
      ]);

    await lockDirectory(tx.em, input.aooId);
    const codes = [...new Set(file.records.flatMap((r) => (r.values.ipaCode ? [r.values.ipaCode] : [])))];
    const existingRows = codes.length
      ? await tx.em.execute<Row[]>(
          `select ${ENTRY_COLUMNS} from correspondent c where c.aoo_id = ? and c.ipa_code = any(?::text[]) for update`,
          [input.aooId, pgArray(codes)],
        )
      : [];
    const byTriple = new Map(existingRows.map(entryOf).map((e) => [tripleOf(e), e]));

    const planned: Planned[] = [];
    const lineOfTriple = new Map<string, number>();
    for (const r of file.records) {
      const raw = fieldsOf(file, r);
      const probe = checkValues(KIND, raw);
      const existing = byTriple.get(tripleOf(probe.values)) ?? null;
      const merged = existing ? { ...valuesOf(existing), ...raw } : raw;
      const { values, problems: own } = checkValues(KIND, merged);
      for (const p of own) problems.push({ line: r.line, field: p.field, message: p.message });
      const triple = tripleOf(values);
      const earlier = lineOfTriple.get(triple);
      if (earlier !== undefined)
        problems.push({
          line: r.line,
          field: 'ipaCode',
          message: `the same IPA code (with AOO/UO code) as line ${earlier}`,
        });
      else lineOfTriple.set(triple, r.line);
      planned.push({ line: r.line, existing, values, keys: keysOf(existing?.id ?? null, KIND, values) });
    }

    // Duplicates by the other keys, against the directory as it would be after the import.
    const others = new Map<string, Keys>();
    for (const k of await entriesSharingKeys(
      tx.em,
      input.aooId,
      planned.map((p) => p.keys),
    ))
      if (k.id) others.set(k.id, k);
    for (const p of planned) if (p.existing) others.set(p.existing.id, p.keys);
    planned.forEach((p, i) => {
      // One error per line and key, naming the first entry (or earlier line) that holds it.
      const reported = new Set<string>();
      const report = (field: string, message: string) => {
        if (!reported.has(field)) problems.push({ line: p.line, field, message });
        reported.add(field);
      };
      for (const o of others.values()) {
        const field = p.existing?.id === o.id ? null : sharedKey(p.keys, o);
        if (field && field !== 'ipaCode' && o.id)
          report(field, `correspondent ${o.id} of this AOO has the same ${field}`);
      }
      for (const q of planned.slice(0, i)) {
        if (q.existing && q.existing.id === p.existing?.id) continue;
        const field = sharedKey({ ...p.keys, id: null }, { ...q.keys, id: null });
        if (field && field !== 'ipaCode') report(field, `the same ${field} as line ${q.line}`);
      }
    });
    if (problems.length > 0) fail(problems);

    const result = Object.assign(new IpaImportResult(), {
      rows: planned.length,
      created: 0,
      updated: 0,
      unchanged: 0,
    });
    for (const p of planned) {
      if (!p.existing) {
        const e = await insertEntry(tx, tx.em, {
          aooId: input.aooId,
          kind: KIND,
          values: p.values,
          change: CorrespondentChange.IMPORTED,
          actorId,
        });
        tx.publish(new CorrespondentCreated({ correspondentId: e.id, aooId: e.aooId, version: e.version }));
        result.created++;
      } else if (Object.keys(changedFields(valuesOf(p.existing), p.values)).length > 0) {
        const e = await writeVersion(tx, tx.em, p.existing, {
          values: p.values,
          active: p.existing.active,
          change: CorrespondentChange.IMPORTED,
          actorId,
        });
        tx.publish(new CorrespondentUpdated({ correspondentId: e.id, aooId: e.aooId, version: e.version }));
        result.updated++;
      } else result.unchanged++;
    }
    await tx.audit({
      aooId: input.aooId,
      operation: 'correspondent.import-ipa',
      targetType: 'Aoo',
      targetId: input.aooId,
      changes: {
        file: file.kind,
        rows: result.rows,
        created: result.created,
        updated: result.updated,
        unchanged: result.unchanged,
      },
    });
    return result;
  });
}
