import type { Reason } from '../connector/connector.js';
import { escapeXml as x } from '../connector/parer-protocol.js';
import type { UnitKey, Versatore } from '../sip/index.js';

/**
 * The simulator's answers, shaped as SacER marshals them (WSResponseVersamento.xsd,
 * WSResponseStato.xsd): every one is valid against its schema, which the connector checks.
 */

export type DocumentKind = 'DocumentoPrincipale' | 'Allegato' | 'Annesso' | 'Annotazione';

export interface SimComponent {
  id: string;
  order: number;
  name: string | null;
  hashVersato: string | null;
  /** What arrived (after a simulated corruption, if any). */
  sha256: string | null;
  size: number;
  urn: string;
  outcome: 'POSITIVO' | 'NEGATIVO';
}

export interface SimDocument {
  kind: DocumentKind;
  chiaveDoc: string;
  idDocumento: string;
  tipoDocumento: string;
  components: SimComponent[];
}

export interface SimUnit {
  key: UnitKey;
  versatore: Versatore;
  tipologia: string;
  urn: string;
  documents: SimDocument[];
}

const el = (name: string, value: string | number | null | undefined): string =>
  value === null || value === undefined ? '' : `<${name}>${x(String(value))}</${name}>`;

function versatoreXml(v: Versatore): string {
  return `<Versatore>${el('Ambiente', v.ambiente)}${el('Ente', v.ente)}${el('Struttura', v.struttura)}${el('UserID', v.userId)}</Versatore>`;
}

function chiaveXml(k: UnitKey): string {
  return `<Chiave>${el('Numero', k.numero)}${el('Anno', k.anno)}${el('TipoRegistro', k.registro)}</Chiave>`;
}

function esitoGenerale(outcome: string, errors: Reason[]): string {
  const first = errors[0];
  return `<EsitoGenerale>${el('CodiceEsito', outcome)}${el('CodiceErrore', first?.code ?? '')}${el('MessaggioErrore', first?.message ?? '')}</EsitoGenerale>`;
}

const CONTAINERS: Record<DocumentKind, string | null> = {
  DocumentoPrincipale: null,
  Allegato: 'Allegati',
  Annesso: 'Annessi',
  Annotazione: 'Annotazioni',
};

/** Documents grouped as the schemas want them: the principal, then each container with its items. */
function documentsXml(documents: SimDocument[], one: (d: SimDocument) => string, sipStyle: boolean): string {
  let out = '';
  for (const kind of ['DocumentoPrincipale', 'Allegato', 'Annesso', 'Annotazione'] as DocumentKind[]) {
    const docs = documents.filter((d) => d.kind === kind);
    if (docs.length === 0) continue;
    const container = CONTAINERS[kind];
    const items = docs.map((d) => `<${kind}>${one(d)}</${kind}>`).join('');
    // The rapporto (UnitaDocumentariaSIPType) repeats Allegato without a container.
    out += container && !sipStyle ? `<${container}>${items}</${container}>` : items;
  }
  return out;
}

function documentOutcome(d: SimDocument): string {
  return d.components.some((c) => c.outcome === 'NEGATIVO') ? 'NEGATIVO' : 'POSITIVO';
}

function esitoUnitXml(unit: SimUnit, now: string, outcome: string): string {
  const doc = (d: SimDocument): string =>
    el('ChiaveDoc', d.chiaveDoc) +
    el('IDDocumento', d.idDocumento) +
    el('TipoDocumento', d.tipoDocumento) +
    `<EsitoDocumento>${el('CodiceEsito', documentOutcome(d))}${el('VerificaTipoDocumento', 'POSITIVO')}</EsitoDocumento>` +
    `<Componenti>${d.components
      .map(
        (c) =>
          '<Componente>' +
          el('OrdinePresentazione', c.order) +
          el('TipoComponente', 'Contenuto') +
          el('URN', c.urn) +
          (c.sha256
            ? el('Hash', c.sha256) + el('AlgoritmoHash', 'SHA-256') + el('Encoding', 'hexBinary')
            : '') +
          el('DimensioneFile', c.size) +
          el('NomeComponente', c.name) +
          el('HashVersato', c.hashVersato) +
          `<EsitoComponente>${el('CodiceEsito', c.outcome)}</EsitoComponente>` +
          '</Componente>',
      )
      .join('')}</Componenti>`;
  return (
    '<UnitaDocumentaria>' +
    versatoreXml(unit.versatore) +
    chiaveXml(unit.key) +
    el('DataVersamento', now) +
    `<EsitoUnitaDocumentaria>${el('CodiceEsito', outcome)}${el('UnivocitaChiave', 'POSITIVO')}</EsitoUnitaDocumentaria>` +
    documentsXml(unit.documents, doc, false) +
    '</UnitaDocumentaria>'
  );
}

