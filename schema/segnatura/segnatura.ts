import { create } from 'xmlbuilder2';
import { InvalidInputError } from '../../server/errors/domain-error.js';
import type { SegnaturaInput } from './segnatura-input.js';
import { buildSegnaturaDocument, PROT_NS } from './segnatura-xml.js';
import { sealDocument, type SealKey } from './xades-seal.js';

/**
 * The unsigned `SegnaturaInformatica` XML of a registration (no indentation: whitespace would
 * be content under the seal). It validates against the XSD only once sealed, since the XSD
 * makes `ds:Signature` mandatory.
 */
export function buildSegnatura(input: SegnaturaInput): string {
  return buildSegnaturaDocument(input).end({ prettyPrint: false });
}

/** Seals a segnatura built by `buildSegnatura` with the given key (see `sealSegnatura`). */
export function sealSegnaturaXml(xml: string, key: SealKey, signingTime: Date): string {
  // Only our own output comes here; a DOCTYPE could still smuggle entities: refuse it.
  if (/<!DOCTYPE/i.test(xml)) throw new InvalidInputError('xml', 'must not contain a DOCTYPE');
  const doc = create(xml);
  const root = doc.root().node as unknown as {
    namespaceURI: string | null;
    localName: string;
    getElementsByTagNameNS(ns: string, name: string): { length: number };
  };
  if (root.namespaceURI !== PROT_NS || root.localName !== 'SegnaturaInformatica')
    throw new InvalidInputError('xml', 'is not a SegnaturaInformatica');
  if (root.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature').length > 0)
    throw new InvalidInputError('xml', 'is sealed already');
  return sealDocument(doc, key, signingTime);
}
