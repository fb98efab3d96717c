import { CorrespondentRole } from '../../../schema/protocollo/index.js';
import type { SipCorrespondent, SipUnit } from './sip-types.js';
import { hexToBase64, nonEmpty, xmlText } from './xml-text.js';
import type { XmlElement } from './xml-writer.js';

/** Written in DatiSpecifici/VersioneDatiSpecifici: which metadata set follows. */
export const AGID_METADATA_VERSION = 'AgID-LG-2021-Allegato5-DocumentoAmministrativoInformatico';

/**
 * The AgID Linee Guida 2021, Allegato 5 metadata of a documento amministrativo informatico,
 * written as the ParER DatiSpecifici of the unit (the conservator's schema takes any content
 * there, processContents="skip"), so each unit's request carries them and no second file per
 * unit is needed. Element names follow Allegato 5 (and the third-party
 * documentoAmministrativoInformatico.xsd in standards/metadati); that XSD does not compile
 * (CFType regex) and copies PDF typos into fixed values, so it is not used to validate:
 * the values here are the Linee Guida's (e.g. ModalitaDiFormazione 'a'..'d').
 */
export function appendAgidMetadata(parent: XmlElement, unit: SipUnit): void {
  const d = parent.ele('DocumentoAmministrativoInformatico');
  const primary = unit.components.find((c) => c.role === 'PRINCIPALE');
  const id = d.ele('IdDoc');
  const impronta = id.ele('ImprontaCrittograficaDelDocumento');
  impronta.ele('Impronta').txt(primary ? hexToBase64(primary.sha256) : '');
  impronta.ele('Algoritmo').txt('SHA-256');
  id.ele('Identificativo').txt(`urn:uuid:${unit.documentId}`);

  // a: created with software; b: acquired (received); d: generated from data (the daily register).
  const formazione =
    unit.registration.registerName === null && unit.registration.flow === 'ARRIVO' ? 'b' : 'a';
  d.ele('ModalitaDiFormazione').txt(unit.tipologia === DAILY_REGISTER_TIPOLOGIA ? 'd' : formazione);
  d.ele('TipologiaDocumentale').txt(xmlText(unit.tipologia));

  const reg = d.ele('DatiDiRegistrazione');
  reg.ele('TipologiaDiFlusso').txt(flowCode(unit));
  const tipo = reg.ele('TipoRegistro');
  const time = romeTime(new Date(unit.registeredAt));
  if (unit.registration.kind === 'PROTOCOLLO') {
    const p = tipo.ele('ProtocolloOrdinario_ProtocolloEmergenza');
    p.ele('TipoRegistro').txt('ProtocolloOrdinario\\ProtocolloEmergenza');
    p.ele('DataProtocollazioneDocumento').txt(unit.date);
    p.ele('OraProtocollazioneDocumento').txt(time);
    p.ele('NumeroProtocolloDocumento').txt(unit.key.numero);
    p.ele('CodiceRegistro').txt(xmlText(unit.key.registro));
  } else {
    const r = tipo.ele('Repertorio_Registro');
    r.ele('TipoRegistro').txt('Repertorio\\Registro');
    r.ele('DataRegistrazioneDocumento').txt(unit.date);
    r.ele('OraRegistrazioneDocumento').txt(time);
    r.ele('NumeroRegistrazioneDocumento').txt(xmlText(unit.key.numero));
    r.ele('CodiceRegistro').txt(xmlText(unit.key.registro));
  }

  const soggetti = d.ele('Soggetti');
  for (const c of unit.correspondents) appendCorrespondent(soggetti, c);
  const assegnatario = soggetti.ele('Ruolo').ele('Assegnatario');
  assegnatario.ele('TipoRuolo').txt('Assegnatario');
  const as = assegnatario.ele('AS');
  if (unit.rpa) as.ele('Nominativo').txt(xmlText(unit.rpa));
  as.ele('DenominazioneUfficio').txt(nonEmpty(unit.uor.name, unit.uor.code));
  as.ele('CodiceUfficio').txt(xmlText(unit.uor.code));

  d.ele('ChiaveDescrittiva').ele('Oggetto').txt(xmlText(unit.oggetto));
  const attachments = unit.components.filter((c) => c.role === 'ALLEGATO');
  const allegati = d.ele('Allegati');
  allegati.ele('NumeroAllegati').txt(String(attachments.length));
  for (const a of attachments) {
    const ia = allegati.ele('IndiceAllegati');
    const aid = ia.ele('IdDoc');
    const ai = aid.ele('ImprontaCrittograficaDelDocumento');
    ai.ele('Impronta').txt(hexToBase64(a.sha256));
    ai.ele('Algoritmo').txt('SHA-256');
    aid.ele('Identificativo').txt(`urn:uuid:${a.fileId}`);
    ia.ele('Descrizione').txt(nonEmpty(a.description, a.name));
  }
  if (unit.classification) {
    d.ele('Classificazione').ele('IndiceDiClassificazione').txt(xmlText(unit.classification));
  }
  d.ele('Riservato').txt(unit.riservato ? 'true' : 'false');
  if (primary) {
    const f = d.ele('IdentificativoDelFormato');
    f.ele('Formato').txt(xmlText(primary.mediaType));
  }
  const filedIn = unit.filing?.chain.at(-1);
  if (filedIn) {
    const agg = d.ele('Agg');
    agg.ele('TipoAgg').txt('Fascicolo');
    agg.ele('IdAgg').txt(`urn:uuid:${filedIn.id}`);
  }
  d.ele('NomeDelDocumento').txt(nonEmpty(primary?.name, unit.documentId));
  d.ele('VersioneDelDocumento').txt('1');
  if (unit.registration.annulled) d.ele('Note').txt('Registrazione annullata');
}

