import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it, type TestContext } from 'node:test';
import { DocumentFormat, isAcceptedFormat } from './document-format.js';
import { FormatSniffer, inspectFormat, inspectStream } from './media-type.js';
import { buildPdf, embedSignature, signedRanges } from '../../../test/fixtures/pdf-fixture.js';
import { cmsSign, createTestPki, type TestPki } from '../../../test/fixtures/pki-fixture.js';

/** Deterministic bytes over the whole 0-255 range (binary, not text). */
function pseudoRandom(length: number, seed: string): Buffer {
  const out = Buffer.alloc(length);
  let block = createHash('sha256').update(seed).digest();
  for (let i = 0; i < length; i += 32) {
    block = createHash('sha256').update(block).digest();
    block.copy(out, i, 0, Math.min(32, length - i));
  }
  return out;
}

function chunks(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n',
);
const XMP_ELEMENT =
  '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description rdf:about="" ' +
  'xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"><pdfaid:part>2</pdfaid:part>' +
  '<pdfaid:conformance>B</pdfaid:conformance></rdf:Description></rdf:RDF></x:xmpmeta>';
const XMP_ATTRIBUTE =
  '<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" ' +
  'pdfaid:part = "1" pdfaid:conformance="a"/>';

/** A PDF of ~300 KB whose XMP (PDF/A identification) sits near the end, past any head. */
function lateXmpPdf(xmp: string): { bytes: Buffer; xmpAt: number } {
  const start = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 300000 >>\nstream\n', 'latin1');
  const body = pseudoRandom(300_000, 'pdf body');
  const tail = Buffer.from(
    `\nendstream\nendobj\n2 0 obj\n<< /Type /Metadata >>\nstream\n${xmp}\nendstream\nendobj\n%%EOF\n`,
  );
  const bytes = Buffer.concat([start, body, tail]);
  return { bytes, xmpAt: bytes.indexOf('pdfaid:part') };
}

const EML = Buffer.from(
  [
    'Received: from mx.example.it by pec.example.it; Mon, 1 Jan 2024 10:00:00 +0100',
    'From: "Ufficio Tributi" <tributi@pec.example.it>',
    'To: protocollo@pec.comune.example.it',
    'Subject: Richiesta di rimborso',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Si trasmette la richiesta.',
    '',
  ].join('\r\n'),
);

const JPEG = Buffer.from([
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01,
  0x00, 0x00, 0xff, 0xd9,
]);
// Header, offset of the first IFD (8), an IFD with no entries, no next IFD.
const TIFF_LE = Buffer.from([
  0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
]);
const TIFF_BE = Buffer.from([
  0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
]);

describe('format detection from the bytes', () => {
  const cases: Array<[string, Buffer, DocumentFormat, string]> = [
    ['PDF', PDF, DocumentFormat.PDF, 'application/pdf'],
    [
      'XML with declaration',
      Buffer.from('<?xml version="1.0"?>\n<a>1</a>'),
      DocumentFormat.XML,
      'application/xml',
    ],
    [
      'XML with BOM and no declaration',
      Buffer.from('\ufeff<prot:Segnatura xmlns:prot="http://www.agid.gov.it/protocollo/">x</prot:Segnatura>'),
      DocumentFormat.XML,
      'application/xml',
    ],
    [
      'XML in UTF-16',
      Buffer.concat([
        Buffer.from([0xff, 0xfe]),
        Buffer.from('<?xml version="1.0" encoding="UTF-16"?><a/>', 'utf16le'),
      ]),
      DocumentFormat.XML,
      'application/xml',
    ],
    [
      'UTF-8 text',
      Buffer.from('Perché è così? Verbale n. 12 — «urgente».\n'),
      DocumentFormat.TXT,
      'text/plain',
    ],
    [
      'text that starts like a BMP',
      Buffer.from('BMW 320d, targa AB123CD\n'),
      DocumentFormat.TXT,
      'text/plain',
    ],
    [
      'text with header-like lines is not a message',
      Buffer.from('Title: verbale\nAuthor: segreteria\n\ntesto'),
      DocumentFormat.TXT,
      'text/plain',
    ],
    ['EML', EML, DocumentFormat.EML, 'message/rfc822'],
    [
      'EML with a Latin-1 body',
      Buffer.concat([EML, Buffer.from('perch\xe9\r\n', 'latin1')]),
      DocumentFormat.EML,
      'message/rfc822',
    ],
    ['JPEG', JPEG, DocumentFormat.JPEG, 'image/jpeg'],
    ['TIFF little-endian', TIFF_LE, DocumentFormat.TIFF, 'image/tiff'],
    ['TIFF big-endian', TIFF_BE, DocumentFormat.TIFF, 'image/tiff'],
    ['HTML', Buffer.from('<!DOCTYPE html>\n<html><body>x</body></html>'), DocumentFormat.OTHER, 'text/html'],
    ['RTF', Buffer.from('{\\rtf1\\ansi ciao}'), DocumentFormat.OTHER, 'application/rtf'],
    [
      'Latin-1 text',
      Buffer.from('perch\xe9 cos\xec\n', 'latin1'),
      DocumentFormat.OTHER,
      'application/octet-stream',
    ],
    ['random bytes', pseudoRandom(8192, 'random'), DocumentFormat.OTHER, 'application/octet-stream'],
    ['empty file', Buffer.alloc(0), DocumentFormat.OTHER, 'application/octet-stream'],
  ];
  for (const [name, bytes, format, mediaType] of cases) {
    it(`${name} → ${format}`, async () => {
      const result = await inspectFormat(bytes);
      assert.equal(result.format, format);
      assert.equal(result.mediaType, mediaType);
      assert.equal(result.accepted, format !== DocumentFormat.OTHER);
      assert.equal(result.size, bytes.length);
    });
  }

  it('a text whose binary part lies beyond the head is not TXT', async () => {
    const text = Buffer.from('riga di testo\n'.repeat(1000));
    const result = await inspectFormat(Buffer.concat([text, Buffer.from([0x00, 0x01, 0x02])]), {
      headBytes: 4100,
    });
    assert.equal(result.format, DocumentFormat.OTHER);
    assert.equal((await inspectFormat(text, { headBytes: 4100 })).format, DocumentFormat.TXT);
  });

  it('a multi-byte character cut by the end of the head is still text', async () => {
    const text = Buffer.from(`${'a'.repeat(4099)}è${' fine'.repeat(10)}`);
    assert.equal(text[4099], 0xc3, 'the head ends in the middle of "è"');
    assert.equal((await inspectFormat(text, { headBytes: 4100 })).format, DocumentFormat.TXT);
  });
});

