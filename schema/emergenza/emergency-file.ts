import { registerEnumType } from 'type-graphql';
import { DomainError } from '../../server/errors/domain-error.js';
import { isUuid, optionalText, requiredText } from '../../server/errors/input-checks.js';
import {
  checkCorrespondent,
  CORRESPONDENT_DATA_FIELDS,
  MAX_CORRESPONDENTS,
  ProtocolCorrespondentKind,
  type ProtocolCorrespondentInput,
  ProtocolKind,
} from '../protocollo/index.js';
import { CsvSyntaxError, JsonSyntaxError, parseCsv, parseLocatedJson } from '../titolario/index.js';

/**
 * The file an offline client (or the operator who types in the paper register) produces for the
 * records captured during an outage, in JSON or CSV (README "Emergency register"). Both carry the
 * same record fields:
 *
 * - `number`: the emergency number (1, 2, 3… per AOO and year, across sessions, no gaps);
 * - `at`: the emergency date and time, ISO 8601 with its offset (`2026-12-03T09:15:00+01:00`),
 *   inside the session's start..end;
 * - `kind`: `ARRIVO`, `PARTENZA` or `INTERNO`;
 * - `oggetto`;
 * - `documentId`: a draft document of the AOO, already uploaded, with its primary file (the
 *   paper scanned after the outage);
 * - `correspondents`: at least one, each `kind` (ProtocolCorrespondentKind) and the inline data
 *   of registerProtocol (`denominazione` or `nome`+`cognome`, `codiceFiscale`, `partitaIva`,
 *   `ipaAmministrazione`, `ipaAoo`, `ipaUo`, `indirizzo`, `email`, `pec`);
 * - optional `classificationId`, `uorId`, `meansOfTransmission`, `documentType`, `annotations`.
 *
 * JSON: `{ "records": [ { "number": 1, "at": "…", "kind": "ARRIVO", "oggetto": "…",
 * "documentId": "…", "correspondents": [ { "kind": "PERSONA_FISICA", "nome": "…", "cognome": "…" } ],
 * "annotations": ["…"] } ] }`.
 *
 * CSV (RFC 4180, comma or semicolon, header first): columns `number,at,kind,oggetto,documentId,
 * correspondentKind` are required, `classificationId,uorId,meansOfTransmission,documentType,
 * annotation,denominazione,nome,cognome,codiceFiscale,partitaIva,ipaAmministrazione,ipaAoo,ipaUo,
 * indirizzo,email,pec` optional. One row per correspondent: a row that repeats the number of the
 * row above continues its record (its record columns empty or equal) and adds a correspondent
 * and/or an annotation.
 */
export enum EmergencyFileFormat {
  JSON = 'JSON',
  CSV = 'CSV',
}

registerEnumType(EmergencyFileFormat, {
  name: 'EmergencyFileFormat',
  description: 'Format of an emergency register file (README "Emergency register")',
  valuesConfig: {
    JSON: {
      description: '{ "records": [ { number, at, kind, oggetto, documentId, correspondents: [...] } ] }',
    },
    CSV: {
      description:
        'CSV with a header: number,at,kind,oggetto,documentId,correspondentKind,… — one row per correspondent',
    },
  },
});

/** The file as text: at most this many characters (the request body takes up to 1 MB). */
export const MAX_EMERGENCY_FILE_CHARS = 900_000;
/** At most this many records in one import (all registered in one transaction). */
export const MAX_EMERGENCY_RECORDS = 1000;
const MAX_ANNOTATIONS = 20;

export interface EmergencyImportProblem {
  /** 1-based line of the file where the record (or the offending value) starts. */
  line: number;
  /** The emergency number of the record, when it could be read. */
  number: number | null;
  /** The field at fault (JSON key or CSV column; correspondents.0.nome…). */
  field: string;
  message: string;
}

/** A record of the file with every value checked (the database checks come after). */
export interface EmergencyFileRecord {
  line: number;
  number: number;
  at: Date;
  kind: ProtocolKind;
  oggetto: string;
  documentId: string;
  correspondents: ProtocolCorrespondentInput[];
  classificationId: string | null;
  uorId: string | null;
  meansOfTransmission: string | null;
  documentType: string | null;
  annotations: string[];
}

/** Every record whose number and date could be read (its other values may be wrong): the sequence checks. */
export interface NumberedRecord {
  line: number;
  number: number;
  at: Date;
}

/** A record as read, before its values are checked. */
interface RawRecord {
  line: number;
  values: Record<string, unknown>;
  correspondents: Array<{ line: number; values: Record<string, unknown> }>;
}

const CORRESPONDENT_FIELDS = CORRESPONDENT_DATA_FIELDS;
const RECORD_FIELDS = [
  'number',
  'at',
  'kind',
  'oggetto',
  'documentId',
  'classificationId',
  'uorId',
  'meansOfTransmission',
  'documentType',
] as const;

