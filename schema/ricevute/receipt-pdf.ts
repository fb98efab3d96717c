import { CorrespondentRole, formatProtocolNumber, ProtocolKind, ProtocolState } from '../protocollo/index.js';
import { italianDate, labelText } from './label-code.js';
import { BOLD, createPdfA, finish, REGULAR } from './pdf-a.js';
import type { ReceiptFacts } from './receipt-facts.js';

const KIND: Record<ProtocolKind, string> = {
  [ProtocolKind.ARRIVO]: 'Arrivo (in entrata)',
  [ProtocolKind.PARTENZA]: 'Partenza (in uscita)',
  [ProtocolKind.INTERNO]: 'Interno (tra uffici)',
};

const ROME_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Rome',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const ROME_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Rome',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** `04/12/2026 15:42:10` in Italian time (the legal time of the register). */
export function romeDateTime(at: Date): string {
  return `${italianDate(ROME_DAY.format(at))} ${ROME_TIME.format(at)}`;
}

const LABEL_X = 50;
const VALUE_X = 190;
const VALUE_WIDTH = 355;

/**
 * The receipt of registration (001 §6.6, DOMAIN §5) as a PDF/A-3b: who registers (administration
 * and AOO with their codes, register), the registratura (number, date and time, kind,
 * correspondents, oggetto, number and description of the attachments with their digests), the
 * operator, the state (an annulled record says so, with when, who, why), and the short segnatura.
 * Every line is a tagged paragraph, so the text reads back (pdftotext, screen readers) as shown.
 */
export async function renderReceipt(facts: ReceiptFacts, issuedAt: Date): Promise<Buffer> {
  const { record, codes } = facts;
  const doc = createPdfA({
    size: 'A4',
    margin: 50,
    title: `Ricevuta di protocollazione n. ${labelText(codes, record)}`,
    subject: record.oggetto,
    issuedAt,
  });
  const root = doc.struct('Document');
  doc.addStructure(root);

  doc.font(BOLD).fontSize(16).text('Ricevuta di protocollazione', { structParent: root, structType: 'H1' });
  doc.moveDown(0.3);
  doc
    .font(REGULAR)
    .fontSize(9)
    .fillColor('#444444')
    .text('Ricevuta di avvenuta registrazione nel registro di protocollo (DPR 445/2000, art. 53)', {
      structParent: root,
    });
  doc.fillColor('black').moveDown(1);

  if (record.state === ProtocolState.ANNULLATO) {
    doc
      .font(BOLD)
      .fontSize(20)
      .fillColor('#b00020')
      .text('ANNULLATO', { structParent: root, structType: 'H2' });
    doc.fillColor('black').moveDown(0.5);
  }

  const rows: Array<[string, Value]> = [
    ['Amministrazione', `${facts.administrationName} (codice IPA ${codes.ipaCode})`],
    ['AOO', `${facts.aooName} (codice AOO ${codes.aooCode})`],
    ['Registro', codes.registerCode],
    ['Numero di protocollo', `${formatProtocolNumber(record.number)} / ${record.year}`],
    ['Data e ora', `${romeDateTime(record.registeredAt)} (ora italiana)`],
    ['Tipo', KIND[record.kind]],
    ['Stato', record.state === ProtocolState.ANNULLATO ? 'ANNULLATO' : 'Registrato'],
  ];
  if (record.state === ProtocolState.ANNULLATO) {
    rows.push(
      ['Annullato il', record.annulledAt ? romeDateTime(record.annulledAt) : '—'],
      ['Annullato da', facts.annulledBy ?? '—'],
      ['Motivo', record.annulmentReason ?? '—'],
      ['Autorizzazione', record.annulmentAuthorisation ?? '—'],
    );
  }
  const senders = facts.correspondents.filter((c) => c.role === CorrespondentRole.MITTENTE);
  const recipients = facts.correspondents.filter((c) => c.role === CorrespondentRole.DESTINATARIO);
  if (senders.length > 0) rows.push([senders.length > 1 ? 'Mittenti' : 'Mittente', lines(senders)]);
  if (recipients.length > 0)
    rows.push([recipients.length > 1 ? 'Destinatari' : 'Destinatario', lines(recipients)]);
  rows.push(['Oggetto', record.oggetto]);
  const primary = facts.files.find((f) => f.position === 0);
  rows.push([
    'Documento principale',
    [primary?.fileName ?? '—', { digest: primary?.sha256 ?? record.primarySha256 }],
  ]);
  const attachments = facts.files.filter((f) => f.position > 0);
  rows.push(['Numero allegati', String(record.attachmentCount)]);
  for (const a of attachments) {
    rows.push([
      `Allegato ${a.position}`,
      [
        `${a.description ?? '(senza descrizione)'}${a.fileName ? ` — ${a.fileName}` : ''}`,
        { digest: a.sha256 },
      ],
    ]);
  }
  rows.push(['Operatore', facts.operator]);
  rows.push(['Segnatura', labelText(codes, record)]);

  doc.fontSize(10);
  for (const [label, value] of rows) {
    if (doc.y > doc.page.height - 110) doc.addPage();
    const top = doc.y;
    doc.font(BOLD).text(label, LABEL_X, top, { width: VALUE_X - LABEL_X - 10, structParent: root });
    const afterLabel = doc.y;
    doc.x = VALUE_X;
    doc.y = top;
    for (const part of typeof value === 'string' ? [value] : value) {
      if (typeof part === 'string') {
        doc.font(REGULAR).fontSize(10).text(part, VALUE_X, doc.y, { width: VALUE_WIDTH, structParent: root });
      } else {
        // 64 hex digits fit one line at this size: a digest is compared by eye, never wrapped.
        doc.font(REGULAR).fontSize(7).text(`Impronta SHA-256 ${part.digest}`, VALUE_X, doc.y, {
          width: VALUE_WIDTH,
          structParent: root,
        });
        doc.fontSize(10);
      }
    }
    doc.y = Math.max(afterLabel, doc.y) + 4;
  }

  doc.moveDown(1.5);
  doc
    .fontSize(8)
    .fillColor('#444444')
    .text(`Ricevuta emessa il ${romeDateTime(issuedAt)} (ora italiana).`, LABEL_X, doc.y, {
      width: VALUE_X + VALUE_WIDTH - LABEL_X,
      structParent: root,
    });
  root.end();
  return finish(doc);
}

/** A value: text, or paragraphs of text and digests. */
type Value = string | Array<string | { digest: string }>;

function lines(cs: ReadonlyArray<{ text: string }>): string {
  return cs.map((c) => c.text).join('\n');
}
