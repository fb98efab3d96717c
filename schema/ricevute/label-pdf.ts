import bwipjs from 'bwip-js';
import { BOLD, createPdfA, finish, REGULAR } from './pdf-a.js';

const MM = 72 / 25.4;
/** 100 × 50 mm: a common roll-label size of desktop label printers. */
const WIDTH = 100 * MM;
const HEIGHT = 50 * MM;
const MARGIN = 4 * MM;

export interface LabelContent {
  /** Administration and AOO, for the human reader. */
  heading: string;
  /** The short segnatura (labelText). */
  text: string;
  /** The barcode's content (labelCode). */
  code: string;
  /** An annulled record's label says so (a label may be printed again after the annulment). */
  annulled: boolean;
  issuedAt: Date;
}

/**
 * The printable label: the short segnatura and a Code 128 barcode of the label code, which a
 * scanner types back and protocolRecordByBarcode resolves. Code 128 (not DataMatrix) because
 * every handheld scanner and zbar read it; 3 px per module and a quiet zone of 10 modules keep
 * it readable when a 300 dpi printer scales it to the label's width.
 */
export async function renderLabel(label: LabelContent): Promise<Buffer> {
  const png = await bwipjs.toBuffer({
    bcid: 'code128',
    text: label.code,
    scale: 3,
    height: 30,
    includetext: false,
    paddingwidth: 10,
    paddingheight: 2,
    backgroundcolor: 'FFFFFF',
  });
  const doc = createPdfA({
    size: [WIDTH, HEIGHT],
    margin: MARGIN,
    title: `Etichetta di protocollo ${label.text}`,
    subject: label.text,
    issuedAt: label.issuedAt,
  });
  const root = doc.struct('Document');
  doc.addStructure(root);
  const width = WIDTH - 2 * MARGIN;
  const heading = label.annulled ? `ANNULLATO · ${label.heading}` : label.heading;
  doc
    .font(label.annulled ? BOLD : REGULAR)
    .fontSize(6.5)
    .text(heading, MARGIN, MARGIN, {
      width,
      height: 10,
      ellipsis: true,
      lineBreak: false,
      structParent: root,
    });
  doc
    .font(BOLD)
    .fontSize(8.5)
    .text(label.text, MARGIN, MARGIN + 10, { width, lineBreak: false, structParent: root });
  const top = MARGIN + 24;
  const barHeight = HEIGHT - top - MARGIN - 10;
  root.add(
    doc.struct('Figure', { alt: `Codice a barre ${label.code}` }, () => {
      doc.image(png, MARGIN, top, { fit: [width, barHeight], align: 'center', valign: 'center' });
    }),
  );
  doc
    .font(REGULAR)
    .fontSize(6.5)
    .text(label.code, MARGIN, HEIGHT - MARGIN - 8, {
      width,
      align: 'center',
      lineBreak: false,
      structParent: root,
    });
  root.end();
  return finish(doc);
}
