import type { Element } from '@xmldom/xmldom';
import type { InteropReference } from './interop-types.js';
import { attribute, booleanAttribute, child, children, readIdentifier, text } from './xml-read.js';

/**
 * What registering an incoming Segnatura needs, read from the XML (schema-valid or not: a
 * non-compliant message is still registered, marked, DOMAIN §8). Absent values are null.
 */
export interface SegnaturaCorrespondentFacts {
  tipo: 'amministrazione' | 'persona-giuridica' | 'persona-fisica' | 'amministrazione-estera' | null;
  denominazione: string | null;
  codiceAmministrazione: string | null;
  codiceAOO: string | null;
  codiceUO: string | null;
  codiceFiscale: string | null;
  /** smtp addresses (IndirizzoTelematico tipo="smtp" or no tipo) in document order: PEC or PEO. */
  email: string[];
  /** The first of `email`: the address a reply (Conferma, Eccezione) goes to. */
  pec: string | null;
}

export interface SegnaturaRecipientFacts extends SegnaturaCorrespondentFacts {
  /** XSD default true: a recipient without the attribute asks for a ConfermaRicezione. */
  confermaRicezione: boolean;
  perConoscenza: boolean;
}

export interface SegnaturaDocumentFacts {
  ruolo: 'primario' | 'allegato';
  nomeFile: string | null;
  mimeType: string | null;
  descrizione: string | null;
  /** The Impronta as written (base64 of the digest). */
  impronta: string | null;
  /** The algoritmo attribute, "SHA-256" when absent (the XSD's default). */
  algoritmo: string;
  /** The digest in lower-case hex, when the impronta is base64 of the right length. */
  digestHex: string | null;
  firmatoDigitalmente: boolean;
}

export interface SegnaturaFacts {
  /** The sender's registration: CodiceAmministrazione, CodiceAOO, CodiceRegistro, numero, data. */
  codiceAmministrazione: string | null;
  codiceAOO: string | null;
  codiceRegistro: string | null;
  numero: string | null;
  data: string | null;
  ora: string | null;
  identificatore: InteropReference | null;
  primaRegistrazione: InteropReference | null;
  oggetto: string | null;
  mittente: SegnaturaCorrespondentFacts | null;
  destinatari: SegnaturaRecipientFacts[];
  /** Some recipient asks for a ConfermaRicezione (Allegato 6 §3.1.1 A). */
  confermaRichiesta: boolean;
  classifica: { denominazione: string | null; codice: string | null; livelli: string[] } | null;
  fascicolo: { denominazione: string | null; codice: string | null } | null;
  riservato: boolean;
  /** Riferimenti: the registration this one answers, if the sender gave it. */
  riferimento: InteropReference | null;
  documenti: SegnaturaDocumentFacts[];
  /** What could not be read (mandatory parts missing). */
  missing: string[];
}

const DIGEST_BYTES: Record<string, number> = { 'SHA-224': 28, 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };

function contacts(...nodes: (Element | null)[]): string[] {
  const out: string[] = [];
  for (const node of nodes)
    for (const address of children(node, 'IndirizzoTelematico')) {
      const tipo = attribute(address, 'tipo') ?? 'smtp';
      const value = address.textContent?.trim();
      if (tipo === 'smtp' && value && !out.includes(value)) out.push(value);
    }
  return out;
}

function personName(p: Element | null): string | null {
  if (!p) return null;
  const name = [text(p, 'Titolo'), text(p, 'Nome'), text(p, 'Cognome')].filter(Boolean).join(' ');
  return name || null;
}

function correspondent(element: Element | null): SegnaturaCorrespondentFacts | null {
  if (!element) return null;
  const amm = child(element, 'Amministrazione');
  const pg = child(element, 'PersonaGiuridica');
  const pf = child(element, 'PersonaFisica');
  const estera = child(element, 'AmministrazioneEstera');
  const base = { codiceAmministrazione: null, codiceAOO: null, codiceUO: null, codiceFiscale: null };
  let facts: Omit<SegnaturaCorrespondentFacts, 'pec'>;
  if (amm) {
    const people = children(amm, 'PersonaFisica');
    facts = {
      ...base,
      tipo: 'amministrazione',
      denominazione: text(amm, 'DenominazioneAmministrazione'),
      codiceAmministrazione: text(amm, 'CodiceIPAAmministrazione'),
      codiceAOO: text(amm, 'CodiceIPAAOO'),
      codiceUO: text(amm, 'CodiceIPAUO'),
      codiceFiscale: text(amm, 'CFAmministrazione'),
      // The AOO's address first: that is where protocol messages go.
      email: contacts(
        child(amm, 'ContattiAOO'),
        child(amm, 'ContattiUO'),
        child(amm, 'ContattiAmministrazione'),
        ...people.map((p) => child(p, 'Contatti')),
      ),
    };
  } else if (pg) {
    facts = {
      ...base,
      tipo: 'persona-giuridica',
      denominazione: text(pg, 'Denominazione'),
      codiceFiscale: text(pg, 'PIVAoCF'),
      email: contacts(child(pg, 'ContattiPersonaGiuridica')),
    };
  } else if (pf) {
    facts = {
      ...base,
      tipo: 'persona-fisica',
      denominazione: personName(pf),
      codiceFiscale: text(pf, 'CodiceFiscale'),
      email: contacts(child(pf, 'Contatti')),
    };
  } else if (estera) {
    facts = {
      ...base,
      tipo: 'amministrazione-estera',
      denominazione:
        [text(estera, 'DenominazioneAmministrazione'), text(estera, 'DenominazioneUfficio')]
          .filter(Boolean)
          .join(' — ') || null,
      email: contacts(child(estera, 'ContattiAmministrazione')),
    };
  } else {
    facts = { ...base, tipo: null, denominazione: null, email: [] };
  }
  return { ...facts, pec: facts.email[0] ?? null };
}

