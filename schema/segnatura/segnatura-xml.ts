import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { InvalidInputError } from '../../server/errors/domain-error.js';
import type {
  SegnaturaClassification,
  SegnaturaContacts,
  SegnaturaCorrespondent,
  SegnaturaDocument,
  SegnaturaIdentifier,
  SegnaturaInput,
  SegnaturaIpaOffice,
  SegnaturaPerson,
  SegnaturaRecipient,
} from './segnatura-input.js';

export const PROT_NS = 'http://www.agid.gov.it/protocollo/';

// The XSD's patterns: a value that does not match is left out where the element is optional
// (the XML must validate), and refused where it is mandatory.
const CODICE_FISCALE =
  /^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$/;
const PARTITA_IVA = /^[0-9]{11}$/;
const CODICE_REGISTRO = /^[A-Za-z0-9_.-]{1,16}$/;
const CAP_XSD = /^[0-9]{6}$/; // the XSD's defect: Italian CAPs have 5 digits
const ISTAT = /^[0-9]{6}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{2}:\d{2}:\d{2}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
// Characters XML 1.0 cannot carry at all (they would make the document unparseable).
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

function text(value: string): string {
  return value.replace(NOT_XML, '');
}

/** Elements and attributes of the protocol namespace (attributeFormDefault="qualified"). */
function ele(parent: XmlSink, name: string, value?: string): XmlSink {
  const child = parent.ele(PROT_NS, `prot:${name}`);
  if (value !== undefined) child.txt(text(value));
  return child;
}

function att(node: XmlSink, name: string, value: string): XmlSink {
  return node.att(PROT_NS, `prot:${name}`, text(value));
}

function identifier(parent: XmlSink, name: string, id: SegnaturaIdentifier, field: string): void {
  if (!CODICE_REGISTRO.test(id.codiceRegistro))
    throw new InvalidInputError(`${field}.codiceRegistro`, 'must match [A-Za-z0-9_.-]{1,16}');
  if (!Number.isSafeInteger(id.numero) || id.numero < 1)
    throw new InvalidInputError(`${field}.numero`, 'must be a positive integer');
  if (!DATE.test(id.data)) throw new InvalidInputError(`${field}.data`, 'must be YYYY-MM-DD');
  if (id.ora !== undefined && !TIME.test(id.ora))
    throw new InvalidInputError(`${field}.ora`, 'must be HH:MM:SS');
  const node = ele(parent, name);
  const amm = ele(
    node,
    'CodiceAmministrazione',
    required(`${field}.codiceAmministrazione`, id.codiceAmministrazione),
  );
  if (id.denominazioneAmministrazione) att(amm, 'descrizione', id.denominazioneAmministrazione);
  const aoo = ele(node, 'CodiceAOO', required(`${field}.codiceAOO`, id.codiceAOO));
  if (id.denominazioneAOO) att(aoo, 'descrizione', id.denominazioneAOO);
  ele(node, 'CodiceRegistro', id.codiceRegistro);
  ele(node, 'NumeroRegistrazione', String(id.numero).padStart(7, '0'));
  ele(node, 'DataRegistrazione', id.data);
  if (id.ora) ele(node, 'OraRegistrazione', id.ora);
}

function required(field: string, value: string | undefined): string {
  const v = text(value ?? '').trim();
  if (!v) throw new InvalidInputError(field, 'must not be empty');
  return v;
}

function classification(parent: XmlSink, c: SegnaturaClassification, field: string): void {
  const node = ele(parent, 'Classifica');
  ele(node, 'Denominazione', required(`${field}.denominazione`, c.denominazione));
  if (c.levels && c.levels.length > 0) {
    // CodicePath: each level nests the next in a SubLivello.
    let level = ele(node, 'CodicePath');
    c.levels.forEach((l, i) => {
      if (i > 0) level = ele(level, 'SubLivello');
      const livello = ele(level, 'Livello', required(`${field}.levels`, l.codice));
      if (l.descrizione) att(livello, 'descrizione', l.descrizione);
    });
  } else {
    ele(node, 'CodiceFlat', required(`${field}.codice`, c.codice));
  }
}