describe('PDF/A detection from a streamed XMP packet', () => {
  it('finds pdfaid:part late in the file, split across chunks, in element form', async () => {
    const { bytes, xmpAt } = lateXmpPdf(XMP_ELEMENT);
    assert.ok(xmpAt > 64 * 1024, 'the XMP is beyond the kept head');
    // A chunk size that cuts "pdfaid:part" in two, and a few ordinary ones.
    for (const size of [xmpAt + 4, 997, 65_536]) {
      const result = await inspectStream(Readable.from(chunks(bytes, size)));
      assert.equal(result.format, DocumentFormat.PDF_A, `chunk size ${size}`);
      assert.deepEqual(result.pdfA, { part: 2, conformance: 'B' });
      assert.equal(result.mediaType, 'application/pdf');
      assert.equal(result.accepted, true);
    }
  });

  it('reads the attribute form and a lower-case conformance', async () => {
    const result = await inspectFormat(lateXmpPdf(XMP_ATTRIBUTE).bytes);
    assert.deepEqual(result.pdfA, { part: 1, conformance: 'A' });
  });

  it('a PDF without the identification, or with a bogus part, is plain PDF', async () => {
    const plain = await inspectFormat(lateXmpPdf('<x:xmpmeta/>').bytes);
    assert.equal(plain.format, DocumentFormat.PDF);
    assert.equal(plain.pdfA, undefined);
    const bogus = await inspectFormat(lateXmpPdf('<pdfaid:part>9</pdfaid:part>').bytes);
    assert.equal(bogus.format, DocumentFormat.PDF);
  });

  it('can sit in an upload pipeline: bytes pass through unchanged', async () => {
    const { bytes } = lateXmpPdf(XMP_ELEMENT);
    const sniffer = new FormatSniffer();
    const received: Buffer[] = [];
    const sink = new PassThrough();
    sink.on('data', (chunk: Buffer) => received.push(chunk));
    await pipeline(Readable.from(chunks(bytes, 16_384)), sniffer.createPassThrough(), sink);
    assert.deepEqual(Buffer.concat(received), bytes);
    const result = await sniffer.finish();
    assert.equal(result.format, DocumentFormat.PDF_A);
    assert.equal(result.size, bytes.length);
    assert.throws(() => sniffer.update(Buffer.from('late')), /after finish/);
  });

  it('can be teed as a writable', async () => {
    const sniffer = new FormatSniffer();
    await pipeline(Readable.from(chunks(EML, 5)), sniffer.createWritable());
    assert.equal((await sniffer.finish()).format, DocumentFormat.EML);
  });
});

function hasZip(): boolean {
  return spawnSync('zip', ['-v']).status === 0;
}

