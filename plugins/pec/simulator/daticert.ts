/** The postacert/@tipo values of daticert.dtd. */
export type DaticertTipo =
  | 'accettazione'
  | 'non-accettazione'
  | 'presa-in-carico'
  | 'avvenuta-consegna'
  | 'posta-certificata'
  | 'errore-consegna'
  | 'preavviso-errore-consegna'
  | 'rilevazione-virus';

export type DaticertErrore = 'nessuno' | 'no-dest' | 'no-dominio' | 'virus' | 'altro';

/** Italian civil time of an instant, as daticert.xml and the receipts' texts state it. */
export interface RomeTime {
  /** gg/mm/aaaa */
  giorno: string;
  /** hh:mm:ss */
  ora: string;
  /** [+|-]hhmm */
  zona: string;
  /** RFC 5322 date-time, e.g. "Fri, 15 Nov 2024 18:20:38 +0100" */
  rfc5322: string;
  /** aaaammgghhmmss, for identifiers */
  compact: string;
}

const ROME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Rome',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  weekday: 'short',
  hourCycle: 'h23',
  timeZoneName: 'longOffset',
});
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function romeTime(at: Date): RomeTime {
  const parts = new Map<string, string>(ROME.formatToParts(at).map((p) => [p.type, p.value]));
  const get = (t: string): string => parts.get(t) ?? '';
  // "GMT+01:00" (or "GMT" at offset zero, which Europe/Rome never has but be exact anyway).
  const offset = /GMT([+-])(\d{2}):(\d{2})/.exec(get('timeZoneName'));
  const zona = offset ? `${offset[1]}${offset[2]}${offset[3]}` : '+0000';
  const [dd, mm, yyyy, hh, mi, ss] = [
    get('day'),
    get('month'),
    get('year'),
    get('hour'),
    get('minute'),
    get('second'),
  ];
  return {
    giorno: `${dd}/${mm}/${yyyy}`,
    ora: `${hh}:${mi}:${ss}`,
    zona,
    rfc5322: `${get('weekday')}, ${dd} ${MONTHS[Number(mm) - 1]} ${yyyy} ${hh}:${mi}:${ss} ${zona}`,
    compact: `${yyyy}${mm}${dd}${hh}${mi}${ss}`,
  };
}

export interface DaticertInput {
  tipo: DaticertTipo;
  errore: DaticertErrore;
  mittente: string;
  destinatari: { address: string; tipo: 'certificato' | 'esterno' }[];
  risposte: string;
  oggetto: string | null;
  gestoreEmittente: string;
  at: Date;
  identificativo: string;
  /** The original Message-ID, with its angle brackets. */
  msgid: string | null;
  ricevuta?: 'completa' | 'breve' | 'sintetica';
  consegna?: string;
  erroreEsteso?: string;
}

function xmlText(value: string): string {
  // Characters XML 1.0 cannot carry (C0 controls but tab, CR, LF) are dropped, not escaped.
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/g, '');
  return clean.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * daticert.xml (daticert.dtd, root postacert) in the layout of the samples: four-space
 * indentation, elements in the DTD's order, optional ones only when they carry a value.
 */
export function buildDaticert(d: DaticertInput): Buffer {
  const t = romeTime(d.at);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<postacert tipo="${d.tipo}" errore="${d.errore}">`,
    '    <intestazione>',
    `        <mittente>${xmlText(d.mittente)}</mittente>`,
    ...d.destinatari.map((r) => `        <destinatari tipo="${r.tipo}">${xmlText(r.address)}</destinatari>`),
    `        <risposte>${xmlText(d.risposte)}</risposte>`,
    ...(d.oggetto === null ? [] : [`        <oggetto>${xmlText(d.oggetto)}</oggetto>`]),
    '    </intestazione>',
    '    <dati>',
    `        <gestore-emittente>${xmlText(d.gestoreEmittente)}</gestore-emittente>`,
    `        <data zona="${t.zona}">`,
    `            <giorno>${t.giorno}</giorno>`,
    `            <ora>${t.ora}</ora>`,
    '        </data>',
    `        <identificativo>${xmlText(d.identificativo)}</identificativo>`,
    ...(d.msgid === null ? [] : [`        <msgid>${xmlText(d.msgid)}</msgid>`]),
    ...(d.ricevuta ? [`        <ricevuta tipo="${d.ricevuta}" />`] : []),
    ...(d.consegna ? [`        <consegna>${xmlText(d.consegna)}</consegna>`] : []),
    ...(d.erroreEsteso ? [`        <errore-esteso>${xmlText(d.erroreEsteso)}</errore-esteso>`] : []),
    '    </dati>',
    '</postacert>',
  ];
  // The samples' daticert.xml has LF line ends (it travels base64 encoded, so they survive).
  return Buffer.from(lines.join('\n') + '\n', 'utf8');
}