/** The RapportoVersamento of a conserved unit (kept by the simulator, answered again on request). */
export function rapportoVersamentoXml(unit: SimUnit, now: string): string {
  const doc = (d: SimDocument): string =>
    el('ChiaveDoc', d.chiaveDoc) +
    el('IDDocumento', d.idDocumento) +
    el('TipoDocumento', d.tipoDocumento) +
    `<Componenti>${d.components
      .map(
        (c) =>
          '<Componente>' +
          el('URN', c.urn) +
          el('Hash', c.sha256 ?? '') +
          el('AlgoritmoHash', 'SHA-256') +
          el('Encoding', 'hexBinary') +
          el('NomeComponente', c.name) +
          el('HashVersato', c.hashVersato) +
          '</Componente>',
      )
      .join('')}</Componenti>`;
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<RapportoVersamento>' +
    el('Versione', '1.0') +
    el('URNRapportoVersamento', `${unit.urn}:RappVers`) +
    el('DataRapportoVersamento', now) +
    esitoGenerale('POSITIVO', []) +
    versatoreXml(unit.versatore) +
    '<SIP>' +
    el('URNSIP', `${unit.urn}:SIP`) +
    el('DataVersamento', now) +
    `<UnitaDocumentaria>${chiaveXml(unit.key)}${el('TipologiaUnitaDocumentaria', unit.tipologia)}${documentsXml(unit.documents, doc, true)}</UnitaDocumentaria>` +
    '</SIP>' +
    '</RapportoVersamento>'
  );
}

export interface EsitoInput {
  versioneChiamata: string | null;
  outcome: 'POSITIVO' | 'NEGATIVO' | 'WARNING';
  errors: Reason[];
  versioneOk: boolean;
  credentialsOk: boolean;
  filesOk: boolean;
  xsdOk: boolean;
  unit: SimUnit | null;
  rapporto: string | null;
  /** The request XML, echoed back on a refusal as SacER does. */
  xmlVersamento: string | null;
  now: string;
}

export function esitoVersamentoXml(e: EsitoInput): string {
  const further = e.errors.slice(1);
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<EsitoVersamento>' +
    el('Versione', '1.5') +
    el('VersioneXMLChiamata', e.versioneChiamata) +
    (e.outcome !== 'NEGATIVO' && e.unit ? el('URNSIP', `${e.unit.urn}:SIP`) : '') +
    el('DataVersamento', e.now) +
    esitoGenerale(e.outcome, e.errors) +
    (further.length
      ? `<ErroriUlteriori>${further.map((r) => `<Errore>${el('CodiceErrore', r.code)}${el('MessaggioErrore', r.message)}</Errore>`).join('')}</ErroriUlteriori>`
      : '') +
    `<EsitoChiamataWS>${el('VersioneWSCorretta', e.versioneOk ? 'POSITIVO' : 'NEGATIVO')}${el('CredenzialiOperatore', e.credentialsOk ? 'POSITIVO' : 'NEGATIVO')}${el('FileAttesiRicevuti', e.filesOk ? 'POSITIVO' : 'NEGATIVO')}</EsitoChiamataWS>` +
    `<EsitoXSD>${el('CodiceEsito', e.xsdOk ? 'POSITIVO' : 'NEGATIVO')}${el('ControlloStrutturaXML', e.xsdOk ? 'POSITIVO' : 'NEGATIVO')}</EsitoXSD>` +
    (e.unit ? esitoUnitXml(e.unit, e.now, e.outcome === 'NEGATIVO' ? 'NEGATIVO' : 'POSITIVO') : '') +
    el('RapportoVersamento', e.rapporto) +
    (e.outcome === 'NEGATIVO' && !e.rapporto ? el('XMLVersamento', e.xmlVersamento) : '') +
    '</EsitoVersamento>'
  );
}

export interface StatoInput {
  versioneChiamata: string | null;
  outcome: 'POSITIVO' | 'NEGATIVO';
  error: Reason | null;
  versioneOk: boolean;
  credentialsOk: boolean;
  unit: { versatore: Versatore; key: UnitKey; urn: string } | null;
  now: string;
}

export function statoConservazioneXml(s: StatoInput): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<StatoConservazione>' +
    el('Versione', '1.3') +
    el('VersioneXMLChiamata', s.versioneChiamata) +
    el('DataRichiestaStato', s.now) +
    esitoGenerale(s.outcome, s.error ? [s.error] : []) +
    `<EsitoChiamataWS>${el('VersioneWSCorretta', s.versioneOk ? 'POSITIVO' : 'NEGATIVO')}${el('CredenzialiOperatore', s.credentialsOk ? 'POSITIVO' : 'NEGATIVO')}</EsitoChiamataWS>` +
    (s.unit
      ? `<UnitaDocumentaria>${versatoreXml(s.unit.versatore)}${chiaveXml(s.unit.key)}${el('urnUD', s.unit.urn)}${el('StatoConservazioneUD', 'PRESA_IN_CARICO')}</UnitaDocumentaria>`
      : '') +
    '</StatoConservazione>'
  );
}
