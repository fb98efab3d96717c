import { romeDay } from '../../../server/clock.js';
import { actingAs } from '../../../server/db/acting-as.js';
import type { UnitOfWork } from '../../../server/db/unit-of-work.js';
import { createDemoDraft } from '../../documents/index.js';
import { Fascicolo, FascicoloConfidentiality, FascicoloState } from '../../fascicoli/index.js';
import type { Aoo, Uor, User } from '../../organisation/index.js';
import { registerProtocol } from '../protocol-registration.service.js';
import type { ProtocolRecord } from '../protocol-record.entity.js';
import { ProtocolCorrespondentKind, ProtocolKind } from '../protocollo-enums.js';
import type { ProtocolCorrespondentInput, RegisterProtocolInput } from '../protocollo.inputs.js';

type Correspondent = ProtocolCorrespondentInput;

const person = (nome: string, cognome: string, indirizzo: string): Correspondent => ({
  kind: ProtocolCorrespondentKind.PERSONA_FISICA,
  nome,
  cognome,
  indirizzo,
});
const company = (denominazione: string, pec: string): Correspondent => ({
  kind: ProtocolCorrespondentKind.PERSONA_GIURIDICA,
  denominazione,
  pec,
});
const administration = (denominazione: string, ipaAmministrazione: string, pec: string): Correspondent => ({
  kind: ProtocolCorrespondentKind.AMMINISTRAZIONE_ITALIANA,
  denominazione,
  ipaAmministrazione,
  pec,
});

/** Records filed in the demo fascicoli: the fascicolo (by the start of its oggetto) gives the classification. */
const FILED: ReadonlyArray<{
  fascicolo: string;
  kind: ProtocolKind;
  oggetto: string;
  correspondent: Correspondent;
  means: string;
}> = [
  {
    fascicolo: 'Permesso di costruire n. 12/2026',
    kind: ProtocolKind.ARRIVO,
    oggetto: 'Integrazione documentale al permesso di costruire n. 12/2026 - elaborati grafici aggiornati',
    correspondent: person('Mario', 'Rossi', 'Via Roma 15'),
    means: 'A_MANO',
  },
  {
    fascicolo: 'Manutenzione del verde pubblico',
    kind: ProtocolKind.PARTENZA,
    oggetto: 'Comunicazione di liquidazione della fattura n. 2026/118',
    correspondent: company('Verde Srl', 'verdesrl@pec.example.it'),
    means: 'PEC',
  },
  {
    fascicolo: 'Accertamenti IMU anno 2024',
    kind: ProtocolKind.ARRIVO,
    oggetto: 'Istanza di autotutela sull’avviso di accertamento IMU 2024 - posizione n. 3321',
    correspondent: person('Giulia', 'Bianchi', 'Via Garibaldi 3'),
    means: 'RACCOMANDATA',
  },
];

/** The recipients of the demo "vari destinatari" record (more than three). */
const CONFERENZA = [
  administration('Regione Lazio', 'r_lazio', 'protocollo@regione.lazio.legalmail.it'),
  administration('Prefettura di Roma', 'm_it', 'protocollo.prefrm@pec.interno.it'),
  administration('Agenzia delle Entrate', 'age', 'agenziaentrate@pce.agenziaentrate.it'),
  company('Edilstrade Spa', 'edilstradespa@pec.example.it'),
  company('Studio Tecnico Ferri', 'studiotecnicoferri@pec.example.it'),
];

/** Oggetti of the demo special registrations (demo-data.test.ts looks them up). */
export const DEMO_SPECIAL_OGGETTI = {
  differito: 'Domande di partecipazione al bando per contributi alle associazioni sportive - plico n. 14',
  anonymous: 'Segnalazione anonima di abbandono di rifiuti in via dei Mille',
  variDestinatari: 'Convocazione della conferenza di servizi decisoria per la variante al piano del traffico',
  particolare: 'Esposto relativo a presunte irregolarità in una procedura di gara',
} as const;