function intestazioneCore(
  parent: XmlSink,
  r: {
    identifier: SegnaturaIdentifier;
    primaRegistrazione?: SegnaturaIdentifier;
    oggetto: string;
    classification: SegnaturaClassification;
    fascicolo?: { denominazione: string; codice: string };
  },
  field: string,
): void {
  identifier(parent, 'Identificatore', r.identifier, `${field}identifier`);
  if (r.primaRegistrazione)
    identifier(parent, 'PrimaRegistrazione', r.primaRegistrazione, `${field}primaRegistrazione`);
  ele(parent, 'Oggetto', required(`${field}oggetto`, r.oggetto));
  classification(parent, r.classification, `${field}classification`);
  if (r.fascicolo) {
    const f = ele(parent, 'Fascicolo');
    ele(f, 'Denominazione', r.fascicolo.denominazione);
    ele(f, 'CodiceFascicolo', r.fascicolo.codice);
  }
}

function contacts(parent: XmlSink, name: string, c: SegnaturaContacts | undefined): void {
  if (!c) return;
  // Only addresses the XSD can hold (6-digit CAP, 6-digit ISTAT code): see SegnaturaPostalAddress.
  const postal = (c.indirizziPostali ?? []).filter(
    (a) => CAP_XSD.test(a.cap) && ISTAT.test(a.codiceIstatComune),
  );
  const emails = [
    ...(c.email ?? []).map((v) => ({ v, tipo: 'smtp', note: undefined as string | undefined })),
    ...(c.pec ?? []).map((v) => ({ v, tipo: 'smtp', note: 'PEC' })),
    ...(c.url ?? []).map((v) => ({ v, tipo: 'url', note: undefined as string | undefined })),
  ].filter((e) => e.v.trim());
  const phones = (c.telefoni ?? []).filter((t) => t.trim());
  if (postal.length + emails.length + phones.length === 0) return;
  const node = ele(parent, name);
  for (const a of postal) {
    const p = ele(node, 'IndirizzoPostale');
    const t = ele(p, 'Toponimo');
    ele(t, 'dug', a.dug);
    ele(t, 'duf', a.duf);
    ele(p, 'Civico', a.civico);
    ele(p, 'CAP', a.cap);
    att(ele(p, 'Comune', a.comune), 'CodiceISTAT', a.codiceIstatComune);
    att(ele(p, 'Nazione', a.nazione ?? 'Italia'), 'codice3166', a.codiceNazione ?? 'ITA');
  }
  for (const e of emails) {
    const n = att(ele(node, 'IndirizzoTelematico', e.v.trim()), 'tipo', e.tipo);
    if (e.note) att(n, 'note', e.note);
  }
  for (const t of phones) ele(node, 'Telefono', t.trim());
}

function person(parent: XmlSink, p: SegnaturaPerson, field: string): void {
  const node = ele(parent, 'PersonaFisica');
  ele(node, 'Nome', required(`${field}.nome`, p.nome));
  ele(node, 'Cognome', required(`${field}.cognome`, p.cognome));
  if (p.titolo) ele(node, 'Titolo', p.titolo);
  const cf = p.codiceFiscale?.trim().toUpperCase();
  if (cf && CODICE_FISCALE.test(cf)) ele(node, 'CodiceFiscale', cf);
  contacts(node, 'Contatti', p.contatti);
}

function ipaCode(parent: XmlSink, name: string, office: SegnaturaIpaOffice, field: string): void {
  const node = ele(parent, name, required(field, office.codiceIPA));
  if (office.denominazione) att(node, 'descrizione', office.denominazione);
}

