import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray } from '../../server/db/sql-array.js';
import { registeredCorrespondents } from './registered-correspondents.js';

/** A correspondent of a registration as registered (personal data included: the register is complete). */
export interface DayCorrespondent {
  role: string;
  kind: string;
  /** Denominazione, or nome and cognome, as registered. */
  name: string;
  codiceFiscale: string | null;
  partitaIva: string | null;
  ipaAmministrazione: string | null;
  ipaAoo: string | null;
}

/** One registration of the day, its state and managed fields as they stood at the day's close. */
export interface DayRegistration {
  recordId: string;
  number: number;
  year: number;
  registeredAt: Date;
  kind: string;
  oggetto: string;
  /** Particolare or riservato at the close: the register names the number but not the content. */
  confidential: boolean;
  anonymousSender: boolean;
  variDestinatari: boolean;
  correspondents: DayCorrespondent[];
  /** 0: the primary document; 1..: attachments. */
  files: Array<{ position: number; sha256: string; description: string | null }>;
  attachmentCount: number;
  classification: string | null;
  uorCode: string;
  uorName: string;
  /** ANNULLATO only when the annulment happened before the day's close. */
  state: 'REGISTRATO' | 'ANNULLATO';
}

export interface DayAnnulment {
  recordId: string;
  number: number;
  year: number;
  registeredOn: string;
  annulledAt: Date;
  annulledBy: string;
  reason: string;
  authorisation: string;
}

/** A change of managed fields made that day (a version after the first), of any record of the AOO. */
export interface DayChange {
  recordId: string;
  number: number;
  year: number;
  registeredOn: string;
  version: number;
  changedAt: Date;
  changedBy: string;
  /** { field: [previous, new] } as the version stores it (ids for UOR, RPA, classification, fascicolo). */
  changes: Record<string, [unknown, unknown]>;
}

export interface ProtocolDay {
  registrations: DayRegistration[];
  annulments: DayAnnulment[];
  changes: DayChange[];
}

/**
 * What the protocol register of an AOO says about one Italian calendar day (DOMAIN §5, 001 §6.8),
 * for the daily register: the registrations dated that day in number order, the annulments and the
 * managed-field changes made in [from, to) — the day's instants, 23 or 25 hours across a change of
 * legal time — in time order. State and managed fields are those in force at `to`, so producing
 * the register later gives the same content. Read in the caller's EntityManager (one snapshot
 * when it is a repeatable-read transaction).
 */
