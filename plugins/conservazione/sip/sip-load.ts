import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../../../server/errors/domain-error.js';
import { romeDay } from '../../../server/clock.js';
import { Fascicolo, FascicoloState } from '../../../schema/fascicoli/index.js';
import { Aoo, Uor, User } from '../../../schema/organisation/index.js';
import { ProtocolKind, ProtocolState, registeredCorrespondents } from '../../../schema/protocollo/index.js';
import { DailyRegister } from '../../../schema/registro-giornaliero/index.js';
import { Repertorio, RepertorioEntryState } from '../../../schema/repertori/index.js';
import { TitolarioNode } from '../../../schema/titolario/index.js';
import { DAILY_REGISTER_TIPOLOGIA } from './agid-metadata.js';
import { pgArray } from '../../../server/db/sql-array.js';
import type { SipAggregation, SipComponent, SipFiling, SipPackage, SipUnit } from './sip-types.js';

export interface LoadSipInput {
  packageId: string;
  aooId: string;
  kind: SipPackage['kind'];
  label: string;
  createdAt: Date;
  /** The units to send; for FASCICOLO, empty means every document of the tree. */
  documentIds: readonly string[];
  fascicoloId: string | null;
  dailyRegisterId: string | null;
}

const CHUNK = 1000;

/** Registro of a document non protocollato filed in a fascicolo (the contract's Vocabulary). */
export const NON_PROTOCOLLATO_REGISTRO = 'NP';

function notReady(documentId: string, why: string): DomainError {
  return new DomainError(
    'CONSERVATION_UNIT_NOT_READY',
    `document ${documentId} cannot be conserved: ${why}`,
    { documentId },
  );
}

async function inChunks<T>(ids: readonly string[], read: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...(await read(ids.slice(i, i + CHUNK))));
  return out;
}

/**
 * Everything a package says, read from the core modules' entities: the units (each document's
 * key, registration, correspondents, classification, fascicolo, current files) and, for a
 * FASCICOLO package, the fascicolo tree with its AgID metadata. A document that cannot be
 * conserved — a draft (neither registered nor filed in a closed fascicolo), of another AOO, or
 * without a current primary file — fails the whole load with CONSERVATION_UNIT_NOT_READY.
 */
export async function loadSipPackage(em: EntityManager, input: LoadSipInput): Promise<SipPackage> {
  const aoo = await em.findOneOrFail(Aoo, { id: input.aooId }, { populate: ['administration'] });
  const fascicoli = input.fascicoloId ? await fascicoloTree(em, input.fascicoloId, input.aooId) : [];
  const treeIds = fascicoli.map((f) => f.id);
  const treeFilings = await inChunks(treeIds, (chunk) =>
    em
      .getConnection()
      .execute<Array<{ fascicolo_id: string; document_id: string }>>(
        `select fascicolo_id, document_id from fascicolo_filing_current where fascicolo_id in (${chunk.map(() => '?').join(',')})`,
        chunk,
      ),
  );

  let documentIds = [...input.documentIds];
  if (input.kind === 'DAILY_REGISTER' && input.dailyRegisterId && documentIds.length === 0) {
    const register = await em.findOneOrFail(DailyRegister, { id: input.dailyRegisterId, aooId: input.aooId });
    documentIds = [register.documentId];
  }
  if (input.kind === 'FASCICOLO' && documentIds.length === 0)
    documentIds = treeFilings.map((f) => f.document_id);
  documentIds = [...new Set(documentIds)];

  const units = await loadUnits(em, aoo, documentIds);
  const aggregation = fascicoli.length > 0 ? aggregationOf(aoo, fascicoli, treeFilings, units) : null;
  return {
    id: input.packageId,
    aooId: input.aooId,
    kind: input.kind,
    label: input.label,
    createdAt: input.createdAt.toISOString(),
    producer: { ipaCode: aoo.administration.ipaCode, aooCode: aoo.code, name: aoo.administration.name },
    units,
    aggregation,
  };
}