const ROME_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Rome',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** HH:MM:SS in Rome: the registration time beside its Rome day (the date is Europe/Rome too). */
function romeTime(at: Date): string {
  return ROME_TIME.format(at);
}

export const DAILY_REGISTER_TIPOLOGIA = 'REGISTRO GIORNALIERO DI PROTOCOLLO';

function flowCode(unit: SipUnit): 'E' | 'U' | 'I' {
  if (unit.registration.flow === 'ARRIVO') return 'E';
  if (unit.registration.flow === 'PARTENZA') return 'U';
  return 'I';
}

function appendCorrespondent(soggetti: XmlElement, c: SipCorrespondent): void {
  const tag = c.role === CorrespondentRole.MITTENTE ? 'Mittente' : 'Destinatario';
  const r = soggetti.ele('Ruolo').ele(tag);
  r.ele('TipoRuolo').txt(tag);
  if (c.kind === 'PERSONA_FISICA') {
    const pf = r.ele('PF');
    if (c.cognome) pf.ele('Cognome').txt(xmlText(c.cognome));
    if (c.nome) pf.ele('Nome').txt(xmlText(c.nome));
    if (c.codiceFiscale) pf.ele('CodiceFiscale').txt(xmlText(c.codiceFiscale));
  } else if (c.kind === 'AMMINISTRAZIONE_ITALIANA' || c.kind === 'UFFICIO_INTERNO') {
    const pai = r.ele('PAI');
    const amm = pai.ele('IPAAmm');
    amm.ele('Denominazione').txt(nonEmpty(c.denominazione, c.ipaAmministrazione ?? '-'));
    if (c.ipaAmministrazione) amm.ele('CodiceIPA').txt(xmlText(c.ipaAmministrazione));
    if (c.ipaAoo) pai.ele('IPAAOO').ele('CodiceIPA').txt(xmlText(c.ipaAoo));
  } else if (c.kind === 'AMMINISTRAZIONE_ESTERA') {
    r.ele('PAE').ele('Denominazione').txt(nonEmpty(c.denominazione, '-'));
  } else {
    const pg = r.ele('PG');
    pg.ele('DenominazioneOrganizzazione').txt(nonEmpty(c.denominazione, '-'));
    if (c.partitaIva) pg.ele('CodiceFiscale_PartitaIva').txt(xmlText(c.partitaIva));
  }
}
