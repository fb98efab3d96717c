import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  findInteropAttachment,
  InteropParseError,
  parseConferma,
  parseSegnatura,
  parseUntrustedXml,
  PROT_NS,
} from '../../plugins/pec/interop/index.js';

/**
 * Hostile XML in an attachment: refused before any parser sees it (no DTD, no entity, no
 * expansion, no file read), with a clear reason; malformed, oversize and oddly encoded XML
 * likewise; nothing throws at the ingest.
 */
describe('pec interop: XML safety', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pec-interop-'));
  const SECRET = 'SECRET-CONTENT-7f3a9c-SHOULD-NEVER-APPEAR';
  const secretFile = join(dir, 'secret.txt');
  writeFileSync(secretFile, SECRET);
  after(() => rmSync(dir, { recursive: true, force: true }));

  const segnaturaWith = (doctype: string, oggetto: string) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n${doctype}<prot:SegnaturaInformatica xmlns:prot="${PROT_NS}" prot:versione="3.0.0" prot:lang="it"><prot:Intestazione><prot:Oggetto>${oggetto}</prot:Oggetto></prot:Intestazione></prot:SegnaturaInformatica>`;

  it('an external entity pointing at a local file → refused with the reason; the file content shows up nowhere', async () => {
    const xml = segnaturaWith(
      `<!DOCTYPE prot:SegnaturaInformatica [<!ENTITY xxe SYSTEM "file://${secretFile}">]>`,
      '&xxe;',
    );
    const parsed = parseUntrustedXml(xml);
    assert.equal(parsed.ok, false);
    assert.match(parsed.ok ? '' : parsed.reason, /document type declaration \(DOCTYPE\), refused/);
    const check = await findInteropAttachment([{ fileName: 'Segnatura.xml', bytes: Buffer.from(xml) }]);
    assert.ok(check);
    assert.equal(check.schemaValid, false);
    assert.equal(check.seal, 'invalid');
    assert.match(check.problems.join('\n'), /DOCTYPE/);
    assert.equal(check.segnatura, undefined, 'nothing is read from a refused document');
    assert.doesNotMatch(JSON.stringify(check), new RegExp(SECRET));
    assert.throws(
      () => parseSegnatura(xml),
      (e: unknown) => e instanceof InteropParseError && /DOCTYPE/.test(e.reason),
    );
  });

  it('billion laughs → refused at once, nothing expanded', async () => {
    const entities = Array.from(
      { length: 10 },
      (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`,
    ).join('');
    const xml = segnaturaWith(`<!DOCTYPE lolz [<!ENTITY lol0 "lol">${entities}]>`, '&lol10;');
    const started = process.hrtime.bigint();
    const check = await findInteropAttachment([{ fileName: 'Segnatura.xml', bytes: Buffer.from(xml) }]);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.ok(check);
    assert.match(check.problems[0], /DOCTYPE/);
    assert.ok(ms < 1000, `took ${ms} ms`);
    assert.ok(JSON.stringify(check).length < 2000, 'no expansion reached the result');
  });

  it('an ENTITY declaration without a DOCTYPE, a lower-case doctype, a parameter entity → refused', () => {
    for (const xml of [
      `<!ENTITY x "y"><a/>`,
      `<!doctype a><a/>`,
      `<!DOCTYPE a [<!ENTITY % p SYSTEM "file://${secretFile}"> %p;]><a/>`,
    ]) {
      const parsed = parseUntrustedXml(xml);
      assert.equal(parsed.ok, false, xml);
      assert.match(parsed.ok ? '' : parsed.reason, /refused/);
    }
  });

  it('malformed XML, an empty file, an oversize file, UTF-16 → refused with the reason, no throw', async () => {
    const cases: [Buffer, RegExp][] = [
      [
        Buffer.from(`<prot:ConfermaRicezione xmlns:prot="${PROT_NS}"><unclosed></prot:ConfermaRicezione>`),
        /malformed/,
      ],
      [Buffer.from('not xml at all'), /malformed|no root element/],
      [Buffer.alloc(0), /empty/],
      [
        Buffer.concat([Buffer.from('<a>'), Buffer.alloc(3 * 1024 * 1024, 0x20), Buffer.from('</a>')]),
        /more than the limit of 2097152/,
      ],
      [Buffer.from('\ufeff<a/>', 'utf16le'), /UTF-16/],
      [
        Buffer.from('<?xml version="1.0" encoding="EBCDIC-CP-US"?><a/>'),
        /encoding "EBCDIC-CP-US", which is not accepted/,
      ],
    ];
    for (const [bytes, reason] of cases) {
      const parsed = parseUntrustedXml(bytes);
      assert.equal(parsed.ok, false);
      assert.match(parsed.ok ? '' : parsed.reason, reason);
      const check = await findInteropAttachment([{ fileName: 'Conferma.xml', bytes }]);
      assert.ok(check);
      assert.equal(check.kind, 'conferma');
      assert.equal(check.schemaValid, false);
      assert.match(check.problems[0], reason);
    }
    assert.throws(() => parseConferma('<a>'), InteropParseError);
  });

  it('an ISO-8859-1 document is read as what it says (the declaration names the encoding)', () => {
    const xml = Buffer.from(
      `<?xml version="1.0" encoding="ISO-8859-1"?><prot:SegnaturaInformatica xmlns:prot="${PROT_NS}"><prot:Intestazione><prot:Oggetto>Città più bella</prot:Oggetto></prot:Intestazione></prot:SegnaturaInformatica>`,
      'latin1',
    );
    assert.equal(parseSegnatura(xml).oggetto, 'Città più bella');
  });
});