function correspondent(node: XmlSink, c: SegnaturaCorrespondent, field: string): void {
  switch (c.type) {
    case 'PERSONA_FISICA':
      person(node, c, field);
      return;
    case 'PERSONA_GIURIDICA': {
      const pg = ele(node, 'PersonaGiuridica');
      ele(pg, 'Denominazione', required(`${field}.denominazione`, c.denominazione));
      const piva = c.partitaIvaOCodiceFiscale?.trim();
      if (piva && PARTITA_IVA.test(piva)) ele(pg, 'PIVAoCF', piva);
      contacts(pg, 'ContattiPersonaGiuridica', c.contatti);
      (c.persone ?? []).forEach((p, i) => person(pg, p, `${field}.persone[${i}]`));
      return;
    }
    case 'AMMINISTRAZIONE': {
      const a = ele(node, 'Amministrazione');
      ele(a, 'DenominazioneAmministrazione', required(`${field}.denominazione`, c.denominazione));
      const cf = c.codiceFiscale?.trim();
      if (cf && PARTITA_IVA.test(cf)) ele(a, 'CFAmministrazione', cf);
      ipaCode(
        a,
        'CodiceIPAAmministrazione',
        { codiceIPA: c.codiceIPA, denominazione: c.denominazione },
        `${field}.codiceIPA`,
      );
      contacts(a, 'ContattiAmministrazione', c.contatti);
      if (c.aoo) {
        ipaCode(a, 'CodiceIPAAOO', c.aoo, `${field}.aoo.codiceIPA`);
        contacts(a, 'ContattiAOO', c.aoo.contatti);
      }
      if (c.uo) {
        ipaCode(a, 'CodiceIPAUO', c.uo, `${field}.uo.codiceIPA`);
        contacts(a, 'ContattiUO', c.uo.contatti);
      }
      (c.persone ?? []).forEach((p, i) => person(a, p, `${field}.persone[${i}]`));
      return;
    }
    case 'AMMINISTRAZIONE_ESTERA': {
      const a = ele(node, 'AmministrazioneEstera');
      ele(a, 'DenominazioneAmministrazione', required(`${field}.denominazione`, c.denominazione));
      if (c.ufficio) ele(a, 'DenominazioneUfficio', c.ufficio);
      contacts(a, 'ContattiAmministrazione', c.contatti);
      return;
    }
  }
}

function document(parent: XmlSink, name: string, d: SegnaturaDocument, field: string): void {
  const sha = d.sha256.toLowerCase();
  if (!SHA256_HEX.test(sha))
    throw new InvalidInputError(`${field}.sha256`, 'must be 64 hexadecimal characters');
  const node = ele(parent, name);
  att(node, 'nomeFile', required(`${field}.nomeFile`, d.nomeFile));
  att(node, 'mimeType', required(`${field}.mimeType`, d.mimeType));
  if (d.descrizione) ele(node, 'Descrizione', d.descrizione);
  // Impronta: base64 of the digest itself (xs:base64Binary), not of its hex spelling.
  att(ele(node, 'Impronta', Buffer.from(sha, 'hex').toString('base64')), 'algoritmo', 'SHA-256');
  if (d.firmatoDigitalmente) ele(ele(node, 'firmatoDigitalmente'), 'UnDetached', 'true');
}

/**
 * The unsigned `SegnaturaInformatica` document (xmlbuilder2), ready for the seal: everything of
 * the XSD except the mandatory `ds:Signature`, which `sealSegnatura` appends as last child.
 */
export function buildSegnaturaDocument(input: SegnaturaInput): XMLBuilder {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  writeSegnatura(doc, input);
  return doc;
}

/**
 * The exclusive canonical form (exc-c14n, no comments) of the root element of
 * `buildSegnaturaDocument(input)`, written directly: the same characters `canonicalElement`
 * takes from that document's DOM (the tests compare the two), without building the DOM and
 * walking it, which cost more than the rest of a registration's segnatura but its signature.
 */
export function canonicalSegnatura(input: SegnaturaInput): string {
  const top = new CanonicalElement('');
  writeSegnatura(top, input);
  return top.rootText();
}

/** What the segnatura is written to: xmlbuilder2's builder, or the canonical writer below. */
interface XmlSink {
  ele(namespace: string, qualifiedName: string): XmlSink;
  txt(content: string): XmlSink;
  att(namespace: string, qualifiedName: string, value: string): XmlSink;
}

const PROT_PREFIX = 'prot:';

/**
 * An element of the protocol namespace written in exclusive canonical form, as xmldsigjs's
 * exc-c14n renders what the writer builds: every element and attribute is `prot:`-qualified,
 * so `xmlns:prot` is declared once, on the root (the apex), and nowhere below; attributes in
 * order of namespace URI then local name (one namespace: local names, compared as JavaScript
 * strings, as xmldsigjs does); every element as start and end tag; text with &, <, > and CR
 * escaped, attribute values with &, <, ", TAB, LF and CR.
 */
