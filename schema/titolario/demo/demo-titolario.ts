import { romeDay } from '../../../server/clock.js';
import type { UnitOfWork } from '../../../server/db/unit-of-work.js';
import { Aoo, DEMO_AOO_CODE } from '../../organisation/index.js';
import { importDraft, publishVersion } from '../titolario-editor.js';
import type { ImportedNode } from '../titolario-transfer.js';
import { TitolarioVersion } from '../titolario-version.entity.js';

/**
 * The demo titolario: the "Piano di classificazione per gli archivi dei Comuni italiani" (ANCI
 * working group, 2005) that most municipalities use, titoli I-XIV with their classi, and voci
 * di indice for the matters an office classifies every day. Two versions, so versioning shows:
 * one in force from 1 January of last year, a revision in force from 1 January of this year
 * (by the request clock).
 */

type Classi = ReadonlyArray<readonly [code: string, description: string]>;

interface DemoTitolo {
  /** The roman numeral. */
  titolo: string;
  description: string;
  classi: Classi;
}

export const DEMO_TITOLARIO: readonly DemoTitolo[] = [
  {
    titolo: 'I',
    description: 'Amministrazione generale',
    classi: [
      ['1', 'Legislazione e circolari esplicative'],
      ['2', 'Denominazione, territorio e confini, circoscrizioni di decentramento, toponomastica'],
      ['3', 'Statuto'],
      ['4', 'Regolamenti'],
      ['5', 'Stemma, gonfalone, sigillo'],
      ['6', 'Archivio generale'],
      ['7', 'Sistema informativo'],
      ['8', 'Informazioni e relazioni con il pubblico'],
      ['9', 'Politica del personale; ordinamento degli uffici e dei servizi'],
      ['10', 'Relazioni con le organizzazioni sindacali e di rappresentanza del personale'],
      ['11', 'Controlli interni ed esterni'],
      ['12', 'Editoria e attività informativo-promozionale interna ed esterna'],
      ['13', 'Cerimoniale, attività di rappresentanza; onorificenze e riconoscimenti'],
      ['14', 'Interventi di carattere politico e umanitario; rapporti istituzionali'],
      ['15', "Forme associative e partecipative per l'esercizio di funzioni e servizi"],
      ['16', 'Area e città metropolitana'],
      ['17', 'Associazionismo e partecipazione'],
    ],
  },
  {
    titolo: 'II',
    description: 'Organi di governo, gestione, controllo, consulenza e garanzia',
    classi: [
      ['1', 'Sindaco'],
      ['2', 'Vice-sindaco'],
      ['3', 'Consiglio'],
      ['4', 'Presidente del Consiglio'],
      ['5', 'Conferenza dei capigruppo e Commissioni del Consiglio'],
      ['6', 'Gruppi consiliari'],
      ['7', 'Giunta'],
      ['8', 'Commissario prefettizio e straordinario'],
      ['9', 'Segretario e Vice-segretario'],
      ['10', 'Direttore generale e dirigenza'],
      ['11', 'Revisori dei conti'],
      ['12', 'Difensore civico'],
      ['13', 'Commissario ad acta'],
      ['14', 'Organi di controllo interni'],
      ['15', 'Organi consultivi'],
    ],
  },
  {
    titolo: 'III',
    description: 'Risorse umane',
    classi: [
      ['1', 'Concorsi, selezioni, colloqui'],
      ['2', 'Assunzioni e cessazioni'],
      ['3', 'Comandi e distacchi; mobilità'],
      ['4', 'Attribuzione di funzioni, ordini di servizio e missioni'],
      ['5', 'Inquadramenti e applicazione contratti collettivi di lavoro'],
      ['6', 'Retribuzioni e compensi'],
      ['7', 'Trattamento fiscale, contributivo e assicurativo'],
      ['8', 'Tutela della salute e sicurezza sul luogo di lavoro'],
      ['9', 'Dichiarazioni di infermità ed equo indennizzo'],
      ['10', 'Indennità premio di servizio e trattamento di fine rapporto, quiescenza'],
      ['11', 'Servizi al personale su richiesta'],
      ['12', 'Orario di lavoro, presenze e assenze'],
      ['13', 'Giudizi, responsabilità e provvedimenti disciplinari'],
      ['14', 'Formazione e aggiornamento professionale'],
      ['15', 'Collaboratori esterni'],
    ],
  },
  {
    titolo: 'IV',
    description: 'Risorse finanziarie e patrimoniali',
    classi: [
      ['1', 'Bilancio preventivo e Piano esecutivo di gestione (PEG)'],
      ['2', 'Gestione del bilancio e del PEG (con eventuali variazioni)'],
      ['3', 'Gestione delle entrate: accertamento, riscossione, versamento'],
      ['4', 'Gestione della spesa: impegno, liquidazione, ordinazione e pagamento'],
      ['5', 'Partecipazioni finanziarie'],
      ['6', 'Rendiconto della gestione; adempimenti e verifiche contabili'],
      ['7', 'Adempimenti fiscali, contributivi e assicurativi'],
      ['8', 'Beni immobili'],
      ['9', 'Beni mobili'],
      ['10', 'Economato'],
      ['11', 'Oggetti smarriti e recuperati'],
      ['12', 'Tesoreria'],
      ['13', 'Concessionari ed altri incaricati della riscossione delle entrate'],
      ['14', 'Pubblicità e pubbliche affissioni'],
    ],
  },
  {
    titolo: 'V',
    description: 'Affari legali',
    classi: [
      ['1', 'Contenzioso'],
      ['2', 'Responsabilità civile e patrimoniale verso terzi; assicurazioni'],
      ['3', 'Pareri e consulenze'],
    ],
  },
  {
    titolo: 'VI',
    description: 'Pianificazione e gestione del territorio',
    classi: [
      ['1', 'Urbanistica: piano regolatore generale e varianti'],
      ['2', 'Urbanistica: strumenti di attuazione del piano regolatore generale'],
      ['3', 'Edilizia privata'],
      ['4', 'Edilizia pubblica'],
      ['5', 'Opere pubbliche'],
      ['6', 'Catasto'],
      ['7', 'Viabilità'],
      ['8', 'Servizio idrico integrato, luce, gas, trasporti pubblici, gestione dei rifiuti e altri servizi'],
      ['9', 'Ambiente: autorizzazioni, monitoraggi e controllo'],
      ['10', 'Protezione civile ed emergenze'],
    ],
  },
  {
    titolo: 'VII',
    description: 'Servizi alla persona',
    classi: [
      ['1', 'Diritto allo studio e servizi'],
      ['2', 'Asili nido e scuola materna'],
      ['3', 'Promozione e sostegno delle istituzioni di istruzione e della loro attività'],
      ['4', 'Orientamento professionale; educazione degli adulti; mediazione culturale'],
      ['5', 'Istituti culturali (musei, biblioteche, teatri, scuola comunale di musica)'],
      ['6', 'Attività ed eventi culturali'],
      ['7', 'Attività ed eventi sportivi'],
      ['8', 'Pianificazione e accordi strategici con enti pubblici e privati e con il volontariato sociale'],
      ['9', 'Prevenzione, recupero e reintegrazione dei soggetti a rischio'],
      ['10', 'Informazione, consulenza ed educazione civica'],
      ['11', 'Tutela e curatela di incapaci'],
      ['12', 'Assistenza diretta e indiretta, benefici economici'],
      ['13', 'Attività ricreativa e di socializzazione'],
      ['14', 'Politiche per la casa'],
      ['15', 'Politiche per il sociale'],
    ],
  },
  {
    titolo: 'VIII',
    description: 'Attività economiche',
    classi: [
      ['1', 'Agricoltura e pesca'],
      ['2', 'Artigianato'],
      ['3', 'Industria'],
      ['4', 'Commercio'],
      ['5', 'Fiere e mercati'],
      ['6', 'Esercizi turistici e strutture ricettive'],
      ['7', 'Promozione e servizi'],
    ],
  },
  {
    titolo: 'IX',
    description: 'Polizia locale e sicurezza pubblica',
    classi: [
      ['1', 'Prevenzione ed educazione stradale'],
      ['2', 'Polizia stradale'],
      ['3', 'Informative'],
      ['4', 'Sicurezza e ordine pubblico'],
    ],
  },
  {
    titolo: 'X',
    description: 'Tutela della salute',
    classi: [
      ['1', 'Salute e igiene pubblica'],
      ['2', 'Trattamento sanitario obbligatorio'],
      ['3', 'Farmacie'],
      ['4', 'Zooprofilassi veterinaria'],
      ['5', 'Randagismo animale e ricoveri'],
    ],
  },
  {
    titolo: 'XI',
    description: 'Servizi demografici',
    classi: [
      ['1', 'Stato civile'],
      ['2', 'Anagrafe e certificazioni'],
      ['3', 'Censimenti'],
      ['4', 'Polizia mortuaria e cimiteri'],
    ],
  },
  {
    titolo: 'XII',
    description: 'Elezioni e iniziative popolari',
    classi: [
      ['1', 'Albi elettorali'],
      ['2', 'Liste elettorali'],
      ['3', 'Elezioni'],
      ['4', 'Referendum'],
      ['5', 'Istanze, petizioni e iniziative popolari'],
    ],
  },
  {
    titolo: 'XIII',
    description: 'Affari militari',
    classi: [
      ['1', 'Leva e servizio civile sostitutivo'],
      ['2', 'Ruoli matricolari'],
      ['3', 'Caserme, alloggi e servitù militari'],
      ['4', 'Requisizioni per utilità militari'],
    ],
  },
  // As in the ANCI plan, a titolo without classi: a residual heading, itself a leaf.
  { titolo: 'XIV', description: 'Oggetti diversi', classi: [] },
];

