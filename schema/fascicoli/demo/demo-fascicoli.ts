import { romeDay } from '../../../server/clock.js';
import type { UnitOfWork } from '../../../server/db/unit-of-work.js';
import { DomainError } from '../../../server/errors/domain-error.js';
import { DEMO_AOO_CODE, Aoo, Uor, User } from '../../organisation/index.js';
import { resolveClassification, TitolarioNode, type ResolvedClassification } from '../../titolario/index.js';
import { FascicoloConfidentiality, FascicoloKind, PERSONA_KINDS } from '../fascicolo-enums.js';
import type { Fascicolo } from '../fascicolo.entity.js';
import { insertFascicolo, insertSottofascicolo } from '../fascicolo.service.js';
import { insertFiling } from '../filing.service.js';

interface DemoChild {
  oggetto: string;
  documents?: string[];
  children?: DemoChild[];
}

interface DemoFascicolo {
  /** Classification codes to try, in order (the first in force wins; a municipal titolario on the ANCI model). */
  codes: string[];
  kind: FascicoloKind;
  oggetto: string;
  uor: string;
  rpa: string;
  participatingAdministrations?: string[];
  confidentiality?: FascicoloConfidentiality;
  physicalLocation?: string;
  annualRepeat?: boolean;
  /** Oggetti of demo documents (documents module) filed here, the first time as primary. */
  documents?: string[];
  children?: DemoChild[];
}

/** Fascicoli at every level in the offices of the demo users, with the demo documents filed. */
export const DEMO_FASCICOLI: readonly DemoFascicolo[] = [
  {
    codes: ['VI/3', 'VI/3/1', 'VI'],
    kind: FascicoloKind.PROCEDIMENTO_AMMINISTRATIVO,
    oggetto: 'Permesso di costruire n. 12/2026 - ampliamento edificio residenziale in via Roma 15',
    uor: 'TEC',
    rpa: 'rpa.tecnico',
    documents: ['Permesso di costruire n. 12/2026 - via Roma 15'],
    participatingAdministrations: ['Soprintendenza Archeologia, Belle Arti e Paesaggio'],
    physicalLocation: 'Area tecnica, archivio corrente, armadio 3',
    children: [
      {
        oggetto: 'Istruttoria tecnica',
        children: [{ oggetto: 'Pareri degli uffici' }, { oggetto: 'Integrazioni richieste al richiedente' }],
      },
      { oggetto: 'Provvedimento finale' },
    ],
  },
  {
    codes: ['VI/5', 'VI/4', 'VI'],
    kind: FascicoloKind.AFFARE,
    oggetto: 'Rifacimento dei marciapiedi del centro storico',
    uor: 'TEC',
    rpa: 'rpa.tecnico',
    documents: [
      'Delibera di Giunta n. 12/2026 - piano triennale delle opere pubbliche 2027-2029',
      'Verbale di consegna dei lavori di rifacimento dei marciapiedi',
    ],
    children: [
      {
        oggetto: 'Esecuzione dei lavori',
        documents: ['Verbale di consegna dei lavori di rifacimento dei marciapiedi'],
      },
    ],
  },
  {
    codes: ['IV/4', 'IV/3', 'IV'],
    kind: FascicoloKind.AFFARE,
    oggetto: 'Manutenzione del verde pubblico - impegni e liquidazioni',
    uor: 'RAG',
    rpa: 'lettore',
    annualRepeat: true,
    documents: [
      'Determina n. 45/2026 - impegno di spesa per la manutenzione del verde pubblico',
      'Fattura n. 2026/118 della ditta Verde Srl',
    ],
    children: [{ oggetto: 'Liquidazioni', documents: ['Fattura n. 2026/118 della ditta Verde Srl'] }],
  },
  {
    codes: ['IV/3', 'IV/2', 'IV'],
    kind: FascicoloKind.ATTIVITA,
    oggetto: 'Accertamenti IMU anno 2024',
    uor: 'TRIB',
    rpa: 'rpa.ragioneria',
    documents: ['Avviso di accertamento IMU 2024 - posizione n. 3321'],
  },
  {
    codes: ['III'],
    kind: FascicoloKind.PERSONA_FISICA,
    oggetto: 'Rossi Mario - fascicolo personale',
    uor: 'SEG',
    rpa: 'rgd',
    confidentiality: FascicoloConfidentiality.RISERVATO,
    physicalLocation: 'Segreteria generale, cassettiera del personale',
  },
];