class CanonicalElement implements XmlSink {
  private readonly attributes: Array<{ local: string; value: string }> = [];
  private readonly children: Array<CanonicalElement | string> = [];

  constructor(private readonly name: string) {}

  ele(namespace: string, qualifiedName: string): CanonicalElement {
    if (namespace !== PROT_NS || !qualifiedName.startsWith(PROT_PREFIX))
      throw new Error(`canonical segnatura: ${qualifiedName} is not of the protocol namespace`);
    const child = new CanonicalElement(qualifiedName);
    this.children.push(child);
    return child;
  }

  txt(content: string): CanonicalElement {
    this.children.push(content.replace(TEXT_ESCAPED, (c) => TEXT_ESCAPES[c] ?? c));
    return this;
  }

  att(namespace: string, qualifiedName: string, value: string): CanonicalElement {
    if (namespace !== PROT_NS || !qualifiedName.startsWith(PROT_PREFIX))
      throw new Error(`canonical segnatura: ${qualifiedName} is not of the protocol namespace`);
    const local = qualifiedName.slice(PROT_PREFIX.length);
    const escaped = value.replace(ATTRIBUTE_ESCAPED, (c) => ATTRIBUTE_ESCAPES[c] ?? c);
    // As a DOM's setAttribute: a second value replaces the first.
    const existing = this.attributes.find((a) => a.local === local);
    if (existing) existing.value = escaped;
    else this.attributes.push({ local, value: escaped });
    return this;
  }

  /** The canonical text of the single root element written into this (document-level) node. */
  rootText(): string {
    const [root] = this.children;
    if (!(root instanceof CanonicalElement) || this.children.length !== 1)
      throw new Error('canonical segnatura: one root element expected');
    const out: string[] = [];
    root.write(out, ` xmlns:prot="${PROT_NS}"`);
    return out.join('');
  }

  private write(out: string[], namespaces: string): void {
    out.push('<', this.name, namespaces);
    const sorted = [...this.attributes].sort((x, y) => (x.local < y.local ? -1 : x.local > y.local ? 1 : 0));
    for (const a of sorted) out.push(' ', PROT_PREFIX, a.local, '="', a.value, '"');
    out.push('>');
    for (const child of this.children) {
      if (typeof child === 'string') out.push(child);
      else child.write(out, '');
    }
    out.push('</', this.name, '>');
  }
}

const TEXT_ESCAPED = /[&<>\r]/g;
const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' };
const ATTRIBUTE_ESCAPED = /[&<"\t\n\r]/g;
const ATTRIBUTE_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '"': '&quot;',
  '\t': '&#x9;',
  '\n': '&#xA;',
  '\r': '&#xD;',
};

/** The segnatura's elements, from the root down, to `top` (a document). */
function writeSegnatura(top: XmlSink, input: SegnaturaInput): void {
  if (input.destinatari.length === 0) throw new InvalidInputError('destinatari', 'at least one is required');
  const root = top.ele(PROT_NS, 'prot:SegnaturaInformatica');
  att(root, 'versione', '3.0.0');
  att(root, 'lang', 'it');

  const intestazione = ele(root, 'Intestazione');
  intestazioneCore(intestazione, input, '');
  if (input.riservato) {
    const r = ele(intestazione, 'Riservato', 'true');
    if (input.riservato.note) att(r, 'note', input.riservato.note);
  }
  if (input.riferimento) intestazioneCore(ele(root, 'Riferimenti'), input.riferimento, 'riferimento.');

  const descrizione = ele(root, 'Descrizione');
  correspondent(ele(descrizione, 'Mittente'), input.mittente, 'mittente');
  input.destinatari.forEach((d: SegnaturaRecipient, i) => {
    const node = ele(descrizione, 'Destinatario');
    correspondent(node, d, `destinatari[${i}]`);
    if (d.confermaRicezione !== undefined) att(node, 'confermaRicezione', String(d.confermaRicezione));
    if (d.perConoscenza) att(node, 'perConoscenza', 'true');
  });
  document(descrizione, 'DocumentoPrimario', input.documentoPrimario, 'documentoPrimario');
  input.allegati.forEach((a, i) => document(descrizione, 'Allegato', a, `allegati[${i}]`));
}