/** Voci di indice: the words people use, pointing to the classe (fullCode → [term, variants]). */
export const DEMO_INDEX_TERMS: ReadonlyArray<
  readonly [fullCode: string, term: string, variants: readonly string[]]
> = [
  ['I/3', 'Statuto comunale', ['modifiche allo statuto']],
  ['I/6', 'Protocollo informatico', ['registro di protocollo', 'manuale di gestione documentale']],
  ['I/8', 'Accesso agli atti', ['accesso civico', 'URP', 'reclami']],
  ['II/3', 'Deliberazioni del Consiglio comunale', ['delibere consiliari', 'sedute del Consiglio']],
  ['II/7', 'Deliberazioni della Giunta comunale', ['delibere di Giunta']],
  ['III/1', 'Concorsi pubblici', ['bandi di concorso', 'selezioni pubbliche', 'graduatorie']],
  ['III/6', 'Stipendi', ['cedolini', 'buste paga', 'compensi accessori']],
  ['III/12', 'Ferie e permessi', ['malattia', 'congedi']],
  ['IV/1', 'Bilancio di previsione', ['DUP', 'piano esecutivo di gestione']],
  ['IV/3', 'Tributi comunali', ['IMU', 'TARI', 'imposta municipale', 'tassa rifiuti']],
  ['IV/4', 'Mandati di pagamento', ['liquidazioni', 'fatture passive', 'impegni di spesa']],
  ['IV/8', 'Alienazione di immobili comunali', ['vendita di beni immobili', 'locazioni attive']],
  ['V/1', 'Ricorsi e cause', ['ricorso al TAR', 'contenzioso giudiziario', 'decreti ingiuntivi']],
  ['V/2', 'Risarcimento danni', ['sinistri', 'polizze assicurative']],
  ['VI/1', 'Piano regolatore', ['PRG', 'piano urbanistico comunale', 'varianti urbanistiche']],
  [
    'VI/3',
    'Licenze edilizie',
    ['permesso di costruire', 'concessione edilizia', 'SCIA edilizia', 'CILA', 'DIA'],
  ],
  ['VI/3', 'Abusi edilizi', ['condono edilizio', 'sanatoria', 'ordinanza di demolizione']],
  ['VI/3', 'Agibilità', ['abitabilità', 'certificato di agibilità']],
  ['VI/5', 'Lavori pubblici', ['appalti di lavori', 'cantieri', 'collaudi']],
  ['VI/7', 'Strade comunali', ['manutenzione stradale', 'segnaletica', 'occupazione di suolo pubblico']],
  ['VI/8', 'Raccolta dei rifiuti', ['raccolta differenziata', 'isola ecologica']],
  ['VI/10', 'Calamità naturali', ['terremoto', 'alluvione', 'allerta meteo']],
  ['VII/2', "Iscrizione all'asilo nido", ['rette asilo nido', "scuola dell'infanzia"]],
  ['VII/1', 'Mensa e trasporto scolastico', ['refezione scolastica', 'scuolabus']],
  ['VII/12', 'Contributi economici', ['sussidi', 'assegni di sostegno', 'bonus sociali']],
  ['VIII/4', 'Licenze commerciali', ['SUAP', 'autorizzazione al commercio', 'esercizi di vicinato']],
  ['VIII/5', 'Mercato settimanale', ['posteggi', 'commercio ambulante']],
  ['IX/2', 'Contravvenzioni', ['multe', 'verbali di accertamento', 'violazioni al codice della strada']],
  ['X/5', 'Cani randagi', ['canile', 'anagrafe canina']],
  ['XI/1', 'Matrimoni', ['pubblicazioni di matrimonio', 'unioni civili']],
  ['XI/2', "Carta d'identità", ['CIE', 'documento di identità']],
  ['XI/2', 'Residenza', ['cambio di residenza', 'iscrizione anagrafica', 'certificati anagrafici']],
  ['XI/4', 'Cimiteri', ['concessioni cimiteriali', 'loculi', 'tumulazioni']],
  ['XII/3', 'Seggi elettorali', ['scrutatori', 'presidenti di seggio']],
];

