import type { UnitOfWork } from '../../server/db/unit-of-work.js';
import { Aoo, DEMO_AOO_CODE, User } from '../organisation/index.js';
import { CorrespondentChange, CorrespondentKind } from './correspondent.types.js';
import type { DataField } from './correspondent-rows.js';
import { checkValues } from './correspondent-rules.js';
import { insertEntry, valuesOf, writeVersion } from './correspondent-store.js';

type DemoCorrespondent = { kind: CorrespondentKind } & Partial<Record<DataField, string>>;

const PF = CorrespondentKind.PERSONA_FISICA;
const PG = CorrespondentKind.PERSONA_GIURIDICA;
const PA = CorrespondentKind.AMMINISTRAZIONE_ITALIANA;
const EST = CorrespondentKind.AMMINISTRAZIONE_ESTERA;

/** A municipality's directory: citizens, suppliers, the administrations it writes to, two foreign bodies. */
export const DEMO_CORRESPONDENTS: readonly DemoCorrespondent[] = [
  {
    kind: PF,
    name: 'Mario',
    surname: 'Rossi',
    codiceFiscale: 'RSSMRA85T10A562S',
    address: 'Via Roma 12',
    postalCode: '52100',
    city: 'Arezzo',
    province: 'AR',
    email: 'mario.rossi@example.it',
  },
  {
    kind: PF,
    name: 'Giulia',
    surname: 'Bianchi',
    codiceFiscale: 'BNCGLI90A41H501E',
    address: 'Via dei Mille 3',
    postalCode: '00185',
    city: 'Roma',
    province: 'RM',
    pec: 'giulia.bianchi@pec.example.it',
  },
  {
    kind: PF,
    name: 'Luigi',
    surname: 'Verdi',
    codiceFiscale: 'VRDLGU72C15F205L',
    address: 'Corso Buenos Aires 40',
    postalCode: '20124',
    city: 'Milano',
    province: 'MI',
  },
  {
    kind: PF,
    name: 'Anna',
    surname: 'Costa',
    codiceFiscale: 'CSTNNA88E52L219Y',
    city: 'Torino',
    province: 'TO',
    email: 'anna.costa@example.it',
  },
  {
    kind: PF,
    name: 'Giuseppe',
    surname: 'Ferrari',
    codiceFiscale: 'FRRGPP65M03D612B',
    address: 'Piazza della Signoria 1',
    postalCode: '50122',
    city: 'Firenze',
    province: 'FI',
  },
  {
    kind: PF,
    name: 'Stefano',
    surname: 'Esposito',
    codiceFiscale: 'ESPSFN79H22G273T',
    city: 'Palermo',
    province: 'PA',
  },
  {
    kind: PF,
    name: 'Niccolò',
    surname: 'Ruà',
    address: 'Vicolo del Pozzo 5',
    postalCode: '52100',
    city: 'Arezzo',
    province: 'AR',
    notes: 'Senza codice fiscale: istanza presentata allo sportello',
  },
  {
    kind: PF,
    name: 'Luca',
    surname: 'Marini',
    codiceFiscale: 'MRNLCU01B12F839R',
    city: 'Napoli',
    province: 'NA',
    pec: 'luca.marini@pec.example.it',
  },
  {
    kind: PG,
    denominazione: 'Edilizia Moderna S.r.l.',
    partitaIva: '01234567897',
    codiceFiscale: '01234567897',
    address: 'Via dell’Industria 8',
    postalCode: '52100',
    city: 'Arezzo',
    province: 'AR',
    pec: 'ediliziamoderna@pec.example.it',
  },
  {
    kind: PG,
    denominazione: 'Verde Città Società Cooperativa',
    partitaIva: '08888888883',
    city: 'Siena',
    province: 'SI',
    pec: 'verdecitta@legalmail.example.it',
    email: 'info@verdecitta.example.it',
  },
  {
    kind: PG,
    denominazione: 'Studio Tecnico Associato Bellè',
    partitaIva: '12345678903',
    address: 'Via Garibaldi 21',
    postalCode: '52100',
    city: 'Arezzo',
    province: 'AR',
    pec: 'studiobelle@pec.example.it',
  },
  {
    kind: PG,
    denominazione: 'Cartiera dell’Appennino S.p.A.',
    partitaIva: '02345678912',
    city: 'Fabriano',
    province: 'AN',
    pec: 'amministrazione@pec.cartiera.example.it',
  },
  {
    kind: PG,
    denominazione: 'Informatica Pubblica S.r.l.',
    partitaIva: '03456789126',
    city: 'Bologna',
    province: 'BO',
    pec: 'informaticapubblica@pec.example.it',
  },
  {
    kind: PA,
    denominazione: 'Regione Lazio',
    ipaCode: 'r_lazio',
    codiceFiscale: '80143490581',
    address: 'Via Rosa Raimondi Garibaldi 7',
    postalCode: '00145',
    city: 'Roma',
    province: 'RM',
    pec: 'protocollo@regione.lazio.legalmail.it',
  },
  {
    kind: PA,
    denominazione: 'Roma Capitale',
    ipaCode: 'c_h501',
    codiceFiscale: '02438760585',
    address: 'Piazza del Campidoglio 1',
    postalCode: '00186',
    city: 'Roma',
    province: 'RM',
    pec: 'protocollo.gabinettosindaco@pec.comune.roma.it',
  },
  {
    kind: PA,
    denominazione: 'Ministero dell’Interno - Gabinetto del Ministro',
    ipaCode: 'm_it',
    aooCode: 'AOO_GAB',
    codiceFiscale: '80215330582',
    address: 'Piazza del Viminale 1',
    postalCode: '00184',
    city: 'Roma',
    province: 'RM',
    pec: 'gabinetto.ministro@pec.interno.it',
  },
  {
    kind: PA,
    denominazione: 'Agenzia delle Entrate',
    ipaCode: 'age',
    codiceFiscale: '06593380584',
    address: 'Via Giorgione 106',
    postalCode: '00147',
    city: 'Roma',
    province: 'RM',
    pec: 'agenziaentrateprot@pce.agenziaentrate.it',
  },
  {
    kind: PA,
    denominazione: 'INPS - Direzione provinciale di Arezzo',
    ipaCode: 'inps',
    aooCode: 'AINPSAR',
    uoCode: 'UF4AR01',
    codiceFiscale: '80078750587',
    postalCode: '52100',
    city: 'Arezzo',
    province: 'AR',
    pec: 'direzione.provinciale.arezzo@postacert.inps.gov.it',
  },
  {
    kind: EST,
    denominazione: 'Ville de Nice',
    country: 'Francia',
    address: '5 Rue de l’Hôtel de Ville',
    postalCode: '06000',
    city: 'Nice',
    email: 'contact@ville-nice.example.fr',
  },
  {
    kind: EST,
    denominazione: 'Bundesministerium des Innern',
    country: 'Germania',
    address: 'Alt-Moabit 140',
    postalCode: '10557',
    city: 'Berlin',
    email: 'poststelle@bmi.example.de',
  },
];