function documentFacts(element: Element, ruolo: 'primario' | 'allegato'): SegnaturaDocumentFacts {
  const impronta = child(element, 'Impronta');
  const value = impronta?.textContent?.replace(/\s+/g, '') || null;
  const algoritmo = attribute(impronta, 'algoritmo')?.trim() || 'SHA-256';
  let digestHex: string | null = null;
  if (value && /^[A-Za-z0-9+/]+={0,2}$/.test(value)) {
    const bytes = Buffer.from(value, 'base64');
    const expected = DIGEST_BYTES[algoritmo.toUpperCase()];
    if (expected === undefined || bytes.length === expected) digestHex = bytes.toString('hex');
  }
  return {
    ruolo,
    nomeFile: attribute(element, 'nomeFile'),
    mimeType: attribute(element, 'mimeType'),
    descrizione: text(element, 'Descrizione'),
    impronta: value,
    algoritmo,
    digestHex,
    firmatoDigitalmente: child(element, 'firmatoDigitalmente') !== null,
  };
}

function classifica(element: Element | null): SegnaturaFacts['classifica'] {
  if (!element) return null;
  const livelli: string[] = [];
  for (let level = child(element, 'CodicePath'); level; level = child(level, 'SubLivello')) {
    const value = text(level, 'Livello');
    if (value) livelli.push(value);
  }
  return {
    denominazione: text(element, 'Denominazione'),
    codice: text(element, 'CodiceFlat') ?? (livelli.length > 0 ? livelli.join('.') : null),
    livelli,
  };
}

/** The facts of a SegnaturaInformatica root element (either namespace). */
export function segnaturaFacts(root: Element): SegnaturaFacts {
  const intestazione = child(root, 'Intestazione');
  const descrizione = child(root, 'Descrizione');
  const missing: string[] = [];
  if (!intestazione) missing.push('Intestazione');
  if (!descrizione) missing.push('Descrizione');
  const id = readIdentifier(child(intestazione, 'Identificatore'));
  if (intestazione) missing.push(...id.missing.map((m) => `Intestazione/Identificatore/${m}`));
  const fields = (name: keyof InteropReference) => id.reference?.[name] ?? null;
  const raw = child(intestazione, 'Identificatore');
  const destinatari = children(descrizione, 'Destinatario').map((d) => ({
    ...(correspondent(d) as SegnaturaCorrespondentFacts),
    confermaRicezione: booleanAttribute(d, 'confermaRicezione', true),
    perConoscenza: booleanAttribute(d, 'perConoscenza', false),
  }));
  const mittente = correspondent(child(descrizione, 'Mittente'));
  if (descrizione && !mittente) missing.push('Descrizione/Mittente');
  const primary = child(descrizione, 'DocumentoPrimario');
  if (descrizione && !primary) missing.push('Descrizione/DocumentoPrimario');
  const fascicolo = child(intestazione, 'Fascicolo');
  return {
    // Partial identifiers are reported part by part (what is there is there).
    codiceAmministrazione: fields('codiceAmministrazione') ?? text(raw, 'CodiceAmministrazione'),
    codiceAOO: fields('codiceAOO') ?? text(raw, 'CodiceAOO'),
    codiceRegistro: fields('codiceRegistro') ?? text(raw, 'CodiceRegistro'),
    numero: fields('numero') ?? text(raw, 'NumeroRegistrazione'),
    data: fields('data') ?? text(raw, 'DataRegistrazione'),
    ora: text(raw, 'OraRegistrazione'),
    identificatore: id.reference,
    primaRegistrazione: readIdentifier(child(intestazione, 'PrimaRegistrazione')).reference,
    oggetto: text(intestazione, 'Oggetto'),
    mittente,
    destinatari,
    confermaRichiesta: destinatari.some((d) => d.confermaRicezione),
    classifica: classifica(child(intestazione, 'Classifica')),
    fascicolo: fascicolo
      ? { denominazione: text(fascicolo, 'Denominazione'), codice: text(fascicolo, 'CodiceFascicolo') }
      : null,
    riservato: ['true', '1'].includes(text(intestazione, 'Riservato') ?? ''),
    riferimento: readIdentifier(child(child(root, 'Riferimenti'), 'Identificatore')).reference,
    documenti: [
      ...(primary ? [documentFacts(primary, 'primario')] : []),
      ...children(descrizione, 'Allegato').map((a) => documentFacts(a, 'allegato')),
    ],
    missing,
  };
}

/**
 * Whether the Segnatura asks this AOO for a ConfermaRicezione: its own Destinatario entries
 * (matched by IPA codes, the AOO's when the entry names one) decide, as Allegato 6 §3.1.1 B has
 * the recipient read Destinatario@confermaRicezione. Null when no entry names this
 * administration (the message is not addressed to it by code: an operator decides).
 */
export function confermaRequestedBy(
  facts: SegnaturaFacts,
  own: { codiceAmministrazione: string; codiceAOO: string },
): boolean | null {
  const same = (a: string | null, b: string) => a !== null && a.toLowerCase() === b.toLowerCase();
  const mine = facts.destinatari.filter(
    (d) =>
      same(d.codiceAmministrazione, own.codiceAmministrazione) &&
      (d.codiceAOO === null || same(d.codiceAOO, own.codiceAOO)),
  );
  return mine.length === 0 ? null : mine.some((d) => d.confermaRicezione);
}
