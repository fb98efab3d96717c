import type { UnitOfWork } from '../../../server/db/unit-of-work.js';
import { romeDay } from '../../../server/clock.js';
import { Document, DEMO_DOCUMENTS, markRepertoriato } from '../../documents/index.js';
import { nextNumber } from '../../numbering/index.js';
import { Aoo, DEMO_AOO_CODE, User } from '../../organisation/index.js';
import { RepertorioEntry } from '../repertorio-entry.entity.js';
import { Repertorio } from '../repertorio.entity.js';

/** The demo municipality's repertori, and which demo documents (by oggetto prefix) stand in them. */
export const DEMO_REPERTORI: ReadonlyArray<{
  /** Its code. */
  repertorio: string;
  name: string;
  documents: readonly string[];
}> = [
  {
    repertorio: 'DELIBERE',
    name: 'Delibere di Giunta e di Consiglio',
    documents: ['Delibera di Giunta n. 12/2026'],
  },
  {
    repertorio: 'DECRETI',
    name: 'Decreti e provvedimenti dirigenziali',
    documents: ['Permesso di costruire n. 12/2026'],
  },
  {
    repertorio: 'CONTRATTI',
    name: 'Contratti e convenzioni',
    documents: ['Verbale di consegna dei lavori', 'Determina n. 45/2026'],
  },
  { repertorio: 'PROTOCOLLO_PARTICOLARE', name: 'Protocollo particolare', documents: [] },
];

/**
 * Loads the demo repertori unless they are there, and registers the demo documents named above
 * when the documents module has loaded them (numbered like any registration, by the RGD).
 */
export async function seedDemoRepertori(tx: UnitOfWork): Promise<boolean> {
  const { em } = tx;
  const aoo = await em.findOne(Aoo, { code: DEMO_AOO_CODE });
  if (!aoo || (await em.count(Repertorio, { aooId: aoo.id })) > 0) return false;
  const rgd = await em.findOneOrFail(User, { username: 'rgd' });
  const now = tx.clock.now();
  const documents = await em.find(Document, { aoo: aoo.id });
  const known = new Set(DEMO_DOCUMENTS.map((d) => d.oggetto));
  for (const d of DEMO_REPERTORI) {
    const rep = em.create(Repertorio, {
      aooId: aoo.id,
      code: d.repertorio,
      name: d.name,
      createdAt: now,
      createdById: rgd.id,
    });
    await tx.audit({
      aooId: aoo.id,
      operation: 'repertorio.create',
      targetType: 'Repertorio',
      targetId: rep.id,
      changes: { code: d.repertorio, name: d.name, demo: true },
    });
    for (const prefix of d.documents) {
      const doc = documents.find((x) => known.has(x.oggetto) && x.oggetto.startsWith(prefix));
      if (!doc) continue;
      const { number, year } = await nextNumber(tx, {
        series: 'repertorio',
        within: [aoo.id, rep.id],
        yearly: true,
      });
      const entry = em.create(RepertorioEntry, {
        repertorioId: rep.id,
        aooId: aoo.id,
        documentId: doc.id,
        number,
        year: year ?? Number(romeDay(now).slice(0, 4)),
        date: romeDay(now),
        registeredAt: now,
        registeredById: rgd.id,
      });
      await em.flush();
      await markRepertoriato(tx, doc.id, now);
      await tx.audit({
        aooId: aoo.id,
        operation: 'repertorio.register',
        targetType: 'RepertorioEntry',
        targetId: entry.id,
        changes: { repertorio: d.repertorio, number, year: entry.year, documentId: doc.id, demo: true },
      });
    }
  }
  return true;
}
