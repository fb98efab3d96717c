import { InvalidInputError } from '../../server/errors/domain-error.js';
import type { SegnaturaInput } from './segnatura-input.js';
import { buildSegnaturaDocument, canonicalSegnatura, PROT_NS } from './segnatura-xml.js';
import type { Element } from '@xmldom/xmldom';
import { canonicalElement, DS_NS, parseXml, sealCanonical, type SealKey } from './xades-seal.js';

/**
 * The unsigned `SegnaturaInformatica` XML of a registration (no indentation: whitespace would
 * be content under the seal). It validates against the XSD only once sealed, since the XSD
 * makes `ds:Signature` mandatory.
 */
export function buildSegnatura(input: SegnaturaInput): string {
  // xmlbuilder2 writes CR, and TAB/LF inside attribute values, as raw characters, which a
  // conforming parser (the seal's among them) normalises away: CR LF becomes LF, TAB or LF in an
  // attribute a space. The markup has no whitespace of its own (no indentation, no line after the
  // declaration), so writing the three as character references everywhere keeps the data exact.
  return buildSegnaturaDocument(input)
    .end({ prettyPrint: false })
    .replace(/[\t\n\r]/g, (c) => `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`);
}

/** Seals a segnatura built by `buildSegnatura` with the given key (see `sealSegnatura`). */
export async function sealSegnaturaXml(xml: string, key: SealKey, signingTime: Date): Promise<string> {
  // Only our own output comes here; a DOCTYPE could still smuggle entities: refuse it.
  if (/<!DOCTYPE/i.test(xml)) throw new InvalidInputError('xml', 'must not contain a DOCTYPE');
  const doc = parseXml(xml);
  const root = doc.documentElement;
  if (!root || root.namespaceURI !== PROT_NS || root.localName !== 'SegnaturaInformatica')
    throw new InvalidInputError('xml', 'is not a SegnaturaInformatica');
  if (root.getElementsByTagNameNS(DS_NS, 'Signature').length > 0)
    throw new InvalidInputError('xml', 'is sealed already');
  // The XAdES signature from its template around the root's canonical form (one DOM pass, no
  // xadesjs object model): the same bytes xadesjs writes (sealDocument; the tests compare them).
  return Promise.resolve(sealCanonical(canonicalElement(root), key, signingTime));
}

/**
 * `sealSegnaturaXml(buildSegnatura(input), …)` without the round trip through text, nor a DOM:
 * the root's canonical form is written directly (`canonicalSegnatura`: the same characters
 * exc-c14n takes from the built document's DOM, and the parsed text would give; the tests
 * compare the three).
 */
export function sealSegnaturaInput(input: SegnaturaInput, key: SealKey, signingTime: Date): string {
  return sealCanonical(canonicalSegnatura(input), key, signingTime);
}

/** The canonical root of `buildSegnaturaDocument(input)` taken from its DOM (the tests' reference). */
export function canonicalSegnaturaOfDom(input: SegnaturaInput): string {
  // xmlbuilder2's DOM has the node interface exc-c14n reads (names, namespaces, attributes, text).
  return canonicalElement(buildSegnaturaDocument(input).root().node as unknown as Element);
}
