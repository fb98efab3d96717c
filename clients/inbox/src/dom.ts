/**
 * Elements built with text only (never HTML strings): the page's Content-Security-Policy
 * enforces Trusted Types with no policy, so innerHTML would throw rather than open a hole.
 */
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}

/** The element with that id, of that type: the page's markup is part of the program. */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`#${id} missing from index.html`);
  return element;
}

/** A short message in the toast area (a polite live region), gone after a while. */
export function toast(text: string, tone: 'info' | 'success' | 'error' = 'info', title?: string): void {
  const area = byId('toasts', HTMLDivElement);
  const item = h(
    'div',
    { class: `toast toast-${tone}` },
    title ? h('strong', {}, title) : null,
    h('span', {}, text),
  );
  area.append(item);
  setTimeout(() => item.classList.add('toast-leaving'), 6_000);
  setTimeout(() => item.remove(), 6_500);
}
