import { AGID_METADATA_VERSION, appendAgidMetadata } from './agid-metadata.js';
import type { SipComponent, SipUnit, Versatore } from './sip-types.js';
import { nonEmpty, xmlText } from './xml-text.js';
import { xmlDocument, type XmlElement } from './xml-writer.js';

/** Version of the ParER versamento interface the request speaks (Intestazione/Versione). */
export const VERSAMENTO_VERSION = '1.5';

/**
 * The ParER SacER versamento request of one unit (WSRequestVersamento.xsd, element
 * UnitaDocumentaria): who sends, the unit's key and type, its fascicolo and classification,
 * oggetto and date, the AgID metadata as DatiSpecifici, then the primary document (with a
 * detached signature as a FIRMA component) and one Allegato per attachment. Each component
 * names its file (the zip holds it beside this XML), its format and its SHA-256 in lowercase
 * hex (HashVersato is a free token in the schema; hex is how the whole package states digests).
 */
export function versamentoRequestXml(unit: SipUnit, versatore: Versatore): string {
  const root = xmlDocument('UnitaDocumentaria');

  const head = root.ele('Intestazione');
  head.ele('Versione').txt(VERSAMENTO_VERSION);
  const v = head.ele('Versatore');
  v.ele('Ambiente').txt(nonEmpty(versatore.ambiente, '-', 100));
  v.ele('Ente').txt(nonEmpty(versatore.ente, '-', 100));
  v.ele('Struttura').txt(nonEmpty(versatore.struttura, '-', 100));
  v.ele('UserID').txt(nonEmpty(versatore.userId, '-', 100));
  const key = head.ele('Chiave');
  key.ele('Numero').txt(nonEmpty(unit.key.numero, '-', 100));
  key.ele('Anno').txt(String(unit.key.anno));
  key.ele('TipoRegistro').txt(nonEmpty(unit.key.registro, '-', 100));
  head.ele('TipologiaUnitaDocumentaria').txt(nonEmpty(unit.tipologia, 'DOCUMENTO'));

  // Ordinary conservation; nothing forced: the conservator's checks apply in full.
  const conf = root.ele('Configurazione');
  conf.ele('TipoConservazione').txt('SOSTITUTIVA');
  conf.ele('ForzaAccettazione').txt('false');
  conf.ele('ForzaConservazione').txt('false');
  conf.ele('ForzaCollegamento').txt('false');

  if (unit.filing || unit.classification) {
    const camicia = root.ele('ProfiloArchivistico').ele('FascicoloPrincipale');
    const classifica = unit.filing?.classificationCode ?? unit.classification;
    if (classifica) camicia.ele('Classifica').txt(nonEmpty(classifica, '-', 254));
    const chain = unit.filing?.chain ?? [];
    const top = chain[0];
    if (top) appendFascicolo(camicia.ele('Fascicolo'), top);
    // ParER has one level below the fascicolo: the sottofascicolo the unit is filed in.
    const sub = chain.length > 1 ? chain.at(-1) : undefined;
    if (sub) appendFascicolo(camicia.ele('SottoFascicolo'), sub);
  }

  const profilo = root.ele('ProfiloUnitaDocumentaria');
  profilo.ele('Oggetto').txt(xmlText(unit.oggetto, 4000));
  profilo.ele('Data').txt(unit.date);

  const dati = root.ele('DatiSpecifici');
  dati.ele('VersioneDatiSpecifici').txt(AGID_METADATA_VERSION);
  appendAgidMetadata(dati, unit);

  const attachments = unit.components.filter((c) => c.role === 'ALLEGATO');
  root.ele('NumeroAllegati').txt(String(attachments.length));

  const principal = unit.components.filter((c) => c.role !== 'ALLEGATO');
  const main = root.ele('DocumentoPrincipale');
  main.ele('IDDocumento').txt('PRINCIPALE');
  main.ele('TipoDocumento').txt('DOCUMENTO PRINCIPALE');
  main.ele('ProfiloDocumento').ele('Descrizione').txt(xmlText(unit.oggetto, 4000));
  appendComponents(main, principal, unit);

  if (attachments.length > 0) {
    const list = root.ele('Allegati');
    attachments.forEach((a, i) => {
      const doc = list.ele('Allegato');
      doc.ele('IDDocumento').txt(`ALLEGATO-${i + 1}`);
      doc.ele('TipoDocumento').txt('ALLEGATO GENERICO');
      doc
        .ele('ProfiloDocumento')
        .ele('Descrizione')
        .txt(nonEmpty(a.description, a.name, 4000));
      appendComponents(doc, [a], unit);
    });
  }
  return root.end();
}

function appendFascicolo(e: XmlElement, f: { identifier: string; oggetto: string }): void {
  e.ele('Identificativo').txt(nonEmpty(f.identifier, '-', 4000));
  e.ele('Oggetto').txt(xmlText(f.oggetto, 4000));
}

function appendComponents(doc: XmlElement, components: SipComponent[], unit: SipUnit): void {
  const list = doc.ele('StrutturaOriginale').ele('Componenti');
  components.forEach((c, i) => {
    const e = list.ele('Componente');
    e.ele('ID').txt(c.id);
    e.ele('OrdinePresentazione').txt(String(i + 1));
    e.ele('TipoComponente').txt(c.role === 'FIRMA' ? 'FIRMA' : 'CONTENUTO');
    e.ele('TipoSupportoComponente').txt('FILE');
    e.ele('NomeComponente').txt(nonEmpty(c.name, c.id, 254));
    e.ele('FormatoFileVersato').txt(parerFormat(c.format));
    e.ele('HashVersato').txt(c.sha256);
    e.ele('IDComponenteVersato').txt(c.fileId);
    if (c.role === 'PRINCIPALE' && unit.registration.kind !== 'NESSUNA') {
      // The registration is a valid time reference for the signatures the file carries.
      e.ele('RiferimentoTemporale').txt(unit.registeredAt);
      e.ele('DescrizioneRiferimentoTemporale').txt('Data e ora della registrazione');
    }
  });
}

/** Our DocumentFormat name as the conservator's format registry spells it. */
function parerFormat(format: string): string {
  switch (format) {
    case 'PDF_A':
      return 'PDF/A';
    case 'JPEG':
      return 'JPG';
    case 'OTHER':
      return 'BINARIO';
    default:
      return format;
  }
}