/**
 * What the revision in force from this year changes: classi renamed or added, index terms
 * added. Everything else is as in last year's version.
 */
export const DEMO_REVISION = {
  renamed: [
    ['I/7', 'Sistema informativo e transizione digitale'],
    ['VI/9', 'Ambiente: autorizzazioni, monitoraggi, controllo e transizione ecologica'],
  ],
  added: [
    ['I/18', 'Protezione dei dati personali'],
    ['VII/16', 'Politiche giovanili'],
  ],
  indexTerms: [
    ['I/18', 'Privacy', ['GDPR', 'trattamento dei dati personali', 'violazione dei dati']],
    ['I/7', 'Transizione digitale', ['PNRR digitale', 'servizi online', 'SPID']],
    ['VII/16', 'Informagiovani', ['servizio civile universale', 'centri giovanili']],
  ],
} as const;

function nodesOf(revised: boolean): ImportedNode[] {
  const renamed = new Map<string, string>(revised ? DEMO_REVISION.renamed : []);
  const terms = new Map<string, Array<{ line: number; term: string; variants: string[] }>>();
  const allTerms = [...DEMO_INDEX_TERMS, ...(revised ? DEMO_REVISION.indexTerms : [])];
  for (const [fullCode, term, variants] of allTerms) {
    const list = terms.get(fullCode) ?? [];
    list.push({ line: 0, term, variants: [...variants] });
    terms.set(fullCode, list);
  }
  const nodes: ImportedNode[] = [];
  for (const t of DEMO_TITOLARIO) {
    const classi: Array<readonly [string, string]> = [...t.classi];
    if (revised) {
      for (const [fullCode, description] of DEMO_REVISION.added) {
        const [titolo, code] = fullCode.split('/');
        if (titolo === t.titolo && code) classi.push([code, description]);
      }
    }
    nodes.push({
      line: 0,
      fullCode: t.titolo,
      level: 1,
      code: t.titolo,
      parentFullCode: null,
      description: t.description,
      indexTerms: terms.get(t.titolo) ?? [],
    });
    for (const [code, description] of classi) {
      const fullCode = `${t.titolo}/${code}`;
      nodes.push({
        line: 0,
        fullCode,
        level: 2,
        code,
        parentFullCode: t.titolo,
        description: renamed.get(fullCode) ?? description,
        indexTerms: terms.get(fullCode) ?? [],
      });
    }
  }
  return nodes;
}

