import type { Element } from '@xmldom/xmldom';
import { INTEROP_NAMESPACES, type InteropReference } from './interop-types.js';

/**
 * Lenient reading of interoperability XML: elements are matched by local name in either AgID
 * namespace (DOMAIN §8: senders use `…/protocollo/` or `…/protocollo/pec/`, some for every
 * element), attributes by local name whatever their prefix (the XSD qualifies them, many
 * senders do not). A value that is not there is null, never guessed.
 */

const NAMESPACES = new Set<string | null>(INTEROP_NAMESPACES);

export function children(parent: Element | null | undefined, localName: string): Element[] {
  const out: Element[] = [];
  if (!parent) return out;
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (n.nodeType !== 1) continue;
    const e = n as Element;
    if (e.localName === localName && NAMESPACES.has(e.namespaceURI)) out.push(e);
  }
  return out;
}

export function child(parent: Element | null | undefined, localName: string): Element | null {
  return children(parent, localName)[0] ?? null;
}

/** Trimmed text of the first such child, null when absent or empty. */
export function text(parent: Element | null | undefined, localName: string): string | null {
  const value = child(parent, localName)?.textContent?.trim();
  return value ? value : null;
}

/** An attribute by local name (qualified or not). */
export function attribute(element: Element | null | undefined, localName: string): string | null {
  if (!element) return null;
  for (let i = 0; i < element.attributes.length; i++) {
    const a = element.attributes[i];
    if ((a.localName ?? a.name) === localName && a.prefix !== 'xmlns') return a.value;
  }
  return null;
}

/** xs:boolean, with the XSD's default when absent. */
export function booleanAttribute(element: Element | null, localName: string, fallback: boolean): boolean {
  const value = attribute(element, localName)?.trim();
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return fallback;
}

/** An IdentificatoreType, or the names of its missing parts. */
export function readIdentifier(
  element: Element | null,
): { reference: InteropReference; missing: [] } | { reference: null; missing: string[] } {
  if (!element) return { reference: null, missing: ['Identificatore'] };
  const parts = {
    codiceAmministrazione: text(element, 'CodiceAmministrazione'),
    codiceAOO: text(element, 'CodiceAOO'),
    codiceRegistro: text(element, 'CodiceRegistro'),
    numero: text(element, 'NumeroRegistrazione'),
    data: text(element, 'DataRegistrazione'),
  };
  const missing = Object.entries(parts)
    .filter(([, v]) => v === null)
    .map(([k]) => k);
  if (missing.length > 0) return { reference: null, missing };
  return {
    reference: {
      codiceAmministrazione: parts.codiceAmministrazione as string,
      codiceAOO: parts.codiceAOO as string,
      codiceRegistro: parts.codiceRegistro as string,
      numero: parts.numero as string,
      data: parts.data as string,
      ora: text(element, 'OraRegistrazione'),
    },
    missing: [],
  };
}
