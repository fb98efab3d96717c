import type { UnitOfWork } from '../../server/db/unit-of-work.js';
import { DEMO_DOCUMENTS, Document } from '../documents/index.js';
import { DEMO_AOO_CODE, Uor, User } from '../organisation/index.js';
import { Raccoglitore } from './raccoglitore.entity.js';

interface DemoRaccoglitore {
  uor: string;
  creator: string;
  name: string;
  description: string;
  /** Indexes into DEMO_DOCUMENTS. */
  documents: number[];
}

/** Two topics that cut across offices, as a municipality would gather them. */
export const DEMO_RACCOGLITORI: readonly DemoRaccoglitore[] = [
  {
    uor: 'RAG',
    creator: 'rpa.ragioneria',
    name: 'Manutenzione del verde pubblico 2026',
    description: 'Impegni di spesa, preventivi e fatture del servizio di manutenzione del verde',
    documents: [0, 1],
  },
  {
    uor: 'TEC',
    creator: 'rgd',
    name: 'Opere pubbliche 2027-2029',
    description: 'Atti del piano triennale delle opere pubbliche e dei cantieri collegati',
    documents: [5, 4, 3],
  },
];

/**
 * The demo raccoglitori, holding demo documents (added in the seed's transaction and recorded in
 * their history like any addition); nothing when the demo documents are absent or the demo AOO
 * has raccoglitori already.
 */
export async function seedDemoRaccoglitori(tx: UnitOfWork): Promise<boolean> {
  const { em } = tx;
  const uors = await em.find(Uor, { aoo: { code: DEMO_AOO_CODE } }, { populate: ['aoo'] });
  const aoo = uors[0]?.aoo;
  if (!aoo || (await em.count(Raccoglitore, { aooId: aoo.id })) > 0) return false;
  const oggetti = DEMO_RACCOGLITORI.flatMap((r) => r.documents.map((i) => DEMO_DOCUMENTS[i]?.oggetto ?? ''));
  const docs = new Map(
    (await em.find(Document, { aoo, oggetto: { $in: oggetti } })).map((d) => [d.oggetto, d]),
  );
  if (docs.size === 0) return false;
  const users = new Map(
    (await em.find(User, { username: { $in: DEMO_RACCOGLITORI.map((r) => r.creator) } })).map((u) => [
      u.username,
      u,
    ]),
  );
  const now = tx.clock.now();
  for (const d of DEMO_RACCOGLITORI) {
    const uor = uors.find((u) => u.code === d.uor);
    const creator = users.get(d.creator);
    if (!uor || !creator)
      throw new Error(`demo raccoglitore ${d.name}: UOR ${d.uor} or user ${d.creator} missing`);
    const r = em.create(Raccoglitore, {
      aooId: aoo.id,
      uorId: uor.id,
      name: d.name,
      description: d.description,
      createdAt: now,
      createdById: creator.id,
      updatedAt: now,
    });
    await em.flush();
    for (const i of d.documents) {
      const doc = docs.get(DEMO_DOCUMENTS[i]?.oggetto ?? '');
      if (!doc) continue;
      await em.execute(
        `insert into raccoglitore_document_event (raccoglitore_id, document_id, version, action, at, actor_id)
         values (?, ?, 1, 'ADDED', ?, ?)`,
        [r.id, doc.id, now, creator.id],
        'run',
      );
    }
  }
  return true;
}