/** How many special registrations the demo makes (filed ones included), if all its fascicoli exist. */
export const DEMO_SPECIAL_REGISTRATIONS = FILED.length + Object.keys(DEMO_SPECIAL_OGGETTI).length;

/**
 * After the demo's backdated registrations: a few made through registerProtocol as the RGD
 * would today, so the demo shows the rules of the register at work: records filed in the demo
 * fascicoli (the fascicolo's classification), a protocollo differito, an anonymous sender, vari
 * destinatari and a protocollo particolare (numbered also in its repertorio, named to the RGD).
 */
export async function seedDemoSpecialRegistrations(
  tx: UnitOfWork,
  aoo: Aoo,
  prot: Uor,
  rgdUser: User,
): Promise<ProtocolRecord[]> {
  const rgd = await actingAs(tx, rgdUser.username);
  const now = tx.clock.now();
  // Scanned this morning, before the other demo documents (so those stay on top of the lists).
  const scannedAt = new Date(now.getTime() - 2 * 3_600_000);
  const records: ProtocolRecord[] = [];
  const register = async (
    input: Omit<RegisterProtocolInput, 'documentId'>,
    extra: { particolare?: boolean } = {},
  ): Promise<ProtocolRecord> => {
    const { document: doc } = await createDemoDraft(tx, {
      aoo,
      uor: prot,
      createdBy: rgdUser,
      oggetto: input.oggetto,
      texts: [`${input.oggetto}\n\nComune di Esempio, ${romeDay(now)}.\n`],
      names: ['lettera.txt'],
      createdAt: scannedAt,
      particolare: extra.particolare ?? false,
    });
    const record = await registerProtocol(rgd, { ...input, documentId: doc.id });
    records.push(record);
    return record;
  };
  const fascicoli = await tx.em.find(
    Fascicolo,
    {
      aoo: aoo.id,
      parent: null,
      state: FascicoloState.OPEN,
      confidentiality: { $ne: FascicoloConfidentiality.RISERVATO },
    },
    { orderBy: { number: 'asc' } },
  );
  for (const f of FILED) {
    const fascicolo = fascicoli.find((x) => x.oggetto.startsWith(f.fascicolo));
    if (!fascicolo) continue; // no titolario node for it in this demo
    await register({
      kind: f.kind,
      oggetto: f.oggetto,
      correspondents: [f.correspondent],
      classificationId: fascicolo.classificationId,
      fascicoloId: fascicolo.id,
      meansOfTransmission: f.means,
      documentType: 'Lettera',
    });
  }
  // Registered today, received three days ago: a peak of applications on the deadline.
  const receivedOn = romeDay(new Date(now.getTime() - 3 * 86_400_000));
  await register({
    kind: ProtocolKind.ARRIVO,
    oggetto: DEMO_SPECIAL_OGGETTI.differito,
    correspondents: [person('Luca', 'Ricci', 'Corso Italia 44')],
    meansOfTransmission: 'A_MANO',
    differimento: {
      receivedOn,
      reason: 'Picco di domande alla scadenza del bando: registrazione nei giorni successivi',
      authorisation: 'Autorizzazione RGD n. 5/2026',
    },
  });
  await register({
    kind: ProtocolKind.ARRIVO,
    oggetto: DEMO_SPECIAL_OGGETTI.anonymous,
    correspondents: [],
    anonymousSender: true,
    meansOfTransmission: 'POSTA',
  });
  await register({
    kind: ProtocolKind.PARTENZA,
    oggetto: DEMO_SPECIAL_OGGETTI.variDestinatari,
    correspondents: CONFERENZA,
    meansOfTransmission: 'PEC',
    documentType: 'Convocazione',
  });
  await register(
    {
      kind: ProtocolKind.ARRIVO,
      oggetto: DEMO_SPECIAL_OGGETTI.particolare,
      correspondents: [person('Francesco', 'Esposito', 'Piazza Dante 7')],
      meansOfTransmission: 'RACCOMANDATA',
    },
    { particolare: true },
  );
  return records;
}