/** ISO 8601 date-time with seconds optional and the offset required (an outage has a time zone). */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:\d{2}(\.\d{1,3})?)?(Z|([+-])(\d{2}):(\d{2}))$/;

export function parseDateTime(value: string): Date | null {
  const m = DATE_TIME.exec(value.trim());
  if (!m) return null;
  const ms = Date.parse(value.trim());
  if (Number.isNaN(ms)) return null;
  // The wall time written must exist (no 30 February): shifted by its offset, it reads back.
  const offset = m[8] === 'Z' ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  const local = new Date(ms + offset * 60_000).toISOString().slice(0, 16);
  return local === value.trim().slice(0, 16) ? new Date(ms) : null;
}

/** Reads the file and checks each record on its own; problems of every record are collected. */
export function readEmergencyFile(
  format: EmergencyFileFormat,
  content: string,
): { records: EmergencyFileRecord[]; numbered: NumberedRecord[]; problems: EmergencyImportProblem[] } {
  const problems: EmergencyImportProblem[] = [];
  const raw = format === EmergencyFileFormat.JSON ? readJson(content, problems) : readCsv(content, problems);
  if (raw.length > MAX_EMERGENCY_RECORDS) {
    problems.push({
      line: raw[MAX_EMERGENCY_RECORDS]?.line ?? 1,
      number: null,
      field: 'records',
      message: `at most ${MAX_EMERGENCY_RECORDS} records in one import (got ${raw.length}): split the file`,
    });
    return { records: [], numbered: [], problems };
  }
  if (raw.length === 0 && problems.length === 0) {
    problems.push({ line: 1, number: null, field: 'records', message: 'the file has no records' });
  }
  const records: EmergencyFileRecord[] = [];
  const numbered: NumberedRecord[] = [];
  for (const r of raw) {
    const checked = checkRecord(r, problems, numbered);
    if (checked) records.push(checked);
  }
  return { records, numbered, problems };
}

function readJson(content: string, problems: EmergencyImportProblem[]): RawRecord[] {
  let parsed;
  try {
    parsed = parseLocatedJson(content);
  } catch (e) {
    if (e instanceof JsonSyntaxError) {
      problems.push({ line: e.line, number: null, field: '(syntax)', message: e.message });
      return [];
    }
    throw e;
  }
  const { value, lineOf } = parsed;
  const line = (o: unknown, fallback: number) =>
    typeof o === 'object' && o !== null ? (lineOf.get(o) ?? fallback) : fallback;
  const records = isObject(value) ? value['records'] : undefined;
  if (!Array.isArray(records)) {
    problems.push({
      line: 1,
      number: null,
      field: 'records',
      message: 'the file is an object whose "records" is the list of records',
    });
    return [];
  }
  const out: RawRecord[] = [];
  for (const r of records) {
    const at = line(r, line(records, 1));
    if (!isObject(r)) {
      problems.push({ line: at, number: null, field: '(record)', message: 'a record is an object' });
      continue;
    }
    const known = new Set<string>([...RECORD_FIELDS, 'correspondents', 'annotations']);
    for (const key of Object.keys(r)) {
      if (!known.has(key)) {
        problems.push({
          line: at,
          number: numberOf(r['number']),
          field: key,
          message: 'is not a record field',
        });
      }
    }
    const list = r['correspondents'];
    const correspondents = Array.isArray(list)
      ? list.map((c) => ({ line: line(c, at), values: isObject(c) ? c : { kind: c } }))
      : [];
    if (list !== undefined && !Array.isArray(list)) {
      problems.push({
        line: at,
        number: numberOf(r['number']),
        field: 'correspondents',
        message: 'must be a list',
      });
    }
    out.push({ line: at, values: r, correspondents });
  }
  return out;
}

const CSV_REQUIRED = ['number', 'at', 'kind', 'oggetto', 'documentId', 'correspondentKind'] as const;
const CSV_COLUMNS: readonly string[] = [
  ...RECORD_FIELDS,
  'annotation',
  'correspondentKind',
  ...CORRESPONDENT_FIELDS,
];

