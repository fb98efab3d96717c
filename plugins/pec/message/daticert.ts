import { DOMParser, type Element } from '@xmldom/xmldom';
import type { Daticert, DaticertRecipient } from './parsed-message.js';

/** What daticert.xml said, or null when it could not be read, and why. */
export interface DaticertResult {
  daticert: Daticert | null;
  problems: string[];
}

/** A real daticert.xml is under 2 KiB; anything near this is not one. */
export const MAX_DATICERT_BYTES = 256 * 1024;

/** postacert/@tipo values of daticert.dtd. */
const DATICERT_TIPI = new Set([
  'accettazione',
  'non-accettazione',
  'presa-in-carico',
  'avvenuta-consegna',
  'posta-certificata',
  'errore-consegna',
  'preavviso-errore-consegna',
  'rilevazione-virus',
]);
const ERRORI = new Set(['nessuno', 'no-dest', 'no-dominio', 'virus', 'altro']);
const RICEVUTE = new Set(['completa', 'breve', 'sintetica']);

/**
 * Any DTD is refused before a parser sees the document: internal entities are how "billion
 * laughs" expands and external ones how XXE reads local files. daticert.xml never needs one (the
 * DTD is the standard's, not the sender's). The scan is deliberately blunt: a `<!DOCTYPE` or
 * `<!ENTITY` anywhere, even inside a comment, refuses the file.
 */
const DTD_DECLARATION = /<!\s*(DOCTYPE|ENTITY)/i;

function decodeXmlBytes(input: Buffer): string {
  let bytes = input;
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    bytes = bytes.subarray(3);
  if (
    bytes.length >= 2 &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
  ) {
    const le = bytes[0] === 0xff;
    return new TextDecoder(le ? 'utf-16le' : 'utf-16be').decode(bytes.subarray(2));
  }
  // Older providers write ISO-8859-1 and say so in the prolog.
  const prolog = /^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(
    bytes.subarray(0, 200).toString('latin1'),
  );
  const declared = prolog?.[1]?.toLowerCase();
  if (declared && /^(iso-8859-1|iso8859-1|latin1|windows-1252|cp1252|us-ascii)$/.test(declared)) {
    return new TextDecoder('windows-1252').decode(bytes);
  }
  return bytes.toString('utf8');
}

function children(parent: Element, name: string): Element[] {
  const found: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1 && (node as Element).localName === name) found.push(node as Element);
  }
  return found;
}

/** The element's text, whitespace trimmed; null when the element is absent or empty. */
function text(element: Element | undefined): string | null {
  if (!element) return null;
  const value = (element.textContent ?? '').replace(/\s+/g, ' ').trim();
  return value === '' ? null : value;
}

/**
 * Some providers escape twice (`&amp;lt;id@host&amp;gt;`): after the XML decoding the value still
 * reads `&lt;id@host&gt;`. A Message-ID never contains '&', so decoding once more is safe here.
 */
function normaliseMsgid(value: string | null): string | null {
  if (value === null) return null;
  let id = value.replace(/&lt;/gi, '<').replace(/&gt;/gi, '>').replace(/&amp;/gi, '&').trim();
  if (!id.startsWith('<')) id = `<${id}`;
  if (!id.endsWith('>')) id = `${id}>`;
  return id;
}

/**
 * data/@zona + giorno (gg/mm/aaaa) + ora (hh:mm:ss) → ISO 8601 with the offset, e.g.
 * 2024-11-15T18:20:38+01:00. Lenient on one-digit fields and a colon in the zone; a missing or
 * impossible part yields null with a problem (the zone is never assumed).
 */