/** The fascicolo and every sottofascicolo below it, level by level (parents before children). */
async function fascicoloTree(em: EntityManager, rootId: string, aooId: string): Promise<Fascicolo[]> {
  const root = await em.findOne(Fascicolo, { id: rootId, aoo: aooId }, { populate: ['uor', 'rpa'] });
  if (!root)
    throw new DomainError('NOT_FOUND', `Fascicolo ${rootId} not found in the AOO`, { kind: 'Fascicolo' });
  const all = [root];
  let level = [root.id];
  while (level.length > 0) {
    const children = await inChunks(level, (chunk) =>
      em.find(
        Fascicolo,
        { parent: { $in: chunk } },
        { populate: ['uor', 'rpa'], orderBy: { number: 'asc' } },
      ),
    );
    all.push(...children);
    level = children.map((c) => c.id);
  }
  return all;
}

function identifierOf(f: Pick<Fascicolo, 'year' | 'classificationCode' | 'numberPath' | 'oggetto'>): string {
  // As the fascicoli module formats it (DOMAIN §3): `2019 - IX/1.6 «oggetto»`.
  return `${f.year} - ${f.classificationCode}.${f.numberPath} «${f.oggetto}»`;
}

function aggregationOf(
  aoo: Aoo,
  fascicoli: Fascicolo[],
  filings: Array<{ fascicolo_id: string; document_id: string }>,
  units: SipUnit[],
): SipAggregation {
  // Documents in registration order: the units' order where known, the others after.
  const order = new Map(units.map((u, i) => [u.documentId, i]));
  const docsOf = new Map<string, string[]>();
  for (const f of filings) docsOf.set(f.fascicolo_id, [...(docsOf.get(f.fascicolo_id) ?? []), f.document_id]);
  const byId = new Map<string, SipAggregation>();
  for (const f of fascicoli) {
    const docs = (docsOf.get(f.id) ?? []).sort(
      (a, b) => (order.get(a) ?? Number.MAX_SAFE_INTEGER) - (order.get(b) ?? Number.MAX_SAFE_INTEGER),
    );
    const a: SipAggregation = {
      id: f.id,
      persistentId: `urn:uuid:${f.id}`,
      identifier: identifierOf(f),
      year: f.year,
      numberPath: f.numberPath,
      classificationCode: f.classificationCode,
      kind: f.kind,
      oggetto: f.oggetto,
      aoo: { code: aoo.code, name: aoo.name },
      uor: { code: f.uor.code, name: f.uor.name },
      rpa: `${f.rpa.givenName} ${f.rpa.familyName}`,
      participatingAdministrations: [...f.participatingAdministrations],
      openingDate: f.openingDate,
      closingDate: f.closingDate,
      documentIds: docs,
      children: [],
    };
    byId.set(f.id, a);
    const parent = f.parent ? byId.get(f.parent.id) : undefined;
    parent?.children.push(a);
  }
  const root = byId.get(fascicoli[0]?.id ?? '');
  if (!root) throw new Error('empty fascicolo tree');
  return root;
}

/** A document as loadUnits reads it (a plain row, with its UOR). */
interface DocumentRow {
  id: string;
  aoo_id: string;
  oggetto: string;
  created_at: string;
  registered_at: string | null;
  reserved_until: string | null;
  particolare: boolean;
  uor_code: string;
  uor_name: string;
}

/** A current file of a document, with what the SIP says of its stored bytes. */
interface FileRow {
  document_id: string;
  position: number;
  description: string | null;
  file_id: string;
  original_name: string;
  media_type: string;
  format: string;
  size: string | number;
  sha256: string;
  blob_key: string;
}

interface RecordRow {
  id: string;
  document_id: string;
  kind: ProtocolKind;
  number: number;
  year: number;
  date: string;
  registered_at: string;
  oggetto: string;
  uor_id: string;
  rpa_id: string | null;
  classification_id: string | null;
  state: ProtocolState;
}

interface EntryRow {
  document_id: string;
  repertorio_id: string;
  number: number;
  year: number;
  date: string;
  registered_at: string;
  state: RepertorioEntryState;
}

