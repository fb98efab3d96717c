import { romeDay } from '../../../server/clock.js';
import { actingAs } from '../../../server/db/acting-as.js';
import type { UnitOfWork } from '../../../server/db/unit-of-work.js';
import { Aoo, DEMO_AOO_CODE, Uor, User } from '../../organisation/index.js';
import { PAPER_MEANS } from '../assegnazioni-enums.js';
import { Assignment } from '../assignment.entity.js';
import { assignRpa, rejectAssignment } from '../assignment.service.js';
import { smistaProtocol } from '../smistamento.service.js';

/**
 * What the workflow demo leaves in the inboxes, on the latest incoming demo registrations:
 * - a digital one sent to RAG (CC to TEC) and assigned to the reader of RAG: in charge at once;
 * - a paper one sent to TEC, assigned to its head: waiting for the presa in carico;
 * - a digital one sent to TRIB and rejected by the RPA of FIN, naming RAG: back at the protocol office;
 * - a digital one sent to TEC and LLPP, and a paper one to RAG (CC to the segretario): to assign;
 * - a digital one only per conoscenza, to SEG and to the reader of RAG.
 */
export const DEMO_WORKFLOW = {
  states: { DA_ASSEGNARE: 3, ASSEGNATO: 1, IN_CARICO: 1, RIGETTATO: 1 },
  ccEntries: 4,
  rejectionNote: 'Non di competenza dei tributi: si tratta di un pagamento da liquidare',
} as const;

/**
 * Sends some demo registrations through the workflow, through the services as the people who
 * would (the protocollista sends, the offices assign and reject), so every step is history,
 * audited and shared like any other. Only when the demo AOO has registrations and no assignment.
 */
export async function seedDemoAssegnazioni(tx: UnitOfWork): Promise<boolean> {
  const { em } = tx;
  const aoo = await em.findOne(Aoo, { code: DEMO_AOO_CODE });
  if (!aoo || (await em.count(Assignment, { aooId: aoo.id })) > 0) return false;
  const uor = new Map((await em.find(Uor, { aoo: aoo.id })).map((u) => [u.code, u.id]));
  const user = new Map(
    (await em.find(User, { username: { $in: ['lettore', 'rpa.tecnico', 'segretario'] } })).map((u) => [
      u.username,
      u.id,
    ]),
  );
  // The latest incoming registrations of the last weeks that anyone of the office may see.
  const candidates = await em.execute<Array<{ id: string; means: string | null }>>(
    `select r.id, r.means_of_transmission as means from protocol_record r join document d on d.id = r.document_id
      where r.aoo_id = ? and r.kind = 'ARRIVO' and r.state <> 'ANNULLATO' and not d.particolare
        and d.reserved_until is null and r.date < ?::date
      order by r.registered_at desc, r.id limit 20`,
    [aoo.id, romeDay(tx.clock.now())],
  );
  const paper = candidates.filter((c) => PAPER_MEANS.has(c.means ?? '')).map((c) => c.id);
  const digital = candidates.filter((c) => !PAPER_MEANS.has(c.means ?? '')).map((c) => c.id);
  const [d1, d2, d3, d4] = digital;
  const [p1, p2] = paper;
  const id = (m: Map<string, string>, key: string): string => {
    const found = m.get(key);
    if (found === undefined) throw new Error(`demo workflow: ${key} missing`);
    return found;
  };
  if (!d1 || !d2 || !d3 || !d4 || !p1 || !p2) return false;

  const protocollista = await actingAs(tx, 'protocollista');
  const ragioneria = await actingAs(tx, 'rpa.ragioneria');
  const tecnico = await actingAs(tx, 'rpa.tecnico');
  const send = async (
    recordId: string,
    competenza: string[],
    conoscenza: Array<{ uorId?: string; userId?: string }> = [],
  ) => {
    const record = await smistaProtocol(protocollista, {
      recordId,
      competenza: competenza.map((c) => id(uor, c)),
      conoscenza,
      note: null,
    });
    return em.find(Assignment, { recordId: record.id }, { orderBy: { sentAt: 'asc' } });
  };

  const [inCharge] = await send(d1, ['RAG'], [{ uorId: id(uor, 'TEC') }]);
  if (inCharge) await assignRpa(ragioneria, { assignmentId: inCharge.id, rpaId: id(user, 'lettore') });
  const [waiting] = await send(p1, ['TEC']);
  if (waiting) await assignRpa(tecnico, { assignmentId: waiting.id, rpaId: id(user, 'rpa.tecnico') });
  const [rejected] = await send(d2, ['TRIB']);
  if (rejected) {
    await rejectAssignment(ragioneria, {
      assignmentId: rejected.id,
      note: DEMO_WORKFLOW.rejectionNote,
      suggestedUorId: id(uor, 'RAG'),
    });
  }
  await send(d3, ['TEC', 'LLPP']);
  await send(p2, ['RAG'], [{ userId: id(user, 'segretario') }]);
  await send(d4, [], [{ uorId: id(uor, 'SEG') }, { userId: id(user, 'lettore') }]);
  return true;
}
