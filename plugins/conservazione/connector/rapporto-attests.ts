import type { Element } from '@xmldom/xmldom';
import type { UnitKey } from '../sip/index.js';
import type { Attested } from './connector.js';
import { childElements, pathElement, pathValue } from './xml-elements.js';

/** The documents of a unit in a rapporto (UnitaDocumentariaSIPType), each with its Componenti. */
const DOCUMENTS = ['DocumentoPrincipale', 'Allegato', 'Annesso', 'Annotazione'];

/**
 * What a RapportoVersamento attests, as plain facts: the unit it names (SIP/UnitaDocumentaria/
 * Chiave) and the digest the conservator computed of each component it holds (Hash, with its
 * AlgoritmoHash and Encoding: SHA-256 as lowercase hex, hexBinary or base64 as ParER writes it).
 * A digest of another algorithm, or one that is not a SHA-256 in either encoding, is kept as
 * `ALGORITHM:value`: it attests nothing the transfer can compare, so it matches no file of ours.
 */
export function rapportoAttests(rapporto: Element): Attested {
  const unit = pathElement(rapporto, 'SIP', 'UnitaDocumentaria');
  const sha256: string[] = [];
  for (const name of DOCUMENTS) {
    for (const doc of childElements(unit, name)) {
      for (const c of childElements(pathElement(doc, 'Componenti'), 'Componente')) {
        sha256.push(digestOf(pathValue(c, 'Hash') ?? '', pathValue(c, 'AlgoritmoHash')));
      }
    }
  }
  return { key: keyOf(pathElement(unit, 'Chiave')), sha256 };
}

function keyOf(chiave: Element | null): UnitKey | null {
  const numero = pathValue(chiave, 'Numero');
  const anno = pathValue(chiave, 'Anno');
  const registro = pathValue(chiave, 'TipoRegistro');
  if (numero === null || anno === null || registro === null || !/^\d+$/.test(anno)) return null;
  return { numero, anno: Number(anno), registro };
}

function digestOf(hash: string, algorithm: string | null): string {
  const normalised = (algorithm ?? 'SHA-256').toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (normalised === 'SHA256') {
    if (/^[0-9a-fA-F]{64}$/.test(hash)) return hash.toLowerCase();
    if (/^[A-Za-z0-9+/]{43}=$/.test(hash)) return Buffer.from(hash, 'base64').toString('hex');
  }
  return `${algorithm ?? 'SHA-256'}:${hash}`;
}