/**
 * The demo directory of the demo AOO, inserted by the protocol office: one entry edited later
 * (two versions) and one deactivated, so the history shows; nothing when it exists already.
 */
export async function seedDemoRubrica(tx: UnitOfWork): Promise<boolean> {
  const aoo = await tx.em.findOne(Aoo, { code: DEMO_AOO_CODE });
  const actor = await tx.em.findOne(User, { username: 'protocollista' });
  if (!aoo || !actor) return false;
  const [{ n } = { n: '0' }] = await tx.em.execute<Array<{ n: string }>>(
    'select count(*) as n from correspondent where aoo_id = ?',
    [aoo.id],
  );
  if (Number(n) > 0) return false;
  const made = [];
  for (const d of DEMO_CORRESPONDENTS) {
    const { kind, ...raw } = d;
    const { values, problems } = checkValues(kind, raw);
    if (problems[0])
      throw new Error(
        `demo correspondent ${d.denominazione ?? d.surname}: ${problems[0].field} ${problems[0].message}`,
      );
    made.push(
      await insertEntry(tx, tx.em, {
        aooId: aoo.id,
        kind,
        values,
        change: CorrespondentChange.CREATED,
        actorId: actor.id,
      }),
    );
  }
  const [rossi, , , , , , , marini] = made;
  if (rossi) {
    await writeVersion(tx, tx.em, rossi, {
      values: { ...valuesOf(rossi), address: 'Via Guido Monaco 25' },
      active: true,
      change: CorrespondentChange.UPDATED,
      actorId: actor.id,
    });
  }
  if (marini) {
    await writeVersion(tx, tx.em, marini, {
      values: valuesOf(marini),
      active: false,
      change: CorrespondentChange.DEACTIVATED,
      actorId: actor.id,
    });
  }
  return true;
}
