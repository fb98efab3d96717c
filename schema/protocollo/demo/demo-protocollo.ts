import { romeDay, type Clock } from '../../../server/clock.js';
import type { UnitOfWork } from '../../../server/db/unit-of-work.js';
import { createDemoDraft, Document, markProtocollato } from '../../documents/index.js';
import { nextNumber } from '../../numbering/index.js';
import { Aoo, DEMO_AOO_CODE, Uor, User } from '../../organisation/index.js';
import { TitolarioNode, versionInForce } from '../../titolario/index.js';
import type { CheckedCorrespondent } from '../protocol-input-checks.js';
import {
  ProtocolAnnotation,
  ProtocolCorrespondent,
  ProtocolFile,
  ProtocolVersion,
} from '../protocol-parts.entity.js';
import { ProtocolRecord } from '../protocol-record.entity.js';
import { sealRegistration, segnaturaInputOf } from '../protocol-segnatura.js';
import { ProtocolCorrespondentKind, CorrespondentRole, ProtocolKind } from '../protocollo-enums.js';
import { seedDemoSpecialRegistrations } from './demo-protocollo-special.js';

const party = (
  c: Partial<CheckedCorrespondent> & { kind: ProtocolCorrespondentKind },
): CheckedCorrespondent => ({
  correspondentId: null,
  correspondentVersion: null,
  denominazione: null,
  nome: null,
  cognome: null,
  codiceFiscale: null,
  partitaIva: null,
  ipaAmministrazione: null,
  ipaAoo: null,
  ipaUo: null,
  indirizzo: null,
  email: null,
  pec: null,
  ...c,
});

const CITIZENS = [
  ['Mario', 'Rossi', 'RSSMRA75C12H501Y', 'Via Roma 15'],
  ['Giulia', 'Bianchi', 'BNCGLI82E45F205X', 'Via Garibaldi 3'],
  ['Francesco', 'Esposito', 'SPSFNC68A01F839K', 'Piazza Dante 7'],
  ['Chiara', 'Colombo', 'CLMCHR90M52L219P', 'Viale Europa 120'],
  ['Luca', 'Ricci', 'RCCLCU77T10G273Z', 'Corso Italia 44'],
  ['Sofia', 'Marino', 'MRNSFO95H61A944Q', 'Via dei Mille 9'],
].map(([nome, cognome, codiceFiscale, indirizzo]) =>
  party({
    kind: ProtocolCorrespondentKind.PERSONA_FISICA,
    nome,
    cognome,
    codiceFiscale,
    indirizzo,
    email: `${nome?.toLowerCase()}.${cognome?.toLowerCase()}@example.it`,
  }),
);

const COMPANIES = [
  ['Verde Srl', '01234567890', 'Via dei Giardini 2'],
  ['Edilstrade Spa', '09876543210', 'Zona industriale, lotto 14'],
  ['Studio Tecnico Ferri', '04567891230', 'Via Mazzini 21'],
  ['Cooperativa Sociale Il Faro', '07891234560', 'Via del Porto 5'],
].map(([denominazione, partitaIva, indirizzo]) =>
  party({
    kind: ProtocolCorrespondentKind.PERSONA_GIURIDICA,
    denominazione,
    partitaIva,
    indirizzo,
    pec: `${denominazione?.toLowerCase().replace(/[^a-z]/g, '')}@pec.example.it`,
  }),
);

const ADMINISTRATIONS = [
  ['Regione Lazio', 'r_lazio', 'protocollo@regione.lazio.legalmail.it'],
  ['Agenzia delle Entrate', 'age', 'agenziaentrate@pce.agenziaentrate.it'],
  ['INPS', 'inps', 'direzione.generale@postacert.inps.gov.it'],
  ['Prefettura di Roma', 'm_it', 'protocollo.prefrm@pec.interno.it'],
].map(([denominazione, ipaAmministrazione, pec]) =>
  party({ kind: ProtocolCorrespondentKind.AMMINISTRAZIONE_ITALIANA, denominazione, ipaAmministrazione, pec }),
);