/** Loads the two demo versions into the demo AOO unless it has a titolario already. */
export async function seedDemoTitolario(tx: UnitOfWork): Promise<boolean> {
  const aoo = await tx.em.findOne(Aoo, { code: DEMO_AOO_CODE });
  if (!aoo) return false;
  if ((await tx.em.count(TitolarioVersion, { aoo: aoo.id })) > 0) return false;
  const year = Number(romeDay(tx.clock.now()).slice(0, 4));
  const first = await importDraft(tx, aoo, {
    label: `Titolario ${year - 1}`,
    validFrom: `${year - 1}-01-01`,
    format: 'demo',
    nodes: nodesOf(false),
  });
  // Approved in the autumn before each took effect (the titolario is never retroactive).
  await publishVersion(
    tx,
    first,
    `Delibera di Giunta comunale n. 187 del 28 novembre ${year - 2}`,
    new Date(`${year - 2}-11-28T11:00:00Z`),
  );
  const revision = await importDraft(tx, aoo, {
    label: `Titolario ${year} (revisione)`,
    validFrom: `${year}-01-01`,
    format: 'demo',
    nodes: nodesOf(true),
  });
  await publishVersion(
    tx,
    revision,
    `Delibera di Giunta comunale n. 172 del 14 novembre ${year - 1}`,
    new Date(`${year - 1}-11-14T11:00:00Z`),
  );
  return true;
}