/**
 * The units of the documents, read as plain rows: a package carries thousands, and as entities
 * (documents, their files and stored files, registrations) they were hydrated, snapshot and kept
 * in the identity map through the whole build, most of what loading a package allocated.
 */
async function loadUnits(em: EntityManager, aoo: Aoo, ids: string[]): Promise<SipUnit[]> {
  const conn = em.getConnection();
  const platform = em.getPlatform();
  const date = (value: string): Date => {
    const parsed = platform.parseDate(value);
    if (!(parsed instanceof Date)) throw new Error(`unreadable timestamp ${value}`);
    return parsed;
  };
  const rows = <T>(sql: string, chunk: readonly string[]): Promise<T[]> =>
    conn.execute<T[]>(sql, [pgArray(chunk)]);
  const docs = new Map(
    (
      await inChunks(ids, (c) =>
        rows<DocumentRow>(
          `select d.id, d.aoo_id, d.oggetto, d.created_at, d.registered_at, d.reserved_until, d.particolare,
                  u.code as uor_code, u.name as uor_name
             from document d join uor u on u.id = d.uor_id where d.id = any(?::uuid[])`,
          c,
        ),
      )
    ).map((d) => [
      d.id,
      {
        ...d,
        createdAt: date(d.created_at),
        registeredAt: d.registered_at === null ? null : date(d.registered_at),
      },
    ]),
  );
  const files = await inChunks(ids, (c) =>
    rows<FileRow>(
      `select df.document_id, df.position, df.description, f.id as file_id, f.original_name, f.media_type,
              f.format, f.size, f.sha256, f.blob_key
         from document_file df join stored_file f on f.id = df.file_id
        where df.document_id = any(?::uuid[]) and df.superseded_at is null
        order by df.position`,
      c,
    ),
  );
  const records = new Map(
    (
      await inChunks(ids, (c) =>
        rows<RecordRow>(
          `select id, document_id, kind, number, year, date, registered_at, oggetto, uor_id, rpa_id,
                  classification_id, state
             from protocol_record where document_id = any(?::uuid[])`,
          c,
        ),
      )
    ).map((r) => [r.document_id, r]),
  );
  const correspondentsOf = await registeredCorrespondents(
    em,
    [...records.values()].map((r) => r.id),
  );
  const entries = new Map(
    (
      await inChunks(ids, (c) =>
        rows<EntryRow>(
          `select document_id, repertorio_id, number, year, date, registered_at, state
             from repertorio_entry where document_id = any(?::uuid[])`,
          c,
        ),
      )
    ).map((e) => [e.document_id, e]),
  );
  const repertori = new Map((await em.find(Repertorio, { aooId: aoo.id })).map((r) => [r.id, r]));
  const registers = new Map(
    (
      await inChunks(ids, (c) =>
        rows<{ document_id: string; signature_file_id: string }>(
          'select document_id, signature_file_id from daily_register where document_id = any(?::uuid[])',
          c,
        ),
      )
    ).map((r) => [r.document_id, r]),
  );
  // Current filings (any) and the classification of documents non protocollati.
  const filings = await inChunks(ids, (c) =>
    conn.execute<
      Array<{ document_id: string; fascicolo_id: string; is_primary: boolean; state: FascicoloState }>
    >(
      `select c.document_id, c.fascicolo_id, c.is_primary, f.state from fascicolo_filing_current c
         join fascicolo f on f.id = c.fascicolo_id where c.document_id in (${c.map(() => '?').join(',')})`,
      c,
    ),
  );
  const npClassification = await inChunks(ids, (c) =>
    conn.execute<Array<{ document_id: string; classification_id: string }>>(
      `select distinct on (document_id) document_id, classification_id from document_classification
        where document_id in (${c.map(() => '?').join(',')}) order by document_id, version desc`,
      c,
    ),
  );
  const primaryOf = new Map(filings.filter((f) => f.is_primary).map((f) => [f.document_id, f.fascicolo_id]));
  const filedClosed = new Set(
    filings.filter((f) => f.state === FascicoloState.CLOSED).map((f) => f.document_id),
  );

  const classificationIds = new Set<string>();
  for (const r of records.values()) if (r.classification_id) classificationIds.add(r.classification_id);
  for (const c of npClassification) classificationIds.add(c.classification_id);
  const nodes = new Map(
    (await inChunks([...classificationIds], (c) => em.find(TitolarioNode, { id: { $in: c } }))).map((n) => [
      n.id,
      n.fullCode,
    ]),
  );
  const chains = await filingChains(em, [...new Set(primaryOf.values())]);
  const uorIds = [...new Set([...records.values()].map((r) => r.uor_id))];
  const uors = new Map(
    (await inChunks(uorIds, (c) => em.find(Uor, { id: { $in: c } }))).map((u) => [u.id, u]),
  );
  const rpaIds = [...new Set([...records.values()].flatMap((r) => (r.rpa_id ? [r.rpa_id] : [])))];
  const users = new Map(
    (await inChunks(rpaIds, (c) => em.find(User, { id: { $in: c } }))).map((u) => [u.id, u]),
  );
  const classOfNp = new Map(npClassification.map((c) => [c.document_id, c.classification_id]));

  const filesOf = groupBy(files, (f) => f.document_id);

  const units: SipUnit[] = [];
  for (const id of ids) {
    const doc = docs.get(id);
    if (!doc || doc.aoo_id !== aoo.id) throw notReady(id, 'no such document in the AOO');
    const record = records.get(id);
    const entry = entries.get(id);
    const register = registers.get(id);
    const docFiles = filesOf.get(id) ?? [];
    if (!docFiles.some((f) => f.position === 0)) throw notReady(id, 'it has no primary file');
    const components = componentsOf(docFiles, register?.signature_file_id ?? null);
    const fascicoloId = primaryOf.get(id) ?? null;
    const filing = fascicoloId ? (chains.get(fascicoloId) ?? null) : null;
    const base = {
      documentId: id,
      oggetto: doc.oggetto,
      components,
      fascicoloId,
      filing,
      riservato: doc.reserved_until !== null || doc.particolare,
    };
    const docUor = { code: doc.uor_code, name: doc.uor_name };
    if (record) {
      const uor = uors.get(record.uor_id) ?? docUor;
      const rpa = record.rpa_id ? users.get(record.rpa_id) : undefined;
      units.push({
        ...base,
        key: {
          registro: aoo.registerCode,
          anno: record.year,
          numero: String(record.number).padStart(7, '0'),
        },
        tipologia:
          record.kind === ProtocolKind.ARRIVO
            ? 'PROTOCOLLO IN ARRIVO'
            : record.kind === ProtocolKind.PARTENZA
              ? 'PROTOCOLLO IN PARTENZA'
              : 'PROTOCOLLO INTERNO',
        oggetto: record.oggetto,
        date: record.date,
        registeredAt: date(record.registered_at).toISOString(),
        registration: {
          kind: 'PROTOCOLLO',
          flow: record.kind,
          annulled: record.state === ProtocolState.ANNULLATO,
          registerName: null,
        },
        correspondents: correspondentsOf.get(record.id) ?? [],
        classification: record.classification_id ? (nodes.get(record.classification_id) ?? null) : null,
        uor: { code: uor.code, name: uor.name },
        rpa: rpa ? `${rpa.givenName} ${rpa.familyName}` : null,
      });
    } else if (entry) {
      const repertorio = repertori.get(entry.repertorio_id);
      if (!repertorio) throw notReady(id, `its repertorio ${entry.repertorio_id} is not of the AOO`);
      units.push({
        ...base,
        key: { registro: repertorio.code, anno: entry.year, numero: String(entry.number) },
        tipologia: register ? DAILY_REGISTER_TIPOLOGIA : repertorio.name,
        date: entry.date,
        registeredAt: date(entry.registered_at).toISOString(),
        registration: {
          kind: 'REPERTORIO',
          flow: null,
          annulled: entry.state === RepertorioEntryState.ANNULLATO,
          registerName: repertorio.name,
        },
        correspondents: [],
        classification: classOfNp.has(id) ? (nodes.get(classOfNp.get(id) ?? '') ?? null) : null,
        uor: docUor,
        rpa: null,
      });
    } else if (filedClosed.has(id) || doc.registeredAt !== null) {
      // Filed in a closed fascicolo (or marked registered with neither a protocol record nor a
      // repertorio entry, which the core modules never produce): kept under the NP key.
      units.push({
        ...base,
        key: {
          registro: NON_PROTOCOLLATO_REGISTRO,
          anno: Number(romeDay(doc.createdAt).slice(0, 4)),
          numero: id,
        },
        tipologia: 'DOCUMENTO NON PROTOCOLLATO',
        date: romeDay(doc.registeredAt ?? doc.createdAt),
        registeredAt: (doc.registeredAt ?? doc.createdAt).toISOString(),
        registration: { kind: 'NESSUNA', flow: null, annulled: false, registerName: null },
        correspondents: [],
        classification: classOfNp.has(id) ? (nodes.get(classOfNp.get(id) ?? '') ?? null) : null,
        uor: docUor,
        rpa: null,
      });
    } else {
      throw notReady(
        id,
        'it is a draft: register it in the protocol or a repertorio, or file it in a fascicolo and close the fascicolo',
      );
    }
  }
  // Registration order, as a fascicolo keeps its documents and the package service lists them:
  // registration (else creation) time, creation time, id.
  const sortKey = (u: SipUnit): [number, number, string] => {
    const d = docs.get(u.documentId);
    const created = d?.createdAt.getTime() ?? 0;
    return [d?.registeredAt?.getTime() ?? created, created, u.documentId];
  };
  return units
    .map((u) => ({ u, k: sortKey(u) }))
    .sort((a, b) => a.k[0] - b.k[0] || a.k[1] - b.k[1] || (a.k[2] < b.k[2] ? -1 : a.k[2] > b.k[2] ? 1 : 0))
    .map((x) => x.u);
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = map.get(key);
    if (list) list.push(item);
    else map.set(key, [item]);
  }
  return map;
}

