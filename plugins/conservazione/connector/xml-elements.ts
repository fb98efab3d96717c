import type { Element } from '@xmldom/xmldom';

/** Element helpers for the ParER schemas (no namespace, elementFormDefault qualified to none). */

export function childElements(parent: Element | null | undefined, localName?: string): Element[] {
  const out: Element[] = [];
  if (!parent) return out;
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (n.nodeType !== 1) continue;
    const e = n as Element;
    if (localName === undefined || e.localName === localName) out.push(e);
  }
  return out;
}

export function childElement(parent: Element | null | undefined, localName: string): Element | null {
  return childElements(parent, localName)[0] ?? null;
}

/** Follows a path of child names; null as soon as one is missing. */
export function pathElement(root: Element | null | undefined, ...names: string[]): Element | null {
  let current: Element | null = root ?? null;
  for (const name of names) current = childElement(current, name);
  return current;
}

/** The text of a path (not trimmed away when the schema keeps whitespace: the caller trims), null when absent. */
export function pathText(root: Element | null | undefined, ...names: string[]): string | null {
  const e = pathElement(root, ...names);
  return e ? (e.textContent ?? '') : null;
}

/** Trimmed text, null when absent or empty. */
export function pathValue(root: Element | null | undefined, ...names: string[]): string | null {
  const value = pathText(root, ...names)?.trim();
  return value ? value : null;
}
