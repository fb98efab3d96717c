import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray } from '../../server/db/sql-array.js';
import type { CorrespondentRole } from './protocollo-enums.js';

/**
 * A correspondent of a registration as it was registered (copied into the record, never the
 * directory's current data), personal data included: for the daily register and the
 * conservation package, which are complete.
 */
export interface RegisteredCorrespondent {
  role: CorrespondentRole;
  kind: string;
  denominazione: string | null;
  nome: string | null;
  cognome: string | null;
  codiceFiscale: string | null;
  partitaIva: string | null;
  ipaAmministrazione: string | null;
  ipaAoo: string | null;
}

interface CorrespondentRow {
  record_id: string;
  role: CorrespondentRole;
  kind: string;
  denominazione: string | null;
  nome: string | null;
  cognome: string | null;
  codice_fiscale: string | null;
  partita_iva: string | null;
  ipa_amministrazione: string | null;
  ipa_aoo: string | null;
}

/** Record ids per statement: the array parameter stays small whatever the batch. */
const CHUNK = 1000;

/**
 * The correspondents of many registrations, read as plain rows (a statement per thousand
 * records), each record's in their registered order; records without any are absent.
 */
export async function registeredCorrespondents(
  em: EntityManager,
  recordIds: readonly string[],
): Promise<Map<string, RegisteredCorrespondent[]>> {
  const byRecord = new Map<string, RegisteredCorrespondent[]>();
  for (let i = 0; i < recordIds.length; i += CHUNK) {
    const rows = await em.execute<CorrespondentRow[]>(
      `select record_id, role, kind, denominazione, nome, cognome, codice_fiscale, partita_iva,
              ipa_amministrazione, ipa_aoo
         from protocol_correspondent where record_id = any(?::uuid[]) order by record_id, position`,
      [pgArray(recordIds.slice(i, i + CHUNK))],
    );
    for (const r of rows) {
      const correspondent: RegisteredCorrespondent = {
        role: r.role,
        kind: r.kind,
        denominazione: r.denominazione,
        nome: r.nome,
        cognome: r.cognome,
        codiceFiscale: r.codice_fiscale,
        partitaIva: r.partita_iva,
        ipaAmministrazione: r.ipa_amministrazione,
        ipaAoo: r.ipa_aoo,
      };
      const list = byRecord.get(r.record_id);
      if (list) list.push(correspondent);
      else byRecord.set(r.record_id, [correspondent]);
    }
  }
  return byRecord;
}