const INCOMING = [
  'Richiesta di accesso agli atti relativi alla pratica edilizia n. %',
  'Istanza di rimborso TARI anno 2025 - posizione n. %',
  'Segnalazione di buca stradale in via Roma, civico %',
  'Domanda di contributo per attività culturali, progetto n. %',
  'Comunicazione di avvio del procedimento n. %',
  'Richiesta di occupazione di suolo pubblico n. %',
];
const OUTGOING = [
  'Risposta alla richiesta di accesso agli atti prot. n. %',
  'Trasmissione della determina di liquidazione n. %',
  'Convocazione della conferenza di servizi n. %',
  'Comunicazione di esito dell’istanza n. %',
  'Invio del rendiconto del contributo regionale n. %',
  'Sollecito di pagamento, posizione n. %',
];
const INTERNAL = [
  'Trasmissione della fattura n. % per la liquidazione',
  'Richiesta di parere tecnico sulla pratica n. %',
  'Comunicazione delle ferie estive del personale, nota n. %',
  'Richiesta di variazione di bilancio n. %',
  'Inoltro della segnalazione n. % per competenza',
];
const OFFICES = ['RAG', 'TEC', 'TRIB', 'LLPP', 'SEG'];
const MEANS = ['PEC', 'POSTA', 'EMAIL', 'A_MANO', 'RACCOMANDATA'];

/** How many demo registrations of each kind. */
export const DEMO_REGISTRATIONS_PER_KIND = 24;

/**
 * Loads a few dozen registrations of each kind on documents of their own (in the protocol
 * office, dated over the last weeks, older than the other demo documents), numbered like any
 * registration and in time order, then today's special registrations through the service
 * (demo-protocollo-special.ts), unless the demo AOO already has registrations or no demo
 * documents were loaded.
 */
