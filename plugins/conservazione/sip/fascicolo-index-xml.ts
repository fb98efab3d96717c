import type { SipAggregation, SipPackage, Versatore } from './sip-types.js';
import { nonEmpty, xmlText } from './xml-text.js';
import { xmlDocument, type XmlElement } from './xml-writer.js';

export const INDICE_FASCICOLO_VERSION = '1.0';
export const AGID_AGGREGATION_VERSION = 'AgID-LG-2021-Allegato5-AggregazioneDocumentaleInformatica';

/** The fascicolo's key at the conservator: year and `classification.numberPath` (e.g. `VI/3/1.6`). */
export function fascicoloNumero(a: Pick<SipAggregation, 'classificationCode' | 'numberPath'>): string {
  return `${a.classificationCode}.${a.numberPath}`;
}

/**
 * The ParER index of a fascicolo package (WSRequestIndiceSIPFascicolo.xsd): the fascicolo's key
 * and type, its archival profile, the AgID aggregazione documentale metadata (001 §4.6: id, AOO,
 * UOR, RPA, participating administrations, oggetto, documents, opening and closing dates) for
 * it and each sottofascicolo recursively as ProfiloGenerale, and its content: every unit of the
 * tree in registration order, every sottofascicolo.
 */
export function fascicoloIndexXml(pkg: SipPackage, versatore: Versatore): string {
  const agg = pkg.aggregation;
  if (!agg)
    throw new Error(`package ${pkg.id} has no aggregation: the fascicolo index is for FASCICOLO packages`);
  // The package's element writer, not a DOM builder: the index lists every unit of the tree.
  const root = xmlDocument('IndiceSIPFascicolo');

  const params = root.ele('Parametri');
  params.ele('VersioneIndiceSIPFascicolo').txt(INDICE_FASCICOLO_VERSION);
  // A closed fascicolo goes to the archive (not an early transfer of an open one).
  params.ele('TipoConservazione').txt(agg.closingDate ? 'IN_ARCHIVIO' : 'VERSAMENTO_ANTICIPATO');

  const head = root.ele('Intestazione');
  const v = head.ele('Versatore');
  v.ele('Ambiente').txt(nonEmpty(versatore.ambiente, '-', 100));
  v.ele('Ente').txt(nonEmpty(versatore.ente, '-', 100));
  v.ele('Struttura').txt(nonEmpty(versatore.struttura, '-', 100));
  v.ele('UserID').txt(nonEmpty(versatore.userId, '-', 100));
  const producer = head.ele('SoggettoProduttore');
  producer.ele('Codice').txt(nonEmpty(pkg.producer.ipaCode, '-', 100));
  producer.ele('Denominazione').txt(nonEmpty(pkg.producer.name, pkg.producer.ipaCode, 254));
  const key = head.ele('Chiave');
  key.ele('Anno').txt(String(agg.year));
  key.ele('Numero').txt(nonEmpty(fascicoloNumero(agg), '-', 100));
  head.ele('TipoFascicolo').txt(nonEmpty(agg.kind, 'FASCICOLO'));

  const archival = root.ele('ProfiloArchivistico', { versione: INDICE_FASCICOLO_VERSION }).ele('Fascicolo');
  archival.ele('Classifica').txt(xmlText(agg.classificationCode));
  archival.ele('Identificativo').txt(xmlText(agg.identifier));
  archival.ele('Oggetto').txt(xmlText(agg.oggetto));

  appendAggregation(root.ele('ProfiloGenerale', { versione: AGID_AGGREGATION_VERSION }), agg, pkg);

  const content = root.ele('Contenuto');
  // The package's units are the tree's, in registration order (loadSipPackage).
  const ordered = pkg.units;
  if (ordered.length > 0) {
    const list = content.ele('UnitaDocumentarie');
    list.ele('NumeroUnitaDocumentarie').txt(String(ordered.length));
    const detail = list.ele('DettaglioUnitaDocumentarie');
    ordered.forEach((u, i) => {
      const e = detail.ele('UnitaDocumentaria');
      e.ele('Registro').txt(nonEmpty(u.key.registro, '-', 100));
      e.ele('Anno').txt(String(u.key.anno));
      e.ele('Numero').txt(nonEmpty(u.key.numero, '-', 100));
      e.ele('Posizione').txt(String(i + 1));
    });
  }
  const subs = descendants(agg);
  if (subs.length > 0) {
    const list = content.ele('Fascicoli');
    list.ele('NumeroFascicoli').txt(String(subs.length));
    const detail = list.ele('DettaglioFascicoli');
    subs.forEach((s, i) => {
      const e = detail.ele('Fascicolo');
      e.ele('Anno').txt(String(s.year));
      e.ele('Numero').txt(nonEmpty(fascicoloNumero(s), '-', 100));
      e.ele('Posizione').txt(String(i + 1));
    });
  }
  return root.end();
}

/** The AgID aggregation metadata of a fascicolo, its sottofascicoli nested inside. */
function appendAggregation(parent: XmlElement, a: SipAggregation, pkg: SipPackage): void {
  const e = parent.ele('AggregazioneDocumentaleInformatica');
  const id = e.ele('IdAgg');
  id.ele('TipoAggregazione').txt('Fascicolo');
  id.ele('IdAggregazione').txt(a.persistentId);
  e.ele('Identificativo').txt(xmlText(a.identifier));
  e.ele('TipologiaFascicolo').txt(xmlText(a.kind));
  const soggetti = e.ele('Soggetti');
  const owner = soggetti.ele('Ruolo');
  owner.ele('TipoRuolo').txt('Amministrazione titolare');
  owner.ele('TipoAgente').txt('PA');
  owner.ele('Nominativo').txt(`${xmlText(pkg.producer.name)} \\ ${xmlText(a.aoo.name)}`);
  owner.ele('Codice').txt(xmlText(a.aoo.code));
  for (const name of a.participatingAdministrations) {
    const p = soggetti.ele('Ruolo');
    p.ele('TipoRuolo').txt('Amministrazioni partecipanti');
    p.ele('TipoAgente').txt('PA');
    p.ele('Nominativo').txt(xmlText(name));
  }
  const rpa = soggetti.ele('Ruolo');
  rpa.ele('TipoRuolo').txt('RUP');
  rpa.ele('TipoAgente').txt('PF');
  rpa.ele('Nominativo').txt(xmlText(a.rpa));
  rpa.ele('UOR').txt(xmlText(a.uor.code));
  const assegnazione = e.ele('Assegnazione');
  assegnazione.ele('TipoAssegnazione').txt('per competenza');
  assegnazione.ele('CodiceUOR').txt(xmlText(a.uor.code));
  assegnazione.ele('DenominazioneUOR').txt(xmlText(a.uor.name));
  e.ele('DataApertura').txt(a.openingDate);
  if (a.closingDate) e.ele('DataChiusura').txt(a.closingDate);
  const cls = e.ele('Classificazione');
  cls.ele('Anno').txt(String(a.year));
  cls.ele('IndiceDiClassificazione').txt(xmlText(a.classificationCode));
  cls.ele('Progressivo').txt(xmlText(a.numberPath));
  e.ele('ChiaveDescrittiva').ele('Oggetto').txt(xmlText(a.oggetto));
  const index = e.ele('IndiceDocumenti');
  for (const docId of a.documentIds) index.ele('IdDoc').txt(`urn:uuid:${docId}`);
  for (const child of a.children) appendAggregation(e, child, pkg);
}

function descendants(a: SipAggregation): SipAggregation[] {
  return a.children.flatMap((c) => [c, ...descendants(c)]);
}