function componentsOf(files: FileRow[], signatureFileId: string | null): SipComponent[] {
  const component = (f: FileRow, role: SipComponent['role']): Omit<SipComponent, 'id'> => ({
    role,
    name: f.original_name,
    mediaType: f.media_type,
    format: f.format,
    size: Number(f.size),
    sha256: f.sha256,
    blobKey: f.blob_key,
    fileId: f.file_id,
    description: f.description,
  });
  const primary = files.filter((f) => f.position === 0).map((f) => component(f, 'PRINCIPALE'));
  const signature = files
    .filter((f) => f.position > 0 && f.file_id === signatureFileId)
    .map((f) => component(f, 'FIRMA'));
  const attachments = files
    .filter((f) => f.position > 0 && f.file_id !== signatureFileId)
    .map((f) => component(f, 'ALLEGATO'));
  return [...primary, ...signature, ...attachments].map((c, i) => ({ id: String(i + 1), ...c }));
}

/** For each fascicolo a document is filed in: the chain from its top fascicolo down to it. */
async function filingChains(em: EntityManager, fascicoloIds: string[]): Promise<Map<string, SipFiling>> {
  const known = new Map<string, Fascicolo>();
  let missing = fascicoloIds;
  while (missing.length > 0) {
    const found = await inChunks(missing, (c) => em.find(Fascicolo, { id: { $in: c } }));
    for (const f of found) known.set(f.id, f);
    missing = [...new Set(found.flatMap((f) => (f.parent && !known.has(f.parent.id) ? [f.parent.id] : [])))];
  }
  const chains = new Map<string, SipFiling>();
  for (const id of fascicoloIds) {
    const chain: SipFiling['chain'] = [];
    let f = known.get(id);
    while (f) {
      chain.unshift({ id: f.id, identifier: identifierOf(f), oggetto: f.oggetto, numberPath: f.numberPath });
      f = f.parent ? known.get(f.parent.id) : undefined;
    }
    const top = known.get(chain[0]?.id ?? '');
    chains.set(id, { chain, classificationCode: top?.classificationCode ?? '' });
  }
  return chains;
}