export async function seedDemoProtocollo(tx: UnitOfWork): Promise<boolean> {
  const { em } = tx;
  const aoo = await em.findOne(Aoo, { code: DEMO_AOO_CODE });
  if (!aoo || (await em.count(ProtocolRecord, { aooId: aoo.id })) > 0) return false;
  if ((await em.count(Document, { aoo: aoo.id })) === 0) return false;
  const uors = new Map((await em.find(Uor, { aoo: aoo.id })).map((u) => [u.code, u]));
  const prot = uors.get('PROT');
  const protocollista = await em.findOne(User, { username: 'protocollista' });
  const rpa = await em.findOne(User, { username: 'rpa.ragioneria' });
  const rgd = await em.findOne(User, { username: 'rgd' });
  if (!prot || !protocollista || !rpa || !rgd) return false;
  const now = tx.clock.now();
  const total = DEMO_REGISTRATIONS_PER_KIND * 3;
  const start = now.getTime() - 30 * 86_400_000;
  const leaves = async (day: string) => {
    const version = await versionInForce(em, aoo.id, day);
    return version
      ? await em.find(
          TitolarioNode,
          { version: version.id, level: 2 },
          { orderBy: { fullCode: 'asc' }, limit: 40 },
        )
      : [];
  };
  for (let i = 0; i < total; i++) {
    const kind =
      [ProtocolKind.ARRIVO, ProtocolKind.PARTENZA, ProtocolKind.INTERNO][i % 3] ?? ProtocolKind.ARRIVO;
    const serial = 100 + i;
    const templates =
      kind === ProtocolKind.ARRIVO ? INCOMING : kind === ProtocolKind.PARTENZA ? OUTGOING : INTERNAL;
    const oggetto = (templates[Math.floor(i / 3) % templates.length] ?? '%').replace('%', String(serial));
    const createdAt = new Date(start + i * 8 * 3_600_000);
    const at = new Date(createdAt.getTime() + 20 * 60_000);
    const office = uors.get(OFFICES[i % OFFICES.length] ?? 'SEG') ?? prot;
    const correspondents =
      kind === ProtocolKind.INTERNO
        ? [party({ kind: ProtocolCorrespondentKind.UFFICIO_INTERNO, denominazione: office.name })]
        : [[...CITIZENS, ...COMPANIES, ...ADMINISTRATIONS][i % 14]].flatMap((c) => (c ? [c] : []));
    // The documents: a letter and, every other time, an attachment; plain text, stored for real.
    const texts = [`${oggetto}\n\nComune di Esempio, ${romeDay(at)}.\n`];
    if (i % 2 === 0) texts.push(`Allegato alla registrazione: ${oggetto}\n`);
    const { document: doc, files } = await createDemoDraft(tx, {
      aoo,
      uor: prot,
      createdBy: protocollista,
      oggetto,
      texts,
      names: texts.map((_, n) => (n === 0 ? `lettera-${serial}.txt` : `allegato-${serial}.txt`)),
      createdAt,
      attachmentDescription: 'Allegato tecnico',
    });
    const day = romeDay(at);
    const fixed: Clock = { now: () => new Date(at) };
    const { number, year } = await nextNumber(
      { ...tx, clock: fixed },
      { series: 'protocollo', within: [aoo.id], yearly: true },
    );
    const classification = (await leaves(day))[i % 40]?.id ?? null;
    const fields = {
      uorId: office.id,
      rpaId: office.code === 'RAG' ? rpa.id : null,
      classificationId: classification,
      fascicoloId: null,
      documentType: kind === ProtocolKind.INTERNO ? 'Nota interna' : 'Lettera',
      meansOfTransmission: kind === ProtocolKind.INTERNO ? null : (MEANS[i % MEANS.length] ?? null),
    };
    const record = em.create(ProtocolRecord, {
      aooId: aoo.id,
      documentId: doc.id,
      kind,
      number,
      year: year ?? Number(day.slice(0, 4)),
      date: day,
      registeredAt: at,
      registeredById: protocollista.id,
      oggetto,
      primarySha256: files[0]?.sha256 ?? '',
      attachmentCount: files.length - 1,
      ...fields,
    });
    await em.flush();
    const role = kind === ProtocolKind.ARRIVO ? CorrespondentRole.MITTENTE : CorrespondentRole.DESTINATARIO;
    correspondents.forEach((c, n) =>
      em.create(ProtocolCorrespondent, { recordId: record.id, position: n + 1, role, ...c }),
    );
    files.forEach((f, position) =>
      em.create(ProtocolFile, {
        recordId: record.id,
        position,
        fileId: f.id,
        sha256: f.sha256,
        description: position > 0 ? 'Allegato tecnico' : null,
      }),
    );
    // Its segnatura, sealed at its registration time with the demo AOO's seal (segnatura seeds
    // first, with a certificate valid since before the oldest demo registration).
    const segnatura = await sealRegistration(
      { ...tx, clock: fixed },
      await segnaturaInputOf(
        tx,
        record,
        correspondents,
        files.map((file, position) => ({
          position,
          sha256: file.sha256,
          description: position > 0 ? 'Allegato tecnico' : null,
          file,
        })),
      ),
      record,
    );
    em.create(ProtocolVersion, {
      recordId: record.id,
      version: 1,
      ...fields,
      changes: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, [null, v]])),
      changedAt: at,
      changedById: protocollista.id,
    });
    if (i % 7 === 0) {
      em.create(ProtocolAnnotation, {
        recordId: record.id,
        text: 'Documento pervenuto in copia anche per conoscenza al Sindaco',
        createdAt: at,
        createdById: protocollista.id,
      });
    }
    await markProtocollato(tx, doc.id, at);
    await tx.audit({
      aooId: aoo.id,
      operation: 'protocol.register',
      targetType: 'ProtocolRecord',
      targetId: record.id,
      changes: {
        kind,
        number,
        year: record.year,
        date: day,
        documentId: doc.id,
        segnaturaSha256: segnatura?.sha256 ?? null,
        demo: true,
      },
    });
  }
  await seedDemoSpecialRegistrations(tx, aoo, prot, rgd);
  return true;
}