function readCsv(content: string, problems: EmergencyImportProblem[]): RawRecord[] {
  let rows;
  try {
    rows = parseCsv(content);
  } catch (e) {
    if (e instanceof CsvSyntaxError) {
      problems.push({ line: e.line, number: null, field: '(syntax)', message: `invalid CSV: ${e.message}` });
      return [];
    }
    throw e;
  }
  const [header, ...body] = rows;
  if (!header) {
    problems.push({
      line: 1,
      number: null,
      field: '(header)',
      message: `the file is empty: the first line names the columns (${CSV_REQUIRED.join(',')}…)`,
    });
    return [];
  }
  const names = header.fields.map((f) => f.trim());
  for (const column of CSV_REQUIRED) {
    if (!names.includes(column)) {
      problems.push({
        line: header.line,
        number: null,
        field: column,
        message: 'the header lacks this column',
      });
    }
  }
  names.forEach((name, i) => {
    if (!CSV_COLUMNS.includes(name)) {
      problems.push({
        line: header.line,
        number: null,
        field: name || '(empty)',
        message: 'is not a column',
      });
    } else if (names.indexOf(name) !== i) {
      problems.push({ line: header.line, number: null, field: name, message: 'appears twice in the header' });
    }
  });
  if (problems.length > 0) return [];
  const out: RawRecord[] = [];
  let previous: { number: string; record: RawRecord } | null = null;
  for (const row of body) {
    if (row.fields.length !== names.length) {
      problems.push({
        line: row.line,
        number: null,
        field: '(row)',
        message: `has ${row.fields.length} fields, the header ${names.length}`,
      });
      previous = null;
      continue;
    }
    const cell = (column: string): string => (row.fields[names.indexOf(column)] ?? '').trim();
    const correspondent: Record<string, unknown> = { kind: cell('correspondentKind') };
    for (const f of CORRESPONDENT_FIELDS) correspondent[f] = cell(f);
    const hasCorrespondent = Object.values(correspondent).some((v) => v !== '');
    const annotation = cell('annotation');
    const number = cell('number');
    if (previous && number !== '' && number === previous.number) {
      // A continuation row: another correspondent and/or annotation of the record above.
      const record = previous.record;
      for (const f of RECORD_FIELDS.filter((name) => name !== 'number')) {
        const v = cell(f);
        if (v !== '' && v !== record.values[f]) {
          problems.push({
            line: row.line,
            number: numberOf(number),
            field: f,
            message: `a row continuing record ${number} leaves ${f} empty or repeats it`,
          });
        }
      }
      if (hasCorrespondent) record.correspondents.push({ line: row.line, values: correspondent });
      if (annotation !== '') (record.values['annotations'] as string[]).push(annotation);
      continue;
    }
    const values: Record<string, unknown> = { annotations: annotation === '' ? [] : [annotation] };
    for (const f of RECORD_FIELDS) values[f] = cell(f);
    values['number'] = /^\d{1,9}$/.test(number) ? Number(number) : number;
    for (const f of ['classificationId', 'uorId', 'meansOfTransmission', 'documentType']) {
      if (values[f] === '') values[f] = null;
    }
    const record: RawRecord = {
      line: row.line,
      values,
      correspondents: hasCorrespondent ? [{ line: row.line, values: correspondent }] : [],
    };
    out.push(record);
    previous = { number, record };
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function numberOf(v: unknown): number | null {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 ? v : null;
}

/** Runs a check that throws a typed input error; its message becomes a problem of the record. */
function attempt<T>(
  problems: EmergencyImportProblem[],
  where: { line: number; number: number | null },
  field: string,
  check: () => T,
): T | undefined {
  try {
    return check();
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    const named = typeof e.extensions['field'] === 'string' ? e.extensions['field'] : field;
    problems.push({
      ...where,
      field: named,
      message: e.message.startsWith(`${named}: `) ? e.message.slice(named.length + 2) : e.message,
    });
    return undefined;
  }
}

function optionalString(
  problems: EmergencyImportProblem[],
  where: { line: number; number: number | null },
  field: string,
  value: unknown,
): string | null | undefined {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') {
    problems.push({ ...where, field, message: 'must be a string' });
    return undefined;
  }
  return value;
}

function checkRecord(
  raw: RawRecord,
  problems: EmergencyImportProblem[],
  numbered: NumberedRecord[],
): EmergencyFileRecord | null {
  const before = problems.length;
  const v = raw.values;
  const number = numberOf(v['number']);
  const where = { line: raw.line, number };
  if (number === null) {
    problems.push({
      ...where,
      field: 'number',
      message:
        v['number'] === undefined || v['number'] === '' ? 'is missing' : 'must be a whole number from 1',
    });
  }
  let at: Date | null = null;
  if (typeof v['at'] !== 'string' || v['at'].trim() === '') {
    problems.push({ ...where, field: 'at', message: 'is missing' });
  } else {
    at = parseDateTime(v['at']);
    if (at === null) {
      problems.push({
        ...where,
        field: 'at',
        message: `must be a date and time with its offset, like 2026-12-03T09:15:00+01:00 (got ${JSON.stringify(v['at'].slice(0, 40))})`,
      });
    }
  }
  if (number !== null && at !== null) numbered.push({ line: raw.line, number, at });
  const kind = v['kind'];
  if (typeof kind !== 'string' || !(Object.values(ProtocolKind) as string[]).includes(kind)) {
    problems.push({
      ...where,
      field: 'kind',
      message:
        kind === undefined || kind === ''
          ? 'is missing'
          : `must be ARRIVO, PARTENZA or INTERNO (got ${(JSON.stringify(kind) ?? 'nothing').slice(0, 40)})`,
    });
  }
  let oggetto: string | undefined;
  if (typeof v['oggetto'] !== 'string' || v['oggetto'].trim() === '') {
    problems.push({ ...where, field: 'oggetto', message: 'is missing' });
  } else {
    const text = v['oggetto'];
    oggetto = attempt(problems, where, 'oggetto', () => requiredText('oggetto', text, 2000));
  }
  const documentId = v['documentId'];
  if (typeof documentId !== 'string' || !isUuid(documentId.trim())) {
    problems.push({
      ...where,
      field: 'documentId',
      message:
        documentId === undefined || documentId === ''
          ? 'is missing'
          : 'must be the id of an uploaded document',
    });
  }
  const ids: Record<'classificationId' | 'uorId', string | null> = { classificationId: null, uorId: null };
  for (const f of ['classificationId', 'uorId'] as const) {
    const s = optionalString(problems, where, f, v[f]);
    if (s && !isUuid(s.trim())) problems.push({ ...where, field: f, message: 'must be an id' });
    else if (s) ids[f] = s.trim();
  }
  const texts: Record<'meansOfTransmission' | 'documentType', string | null> = {
    meansOfTransmission: null,
    documentType: null,
  };
  for (const [f, max] of [
    ['meansOfTransmission', 40],
    ['documentType', 200],
  ] as const) {
    const s = optionalString(problems, where, f, v[f]);
    if (s) texts[f] = attempt(problems, where, f, () => optionalText(f, s, max)) ?? null;
  }
  const annotations: string[] = [];
  const list = v['annotations'] ?? [];
  if (!Array.isArray(list))
    problems.push({ ...where, field: 'annotations', message: 'must be a list of texts' });
  else if (list.length > MAX_ANNOTATIONS) {
    problems.push({ ...where, field: 'annotations', message: `at most ${MAX_ANNOTATIONS}` });
  } else {
    list.forEach((a: unknown, i) => {
      const field = `annotations.${i}`;
      if (typeof a !== 'string') problems.push({ ...where, field, message: 'must be a text' });
      else {
        const t = attempt(problems, where, field, () => requiredText(field, a, 4000));
        if (t !== undefined) annotations.push(t);
      }
    });
  }
  if (raw.correspondents.length === 0) {
    problems.push({
      ...where,
      field: 'correspondents',
      message:
        v['kind'] === ProtocolKind.ARRIVO
          ? 'an incoming record needs its sender'
          : 'at least one is required',
    });
  } else if (raw.correspondents.length > MAX_CORRESPONDENTS) {
    problems.push({ ...where, field: 'correspondents', message: `at most ${MAX_CORRESPONDENTS}` });
  }
  const correspondents: ProtocolCorrespondentInput[] = [];
  raw.correspondents.forEach((c, i) => {
    const at = { line: c.line, number };
    const field = `correspondents.${i}`;
    const kindOf = c.values['kind'];
    if (
      typeof kindOf !== 'string' ||
      !(Object.values(ProtocolCorrespondentKind) as string[]).includes(kindOf)
    ) {
      problems.push({
        ...at,
        field: `${field}.kind`,
        message: `must be one of ${Object.values(ProtocolCorrespondentKind).join(', ')}`,
      });
      return;
    }
    const input: ProtocolCorrespondentInput = { kind: kindOf as ProtocolCorrespondentKind };
    for (const key of Object.keys(c.values)) {
      if (key === 'kind') continue;
      if (!(CORRESPONDENT_FIELDS as readonly string[]).includes(key)) {
        problems.push({ ...at, field: `${field}.${key}`, message: 'is not a correspondent field' });
        continue;
      }
      const s = optionalString(problems, at, `${field}.${key}`, c.values[key]);
      if (s) input[key as (typeof CORRESPONDENT_FIELDS)[number]] = s;
    }
    if (attempt(problems, at, field, () => checkCorrespondent(field, input)) !== undefined) {
      correspondents.push(input);
    }
  });
  if (problems.length > before || number === null || at === null || oggetto === undefined) return null;
  return {
    line: raw.line,
    number,
    at,
    kind: kind as ProtocolKind,
    oggetto,
    documentId: (documentId as string).trim(),
    correspondents,
    classificationId: ids.classificationId,
    uorId: ids.uorId,
    meansOfTransmission: texts.meansOfTransmission,
    documentType: texts.documentType,
    annotations,
  };
}
