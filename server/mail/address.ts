/** A mailbox: an address and the display name shown beside it ('' when none). */
export interface Mailbox {
  name: string;
  address: string;
}

// RFC 5321/5322 dot-atom local part and a host name of LDH labels: what an administration's
// mailboxes look like. Quoted local parts and address literals are refused on purpose (no
// public mailbox needs them, and they are where header-injection tricks hide).
const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const ADDRESS = new RegExp(`^${ATOM}(?:\\.${ATOM})*@${LABEL}(?:\\.${LABEL})*$`);

/** Whether `value` is a plain address (`ufficio@comune.example.it`), nothing around it. */
export function isMailAddress(value: string): boolean {
  // 64 octets of local part, 254 in all (RFC 5321 §4.5.3.1, with RFC 3696 errata).
  const at = value.lastIndexOf('@');
  return ADDRESS.test(value) && at <= 64 && value.length <= 254;
}

/**
 * Reads `address` or `Display Name <address>` (the name may be in double quotes); undefined
 * when it is neither, or when it holds control characters (a line break would start a header).
 */
export function parseMailbox(raw: string): Mailbox | undefined {
  const value = raw.trim();
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) return undefined;
  const named = /^(.*?)\s*<([^<>]*)>$/.exec(value);
  if (!named) return isMailAddress(value) ? { name: '', address: value } : undefined;
  let name = (named[1] ?? '').trim();
  const address = named[2] ?? '';
  if (name.startsWith('"')) {
    if (name.length < 2 || !name.endsWith('"')) return undefined;
    name = name.slice(1, -1);
  }
  if (/["<>]/.test(name) || !isMailAddress(address)) return undefined;
  return { name, address };
}