/** The first of the codes that is a node of the titolario in force today where a fascicolo may sit. */
async function classify(
  tx: UnitOfWork,
  aooId: string,
  day: string,
  d: DemoFascicolo,
): Promise<ResolvedClassification | null> {
  for (const code of d.codes) {
    for (const node of await tx.em.find(TitolarioNode, { aoo: aooId, fullCode: code })) {
      try {
        const r = await resolveClassification(tx, { aooId, nodeId: node.id, day });
        if (r.node.leaf || (PERSONA_KINDS.has(d.kind) && r.node.level === 1)) return r;
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
      }
    }
  }
  return null;
}

/**
 * Loads the demo fascicoli (after the titolario's demo) unless the demo AOO has fascicoli
 * already, or has no titolario in force: each on the first of its codes in force today.
 */
export async function seedDemoFascicoli(tx: UnitOfWork): Promise<boolean> {
  const aoo = await tx.em.findOne(Aoo, { code: DEMO_AOO_CODE });
  if (!aoo) return false;
  const existing = await tx.em.execute<Array<{ n: string }>>(
    'select count(*) as n from fascicolo where aoo_id = ?',
    [aoo.id],
  );
  if (Number(existing[0]?.n ?? 0) > 0) return false;
  const day = romeDay(tx.clock.now());
  const uors = new Map((await tx.em.find(Uor, { aoo })).map((u) => [u.code, u]));
  const users = new Map((await tx.em.find(User, {})).map((u) => [u.username, u]));
  const documents = new Map(
    (
      await tx.em.execute<Array<{ id: string; oggetto: string }>>(
        'select id, oggetto from document where aoo_id = ?',
        [aoo.id],
      )
    ).map((r) => [r.oggetto, r.id]),
  );
  const primaryTaken = new Set<string>();
  const file = async (f: Fascicolo, oggetti: readonly string[] = []) => {
    for (const oggetto of oggetti) {
      const id = documents.get(oggetto);
      if (!id) continue; // the demo documents were not loaded
      await insertFiling(tx, f, id, !primaryTaken.has(id));
      primaryTaken.add(id);
    }
  };
  const openChildren = async (parent: Fascicolo, children: readonly DemoChild[] = []) => {
    for (const c of children) {
      const child = await insertSottofascicolo(tx, parent, {
        oggetto: c.oggetto,
        kind: parent.kind,
        uor: parent.uor,
        rpaId: parent.rpa.id,
        participatingAdministrations: [...parent.participatingAdministrations],
        confidentiality: parent.confidentiality,
        physicalLocation: null,
      });
      await file(child, c.documents);
      await openChildren(child, c.children);
    }
  };
  let loaded = false;
  for (const d of DEMO_FASCICOLI) {
    const resolved = await classify(tx, aoo.id, day, d);
    const uor = uors.get(d.uor);
    const rpa = users.get(d.rpa);
    if (!resolved || !uor || !rpa) continue;
    const f = await insertFascicolo(tx, {
      node: resolved.node,
      titolo: resolved.titolo,
      kind: d.kind,
      oggetto: d.oggetto,
      uor,
      rpaId: rpa.id,
      participatingAdministrations: d.participatingAdministrations ?? [],
      confidentiality: d.confidentiality ?? FascicoloConfidentiality.ORDINARIO,
      physicalLocation: d.physicalLocation ?? null,
      annualRepeat: d.annualRepeat ?? false,
      repeatedFromId: null,
    });
    await file(f, d.documents);
    await openChildren(f, d.children);
    loaded = true;
  }
  return loaded;
}