export async function protocolDay(
  em: EntityManager,
  aooId: string,
  day: string,
  from: Date,
  to: Date,
): Promise<ProtocolDay> {
  const records = await em.execute<
    Array<{
      id: string;
      number: number;
      year: number;
      registered_at: Date;
      kind: string;
      oggetto: string;
      confidential: boolean;
      anonymous_sender: boolean;
      vari_destinatari: boolean;
      attachment_count: number;
      annulled: boolean;
      classification: string | null;
      uor_code: string;
      uor_name: string;
    }>
  >(
    `select r.id, r.number, r.year, r.registered_at, r.kind, r.oggetto, r.anonymous_sender, r.vari_destinatari,
            r.attachment_count, (r.annulled_at is not null and r.annulled_at < ?) as annulled,
            (d.particolare or (d.reserved_until is not null and d.reserved_until > ?::date)) as confidential,
            n.full_code || ' ' || n.description as classification, u.code as uor_code, u.name as uor_name
       from protocol_record r
       join document d on d.id = r.document_id
       join lateral (select v.uor_id, v.classification_id from protocol_version v
                      where v.record_id = r.id and v.changed_at < ? order by v.version desc limit 1) m on true
       join uor u on u.id = m.uor_id
       left join titolario_node n on n.id = m.classification_id
      where r.aoo_id = ? and r.date = ?::date
      order by r.year, r.number`,
    [to, day, to, aooId, day],
  );
  const ids = records.map((r) => r.id);
  const correspondents = await registeredCorrespondents(em, ids);
  const files = ids.length
    ? await em.execute<
        Array<{ record_id: string; position: number; sha256: string; description: string | null }>
      >(
        `select record_id, position, sha256, description from protocol_file
          where record_id = any(?::uuid[]) order by record_id, position`,
        [pgArray(ids)],
      )
    : [];
  // Each record's files, in order (one pass, not a scan of the day's files per record).
  const filesOf = new Map<string, DayRegistration['files']>();
  for (const f of files) {
    const file = { position: f.position, sha256: f.sha256.trim(), description: f.description };
    const list = filesOf.get(f.record_id);
    if (list) list.push(file);
    else filesOf.set(f.record_id, [file]);
  }
  const registrations: DayRegistration[] = records.map((r) => ({
    recordId: r.id,
    number: r.number,
    year: r.year,
    registeredAt: new Date(r.registered_at),
    kind: r.kind,
    oggetto: r.oggetto,
    confidential: r.confidential,
    anonymousSender: r.anonymous_sender,
    variDestinatari: r.vari_destinatari,
    correspondents: (correspondents.get(r.id) ?? []).map((c) => ({
      role: c.role,
      kind: c.kind,
      name: c.denominazione ?? [c.nome, c.cognome].filter(Boolean).join(' '),
      codiceFiscale: c.codiceFiscale,
      partitaIva: c.partitaIva,
      ipaAmministrazione: c.ipaAmministrazione,
      ipaAoo: c.ipaAoo,
    })),
    files: filesOf.get(r.id) ?? [],
    attachmentCount: r.attachment_count,
    classification: r.classification,
    uorCode: r.uor_code,
    uorName: r.uor_name,
    state: r.annulled ? 'ANNULLATO' : 'REGISTRATO',
  }));
  const annulled = await em.execute<
    Array<{
      id: string;
      number: number;
      year: number;
      date: string;
      annulled_at: Date;
      username: string;
      annulment_reason: string;
      annulment_authorisation: string;
    }>
  >(
    `select r.id, r.number, r.year, to_char(r.date, 'YYYY-MM-DD') as date, r.annulled_at, u.username,
            r.annulment_reason, r.annulment_authorisation
       from protocol_record r join app_user u on u.id = r.annulled_by
      where r.aoo_id = ? and r.annulled_at >= ? and r.annulled_at < ?
      order by r.annulled_at, r.year, r.number`,
    [aooId, from, to],
  );
  const versions = await em.execute<
    Array<{
      record_id: string;
      number: number;
      year: number;
      date: string;
      version: number;
      changed_at: Date;
      username: string | null;
      changes: Record<string, [unknown, unknown]> | string;
    }>
  >(
    `select v.record_id, r.number, r.year, to_char(r.date, 'YYYY-MM-DD') as date, v.version, v.changed_at,
            u.username, v.changes
       from protocol_version v join protocol_record r on r.id = v.record_id
       left join app_user u on u.id = v.changed_by
      where r.aoo_id = ? and v.version > 1 and v.changed_at >= ? and v.changed_at < ?
      order by v.changed_at, r.year, r.number, v.version`,
    [aooId, from, to],
  );
  return {
    registrations,
    annulments: annulled.map((a) => ({
      recordId: a.id,
      number: a.number,
      year: a.year,
      registeredOn: a.date,
      annulledAt: new Date(a.annulled_at),
      annulledBy: a.username,
      reason: a.annulment_reason,
      authorisation: a.annulment_authorisation,
    })),
    changes: versions.map((v) => ({
      recordId: v.record_id,
      number: v.number,
      year: v.year,
      registeredOn: v.date,
      version: v.version,
      changedAt: new Date(v.changed_at),
      changedBy: v.username ?? '',
      changes: typeof v.changes === 'string' ? (JSON.parse(v.changes) as DayChange['changes']) : v.changes,
    })),
  };
}
