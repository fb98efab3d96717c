import DataLoader from 'dataloader';
import { forbidden } from '../../server/auth/auth-checker.js';
import { loader, type RequestContext } from '../../server/context.js';
import type { UnitOfWork } from '../../server/db/unit-of-work.js';
import { pgArray } from '../../server/db/sql-array.js';
import { DomainError } from '../../server/errors/domain-error.js';
import { PROTOCOL_PARTICOLARE } from '../documents/index.js';
import type { RegisteredDocument } from './protocol-registration-reads.js';
import { registerEntry, Repertorio, RepertorioEntry } from '../repertori/index.js';
import type { ProtocolRecord } from './protocol-record.entity.js';

/**
 * The well-known code of the repertorio in which an AOO numbers its protocollo particolare
 * (001 §8.10; 002 §7.2.2). The RGD creates it like any repertorio (the demo AOO has it); an
 * AOO without it registers no particolare.
 */
export const PARTICOLARE_REPERTORIO_CODE = 'PROTOCOLLO_PARTICOLARE';

/**
 * Before the number is taken: a particolare document is registered only by whoever holds
 * PROTOCOL_PARTICOLARE in its AOO, and only where the AOO has its active repertorio. Returns the
 * repertorio's id (null for an ordinary document).
 */
export async function particolareRepertorio(
  tx: UnitOfWork,
  doc: Pick<RegisteredDocument, 'particolare' | 'aoo'>,
): Promise<string | null> {
  if (!doc.particolare) return null;
  const aooId = doc.aoo.id;
  if (!tx.grants.has(PROTOCOL_PARTICOLARE, aooId)) {
    throw forbidden('register a protocollo particolare (needs PROTOCOL_PARTICOLARE)');
  }
  const rep = await tx.em.findOne(Repertorio, { aooId, code: PARTICOLARE_REPERTORIO_CODE, active: true });
  if (!rep) {
    throw new DomainError(
      'PROTOCOL_PARTICOLARE_NO_REPERTORIO',
      `input.documentId: the AOO has no active repertorio ${PARTICOLARE_REPERTORIO_CODE} to number this protocollo particolare in`,
      { field: 'input.documentId' },
    );
  }
  return rep.id;
}

/**
 * Numbers the registered particolare in its repertorio through the repertori module, in the
 * registering transaction (withTransaction joins it: a failure gives both numbers back), and
 * binds the entry to the record for good.
 */
export async function numberParticolare(
  tx: UnitOfWork,
  record: ProtocolRecord,
  repertorioId: string,
): Promise<RepertorioEntry> {
  const entry = await registerEntry(tx, { repertorioId, documentId: record.documentId });
  await tx.em.flush();
  await tx.em.execute('insert into protocol_particolare (record_id, repertorio_entry_id) values (?, ?)', [
    record.id,
    entry.id,
  ]);
  return entry;
}

/** The repertorio entries of particolare records, batched (callers pass visible records only). */
export const particolareEntryLoader = (ctx: RequestContext) =>
  loader(
    ctx,
    'protocollo.particolareEntry',
    () =>
      new DataLoader<string, RepertorioEntry | null>(async (ids) => {
        const rows = await ctx.em.execute<Array<{ record_id: string; repertorio_entry_id: string }>>(
          'select record_id, repertorio_entry_id from protocol_particolare where record_id = any(?::uuid[])',
          [pgArray([...ids])],
        );
        const entries = rows.length
          ? await ctx.em.find(RepertorioEntry, { id: { $in: rows.map((r) => r.repertorio_entry_id) } })
          : [];
        const byId = new Map(entries.map((e) => [e.id, e]));
        const of = new Map(rows.map((r) => [r.record_id, byId.get(r.repertorio_entry_id) ?? null]));
        return ids.map((id) => of.get(id) ?? null);
      }),
  );
