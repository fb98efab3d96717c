/**
 * Exclusive XML Canonicalization 1.0 without comments
 * (http://www.w3.org/2001/10/xml-exc-c14n#), over the DOM xmlbuilder2 builds. The seal needs
 * the canonical bytes of the document, of SignedProperties and of SignedInfo; the document we
 * canonicalise is always one we built (no DTD, no entity references, no PIs, no comments), so
 * this covers elements, attributes and text, which is all such a document has.
 * xmlsec1 (libxml2's canonicaliser) checks the result independently in the tests.
 */

const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
const ELEMENT = 1;
const TEXT = 3;
const CDATA = 4;

interface DomAttr {
  namespaceURI: string | null;
  prefix: string | null;
  localName: string;
  value: string;
}
interface DomNode {
  nodeType: number;
  namespaceURI?: string | null;
  prefix?: string | null;
  localName?: string;
  data?: string;
  attributes?: ArrayLike<DomAttr>;
  childNodes: ArrayLike<DomNode>;
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}

function escapeAttr(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#x9;')
    .replace(/\n/g, '&#xA;')
    .replace(/\r/g, '&#xD;');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The canonical form of `element` as the apex of a document subset (the element and all it
 * contains), with `skip` (the enveloped signature) removed.
 */
export function excC14n(element: unknown, skip?: unknown): string {
  const out: string[] = [];
  write(element as DomNode, new Map(), skip, out);
  return out.join('');
}

function write(el: DomNode, rendered: ReadonlyMap<string, string>, skip: unknown, out: string[]): void {
  const prefix = el.prefix ?? '';
  const local = el.localName ?? '';
  const qname = prefix ? `${prefix}:${local}` : local;
  // Namespaces visibly utilised here: the element's own and those of its prefixed attributes.
  const used = new Map<string, string>([[prefix, el.namespaceURI ?? '']]);
  const attrs: DomAttr[] = [];
  for (const a of Array.from(el.attributes ?? [])) {
    if (a.namespaceURI === XMLNS_NS) continue; // declarations are re-derived, not copied
    attrs.push(a);
    if (a.prefix) used.set(a.prefix, a.namespaceURI ?? '');
  }
  const here = new Map(rendered);
  const decls: Array<[string, string]> = [];
  for (const [p, uri] of used) {
    const current = rendered.get(p) ?? '';
    if (current === uri) continue; // already in scope in the output (or both empty default)
    decls.push([p, uri]);
    here.set(p, uri);
  }
  decls.sort((x, y) => compare(x[0], y[0]));
  attrs.sort(
    (x, y) => compare(x.namespaceURI ?? '', y.namespaceURI ?? '') || compare(x.localName, y.localName),
  );
  out.push('<', qname);
  for (const [p, uri] of decls) out.push(p ? ` xmlns:${p}="` : ' xmlns="', escapeAttr(uri), '"');
  for (const a of attrs)
    out.push(' ', a.prefix ? `${a.prefix}:${a.localName}` : a.localName, '="', escapeAttr(a.value), '"');
  out.push('>');
  for (const child of Array.from(el.childNodes)) {
    if (child === skip) continue;
    if (child.nodeType === ELEMENT) write(child, here, skip, out);
    else if (child.nodeType === TEXT || child.nodeType === CDATA) out.push(escapeText(child.data ?? ''));
    // comments and processing instructions are not in the canonical form without comments
  }
  out.push('</', qname, '>');
}
