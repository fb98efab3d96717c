import { randomUUID } from 'node:crypto';
import type { AuditWith } from '../../server/audit/audit-log.js';
import type { CcEntry, LinkEntry } from './protocol-cc-links.js';
import type { CheckedCorrespondent } from './protocol-input-checks.js';
import type { CorrespondentRole } from './protocollo-enums.js';

/** The parts of a registration written after its record row (see `insertRegistratura`). */
export interface Registratura {
  recordId: string;
  at: Date;
  userId: string;
  role: CorrespondentRole;
  correspondents: readonly CheckedCorrespondent[];
  files: ReadonlyArray<{ position: number; fileId: string; sha256: string; description: string | null }>;
  /** The managed fields of version 1. */
  initial: {
    uorId: string;
    rpaId: string | null;
    classificationId: string | null;
    fascicoloId: string | null;
    documentType: string | null;
    meansOfTransmission: string | null;
    cc?: CcEntry[];
    links?: LinkEntry[];
  };
  changes: Record<string, unknown>;
  segnatura: { xml: string; sha256: string } | null;
}

const tuple = (n: number): string => `(${Array.from({ length: n }, () => '?').join(', ')})`;

/**
 * The registratura beside the record (files, correspondents, segnatura and version 1 of the
 * managed fields) as data-modifying WITH queries, each a multi-row INSERT, for the
 * registration's audit row statement (`tx.audit(…, { with })`): one statement instead of an
 * INSERT per table (or per row) at the flush and one for the audit row. Every row passes its
 * table's constraints and triggers as before; the record's row is written by an earlier
 * statement of the transaction, as the "registratura closed" triggers require.
 */
export function registraturaWrites(r: Registratura): AuditWith {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (r.files.length > 0) {
    parts.push(
      `insert into protocol_file (record_id, position, file_id, sha256, description) values ${r.files
        .map(() => tuple(5))
        .join(', ')}`,
    );
    for (const f of r.files) params.push(r.recordId, f.position, f.fileId, f.sha256, f.description);
  }
  if (r.correspondents.length > 0) {
    parts.push(
      `insert into protocol_correspondent (id, record_id, position, role, kind, correspondent_id,
         correspondent_version, denominazione, nome, cognome, codice_fiscale, partita_iva,
         ipa_amministrazione, ipa_aoo, ipa_uo, indirizzo, email, pec)
       values ${r.correspondents.map(() => tuple(18)).join(', ')}`,
    );
    r.correspondents.forEach((c, i) =>
      params.push(
        randomUUID(),
        r.recordId,
        i + 1,
        r.role,
        c.kind,
        c.correspondentId,
        c.correspondentVersion,
        c.denominazione,
        c.nome,
        c.cognome,
        c.codiceFiscale,
        c.partitaIva,
        c.ipaAmministrazione,
        c.ipaAoo,
        c.ipaUo,
        c.indirizzo,
        c.email,
        c.pec,
      ),
    );
  }
  if (r.segnatura) {
    parts.push('insert into protocol_segnatura (record_id, xml, sha256) values (?, ?, ?)');
    params.push(r.recordId, r.segnatura.xml, r.segnatura.sha256);
  }
  const v = r.initial;
  parts.push(`insert into protocol_version (record_id, version, uor_id, rpa_id, classification_id,
       fascicolo_id, document_type, means_of_transmission, cc, links, changes, changed_at, changed_by)
     values (?, 1, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?)`);
  params.push(
    r.recordId,
    v.uorId,
    v.rpaId,
    v.classificationId,
    v.fascicoloId,
    v.documentType,
    v.meansOfTransmission,
    JSON.stringify(v.cc ?? []),
    JSON.stringify(v.links ?? []),
    JSON.stringify(r.changes),
    r.at,
    r.userId,
  );
  return { parts, params };
}