/** A zip made by the zip CLI from `files`, entries stored in the given order. */
function zipFiles(dir: string, name: string, files: Array<[string, string]>): Buffer {
  const root = join(dir, name.replace('.', '_'));
  for (const [path, text] of files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const out = join(dir, name);
  // -nw: "[Content_Types].xml" is a name, not a wildcard; -0: store (ODF wants mimetype stored).
  const run = spawnSync('zip', ['-q', '-X', '-0', '-nw', out, ...files.map(([path]) => path)], { cwd: root });
  assert.equal(run.status, 0, run.stderr.toString());
  return readFileSync(out);
}

describe('office formats (zip containers)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'inspection-zip-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function skipWithoutZip(t: TestContext): boolean {
    if (hasZip()) return false;
    t.skip('the zip CLI is not installed: office container cases not run');
    return true;
  }

  it('a docx (OOXML) is recognised from [Content_Types].xml', async (t) => {
    if (skipWithoutZip(t)) return;
    const docx = zipFiles(dir, 'lettera.docx', [
      [
        '[Content_Types].xml',
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
          '<Default Extension="xml" ContentType="application/xml"/>' +
          '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
      ],
      ['_rels/.rels', '<?xml version="1.0"?><Relationships/>'],
      ['word/document.xml', '<?xml version="1.0"?><w:document/>'],
    ]);
    const result = await inspectFormat(docx);
    assert.equal(result.format, DocumentFormat.OOXML);
    assert.equal(result.extension, 'docx');
    assert.equal(result.mediaType, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    assert.equal(result.accepted, true);
  });

  it('a docx whose [Content_Types].xml comes last, after large media, is still OOXML', async (t) => {
    if (skipWithoutZip(t)) return;
    const media = pseudoRandom(200_000, 'image').toString('latin1');
    const docx = zipFiles(dir, 'relazione.docx', [
      ['word/media/image1.bin', media],
      ['word/document.xml', '<?xml version="1.0"?><w:document/>'],
      ['_rels/.rels', '<?xml version="1.0"?><Relationships/>'],
      ['[Content_Types].xml', '<?xml version="1.0"?><Types/>'],
    ]);
    assert.ok(docx.indexOf('[Content_Types].xml') > 64 * 1024, 'the entry is beyond the kept head');
    const result = await inspectStream(Readable.from(chunks(docx, 8192)));
    assert.equal(result.format, DocumentFormat.OOXML);
    assert.equal(result.extension, 'docx');
  });

  it('an odt (ODF) is recognised from its mimetype entry', async (t) => {
    if (skipWithoutZip(t)) return;
    const odt = zipFiles(dir, 'verbale.odt', [
      ['mimetype', 'application/vnd.oasis.opendocument.text'],
      ['content.xml', '<?xml version="1.0"?><office:document-content/>'],
    ]);
    const result = await inspectFormat(odt);
    assert.equal(result.format, DocumentFormat.ODF);
    assert.equal(result.extension, 'odt');
  });

  it('a plain zip archive is OTHER and not accepted', async (t) => {
    if (skipWithoutZip(t)) return;
    const result = await inspectFormat(zipFiles(dir, 'archivio.zip', [['a.txt', 'a']]));
    assert.equal(result.format, DocumentFormat.OTHER);
    assert.equal(result.mediaType, 'application/zip');
    assert.equal(result.accepted, false);
  });
});

describe('signed files', () => {
  let pki: TestPki;
  before(async () => {
    pki = await createTestPki();
  });
  after(() => pki.cleanup());

  it('a .p7m (DER or PEM) is P7M with a CAdES hint, whatever it wraps', async () => {
    for (const extra of [[], ['-outform', 'PEM']]) {
      const p7m = cmsSign(pki, [pki.valid], PDF, { extra });
      const result = await inspectFormat(p7m);
      assert.equal(result.format, DocumentFormat.P7M);
      assert.equal(result.mediaType, 'application/pkcs7-mime');
      assert.equal(result.signatureHint, 'CADES');
      assert.equal(result.accepted, true);
    }
  });

  it('a signed PDF is a PDF with a PAdES hint; an unsigned one has none', async () => {
    const prepared = buildPdf({ subFilter: 'ETSI.CAdES.detached' });
    const pdf = embedSignature(
      prepared,
      cmsSign(pki, [pki.valid], signedRanges(prepared), { detached: true }),
    );
    const signed = await inspectFormat(pdf);
    assert.equal(signed.format, DocumentFormat.PDF);
    assert.equal(signed.signatureHint, 'PADES');
    const unsigned = await inspectFormat(buildPdf().bytes);
    assert.equal(unsigned.signatureHint, undefined);
  });
});

describe('accepted formats (001 §3.2.2, DOMAIN §10)', () => {
  it('accepts every listed format and refuses OTHER', () => {
    for (const format of Object.values(DocumentFormat)) {
      assert.equal(isAcceptedFormat(format), format !== DocumentFormat.OTHER, format);
    }
  });
});