function isoDateTime(data: Element | undefined, problems: string[]): string | null {
  if (!data) {
    problems.push('daticert.xml: <data> is missing (date and time of the event unknown)');
    return null;
  }
  const giorno = text(children(data, 'giorno')[0]);
  const ora = text(children(data, 'ora')[0]);
  const zona = data.getAttribute('zona')?.trim() ?? '';
  const day = giorno ? /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(giorno) : null;
  const time = ora ? /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(ora) : null;
  const zone = /^([+-])(\d{2}):?(\d{2})$/.exec(zona);
  if (!day || !time || !zone) {
    const missing = [
      !day && `giorno ${giorno === null ? 'missing' : `"${giorno}" is not gg/mm/aaaa`}`,
      !time && `ora ${ora === null ? 'missing' : `"${ora}" is not hh:mm:ss`}`,
      !zone && `zona ${zona === '' ? 'missing' : `"${zona}" is not [+|-]hhmm`}`,
    ].filter(Boolean);
    problems.push(`daticert.xml: <data> unreadable (${missing.join('; ')}): date-time left unknown`);
    return null;
  }
  const [dd, mm, yyyy] = [Number(day[1]), Number(day[2]), Number(day[3])];
  const [hh, mi, ss] = [Number(time[1]), Number(time[2]), Number(time[3] ?? '0')];
  const [zh, zm] = [Number(zone[2]), Number(zone[3])];
  const calendar = new Date(Date.UTC(yyyy, mm - 1, dd));
  if (
    calendar.getUTCFullYear() !== yyyy ||
    calendar.getUTCMonth() !== mm - 1 ||
    calendar.getUTCDate() !== dd ||
    hh > 23 ||
    mi > 59 ||
    ss > 59 ||
    zh > 14 ||
    zm > 59
  ) {
    problems.push(`daticert.xml: <data> "${giorno} ${ora} ${zona}" is not a real date-time: left unknown`);
    return null;
  }
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${yyyy}-${two(mm)}-${two(dd)}T${two(hh)}:${two(mi)}:${two(ss)}${zone[1]}${two(zh)}:${two(zm)}`;
}

/**
 * Reads daticert.xml (standards/pec/daticert.dtd) leniently: optional elements that older
 * receipts omit become null, values are trimmed and unescaped, attribute defaults are the DTD's
 * (errore "nessuno", destinatari tipo "certificato"), but a value that is not in the file is never
 * made up. Never throws: what cannot be read is a problem.
 */
export function parseDaticert(xml: Buffer | string): DaticertResult {
  const problems: string[] = [];
  const bytes = typeof xml === 'string' ? Buffer.from(xml, 'utf8') : xml;
  if (bytes.length === 0) return { daticert: null, problems: ['daticert.xml is empty'] };
  if (bytes.length > MAX_DATICERT_BYTES) {
    return {
      daticert: null,
      problems: [`daticert.xml is ${bytes.length} bytes (limit ${MAX_DATICERT_BYTES}): not parsed`],
    };
  }
  const source = decodeXmlBytes(bytes);
  const declaration = DTD_DECLARATION.exec(source);
  if (declaration) {
    return {
      daticert: null,
      problems: [
        `daticert.xml declares a ${declaration[1]?.toUpperCase()} (DTD/entities refused, nothing expanded): not parsed`,
      ],
    };
  }
  let root: Element | null;
  try {
    const document = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new Error(message);
      },
    }).parseFromString(source, 'text/xml');
    root = document.documentElement;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { daticert: null, problems: [`daticert.xml is not well-formed XML: ${message.split('\n')[0]}`] };
  }
  if (!root || root.localName !== 'postacert') {
    return {
      daticert: null,
      problems: [`daticert.xml: the root element is <${root?.localName ?? '?'}>, not <postacert>`],
    };
  }

  const tipo = root.getAttribute('tipo')?.trim() ?? '';
  if (tipo === '') problems.push('daticert.xml: postacert/@tipo is missing');
  else if (!DATICERT_TIPI.has(tipo))
    problems.push(`daticert.xml: postacert/@tipo "${tipo}" is not one of daticert.dtd`);
  const errore = root.hasAttribute('errore') ? root.getAttribute('errore')?.trim() || null : 'nessuno';
  if (errore !== null && !ERRORI.has(errore))
    problems.push(`daticert.xml: postacert/@errore "${errore}" is not one of daticert.dtd`);

  const intestazione = children(root, 'intestazione')[0];
  const dati = children(root, 'dati')[0];
  if (!intestazione) problems.push('daticert.xml: <intestazione> is missing');
  if (!dati) problems.push('daticert.xml: <dati> is missing');

  const destinatari: DaticertRecipient[] = [];
  for (const element of intestazione ? children(intestazione, 'destinatari') : []) {
    const address = text(element);
    if (address === null) continue;
    const declared = element.hasAttribute('tipo') ? element.getAttribute('tipo')?.trim() : 'certificato';
    const tipoDestinatario = declared === 'certificato' || declared === 'esterno' ? declared : null;
    if (tipoDestinatario === null)
      problems.push(`daticert.xml: destinatari/@tipo "${declared}" is not certificato|esterno`);
    destinatari.push({ address, tipo: tipoDestinatario });
  }
  if (intestazione && destinatari.length === 0) problems.push('daticert.xml: no <destinatari>');

  const first = (parent: Element | undefined, name: string): string | null =>
    parent ? text(children(parent, name)[0]) : null;
  const ricevutaElement = dati ? children(dati, 'ricevuta')[0] : undefined;
  const ricevuta = ricevutaElement?.getAttribute('tipo')?.trim() || null;
  if (ricevuta !== null && !RICEVUTE.has(ricevuta))
    problems.push(`daticert.xml: ricevuta/@tipo "${ricevuta}" is not completa|breve|sintetica`);

  const daticert: Daticert = {
    tipo,
    errore,
    erroreEsteso: first(dati, 'errore-esteso'),
    mittente: first(intestazione, 'mittente'),
    destinatari,
    risposte: first(intestazione, 'risposte'),
    oggetto: first(intestazione, 'oggetto'),
    gestoreEmittente: first(dati, 'gestore-emittente'),
    dataOra: dati ? isoDateTime(children(dati, 'data')[0], problems) : null,
    identificativo: first(dati, 'identificativo'),
    msgid: normaliseMsgid(first(dati, 'msgid')),
    ricevuta,
    consegna: first(dati, 'consegna'),
    ricezione: (dati ? children(dati, 'ricezione') : []).map(text).filter((v): v is string => v !== null),
  };
  if (dati && daticert.gestoreEmittente === null)
    problems.push('daticert.xml: <gestore-emittente> is missing');
  if (dati && daticert.identificativo === null) problems.push('daticert.xml: <identificativo> is missing');
  return { daticert, problems };
}
