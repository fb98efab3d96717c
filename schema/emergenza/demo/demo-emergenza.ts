import { romeDay } from '../../../server/clock.js';
import { actingAs } from '../../../server/db/acting-as.js';
import type { UnitOfWork } from '../../../server/db/unit-of-work.js';
import { createDemoDraft } from '../../documents/index.js';
import { Aoo, DEMO_AOO_CODE, Uor, User } from '../../organisation/index.js';
import { ProtocolRecord } from '../../protocollo/index.js';
import { EmergencyFileFormat } from '../emergency-file.js';
import { importRecords } from '../emergency-import.service.js';
import { EmergencyRegister } from '../emergency-register.entity.js';
import { closeRegister, openRegister } from '../emergency-register.service.js';

const HOUR = 3_600_000;

/** The demo session: cause, act, and the records captured on paper during it. */
export const DEMO_EMERGENCY = {
  cause: 'Interruzione del collegamento al data center regionale (guasto della dorsale in fibra)',
  authorisation: 'Provvedimento RGD n. 3/2026',
  /** Hours after the start: the session lasts 5 hours, well inside its first 24. */
  hours: 5,
  records: [
    {
      after: 0.5,
      kind: 'ARRIVO',
      oggetto: 'Richiesta di certificato di residenza storico',
      correspondents: [
        { kind: 'PERSONA_FISICA', nome: 'Chiara', cognome: 'Colombo', indirizzo: 'Viale Europa 120' },
      ],
      annotations: ['Registro di emergenza cartaceo, pagina 1'],
    },
    {
      after: 1.75,
      kind: 'ARRIVO',
      oggetto: 'Offerta per la fornitura di arredi scolastici',
      correspondents: [
        {
          kind: 'PERSONA_GIURIDICA',
          denominazione: 'Cooperativa Sociale Il Faro',
          indirizzo: 'Via del Porto 5',
        },
      ],
      annotations: ['Registro di emergenza cartaceo, pagina 1'],
    },
    {
      after: 3.25,
      kind: 'PARTENZA',
      oggetto: 'Comunicazione urgente di chiusura temporanea della scuola primaria di via Mazzini',
      correspondents: [
        {
          kind: 'AMMINISTRAZIONE_ITALIANA',
          denominazione: 'Prefettura di Roma',
          ipaAmministrazione: 'm_it',
          pec: 'protocollo.prefrm@pec.interno.it',
        },
      ],
      annotations: ['Registro di emergenza cartaceo, pagina 2'],
    },
  ],
} as const;

/**
 * One closed session of the demo AOO's emergency register (001 §6.9), four days ago, with the
 * three records captured on paper during it imported (each with its ordinary number and its
 * emergency number and date): opened, closed and imported through the services as the RGD.
 * Only with the demo registrations (after them: module order) and when the AOO has no session.
 */
export async function seedDemoEmergenza(tx: UnitOfWork): Promise<boolean> {
  const { em } = tx;
  const aoo = await em.findOne(Aoo, { code: DEMO_AOO_CODE });
  if (!aoo || (await em.count(EmergencyRegister, { aooId: aoo.id })) > 0) return false;
  if ((await em.count(ProtocolRecord, { aooId: aoo.id })) === 0) return false;
  const prot = (await em.find(Uor, { aoo: aoo.id })).find((u) => u.code === 'PROT');
  const rgdUser = await em.findOne(User, { username: 'rgd' });
  if (!prot || !rgdUser) return false;
  const rgd = await actingAs(tx, rgdUser.username);
  const now = tx.clock.now();
  // Four days ago at 09:00 or so (whole hours), for five hours.
  const start = new Date(Math.floor((now.getTime() - 4 * 24 * HOUR) / HOUR) * HOUR);
  const register = await openRegister(rgd, {
    aooId: aoo.id,
    cause: DEMO_EMERGENCY.cause,
    startedAt: start.toISOString(),
    authorisation: DEMO_EMERGENCY.authorisation,
  });
  await closeRegister(rgd, {
    id: register.id,
    endedAt: new Date(start.getTime() + DEMO_EMERGENCY.hours * HOUR).toISOString(),
  });
  const records = [];
  for (const [i, r] of DEMO_EMERGENCY.records.entries()) {
    const at = new Date(start.getTime() + r.after * HOUR);
    // The paper record, scanned once the service was back (that day, after the session).
    const { document: doc } = await createDemoDraft(tx, {
      aoo,
      uor: prot,
      createdBy: rgdUser,
      oggetto: r.oggetto,
      texts: [`${r.oggetto}\n\nRegistrato nel registro di emergenza il ${romeDay(at)}.\n`],
      names: [`emergenza-${i + 1}.txt`],
      createdAt: new Date(start.getTime() + (DEMO_EMERGENCY.hours + 1) * HOUR),
    });
    records.push({
      number: i + 1,
      at: at.toISOString(),
      kind: r.kind,
      oggetto: r.oggetto,
      documentId: doc.id,
      correspondents: r.correspondents,
      meansOfTransmission: r.kind === 'ARRIVO' ? 'A_MANO' : 'POSTA',
      annotations: r.annotations,
    });
  }
  await importRecords(rgd, {
    registerId: register.id,
    format: EmergencyFileFormat.JSON,
    content: JSON.stringify({ records }),
  });
  return true;
}
