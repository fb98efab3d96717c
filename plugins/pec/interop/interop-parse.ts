import type { Element } from '@xmldom/xmldom';
import { INTEROP_FILES, INTEROP_NAMESPACES, type InteropKind } from './interop-types.js';
import { interopMessageFacts, type InteropMessageFacts } from './parse-messages.js';
import { segnaturaFacts, type SegnaturaFacts } from './segnatura-facts.js';
import { parseUntrustedXml } from './xml-safety.js';

/**
 * Direct readers of one interoperability file's content, for callers that have the file alone
 * (findInteropAttachment also validates and verifies the seal). Unreadable or unsafe XML, or a
 * different root element, is an InteropParseError with the reason.
 */

export class InteropParseError extends Error {
  readonly code = 'PEC_INTEROP_UNREADABLE';
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'InteropParseError';
  }
}

const NAMESPACES = new Set<string | null>(INTEROP_NAMESPACES);

function rootOf(xml: Buffer | string, kind: InteropKind): Element {
  const parsed = parseUntrustedXml(xml);
  if (!parsed.ok) throw new InteropParseError(parsed.reason);
  const root = parsed.doc.documentElement as Element;
  const expected = INTEROP_FILES[kind].root;
  if (root.localName !== expected || !NAMESPACES.has(root.namespaceURI))
    throw new InteropParseError(
      `the root element is {${root.namespaceURI ?? ''}}${root.localName}, not ${expected} of an AgID namespace`,
    );
  return root;
}

export function parseSegnatura(xml: Buffer | string): SegnaturaFacts {
  return segnaturaFacts(rootOf(xml, 'segnatura'));
}

export function parseConferma(xml: Buffer | string): InteropMessageFacts {
  return interopMessageFacts(rootOf(xml, 'conferma'), 'conferma');
}

export function parseAggiornamento(xml: Buffer | string): InteropMessageFacts {
  return interopMessageFacts(rootOf(xml, 'aggiornamento'), 'aggiornamento');
}

export function parseEccezione(xml: Buffer | string): InteropMessageFacts {
  return interopMessageFacts(rootOf(xml, 'eccezione'), 'eccezione');
}

export function parseAnnullamento(xml: Buffer | string): InteropMessageFacts {
  return interopMessageFacts(rootOf(xml, 'annullamento'), 'annullamento');
}
