import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_IN_MEMORY_SIGNED_BYTES } from './inspection-limits.js';
import { verifyPades } from './pades.js';
import {
  buildPdf,
  embedSignature,
  signedRanges,
  type PdfOptions,
} from '../../../test/fixtures/pdf-fixture.js';
import { findPdfSignatureFields, parsePdfDate } from './pdf-signature-fields.js';
import {
  cmsSign,
  createTestPki,
  opensslVerify,
  type TestPki,
  type TestSigner,
} from '../../../test/fixtures/pki-fixture.js';
import { SignatureStatus } from './signature-outcome.js';

describe('PAdES verification', () => {
  let pki: TestPki;
  before(async () => {
    pki = await createTestPki();
  });
  after(() => pki.cleanup());

  /** A PDF signed with a detached CMS over its byte ranges, as a PAdES signer does. */
  function signPdf(signer: TestSigner, options: PdfOptions = {}, extra: readonly string[] = []) {
    const prepared = buildPdf({ subFilter: 'ETSI.CAdES.detached', ...options });
    const cms = cmsSign(pki, [signer], signedRanges(prepared), { detached: true, extra });
    return { prepared, cms, pdf: embedSignature(prepared, cms) };
  }

  it('accepts a valid ETSI.CAdES.detached signature (openssl agrees on the byte ranges)', async () => {
    const { prepared, cms, pdf } = signPdf(pki.valid);
    const result = await verifyPades(pdf, { at: new Date() });
    assert.equal(result.status, SignatureStatus.FIRMA_VALIDA, result.detail);
    assert.equal(result.kind, 'PADES');
    assert.equal(result.envelopeDepth, 0);
    assert.equal(result.signers[0]?.fiscalCode, 'RSSMRA80A01H501U');
    assert.doesNotMatch(result.detail, /appended/);
    const check = opensslVerify(pki, cms, { trust: true, content: signedRanges(prepared) });
    assert.ok(check.ok, check.stderr);

    const [field] = findPdfSignatureFields(pdf).fields;
    assert.deepEqual(field?.byteRange, prepared.byteRange);
    assert.equal(field?.subFilter, 'ETSI.CAdES.detached');
    assert.equal(field?.coversWholeFile, true);
  });

  it('accepts the older adbe.pkcs7.detached SubFilter', async () => {
    const { pdf } = signPdf(pki.ecdsa, { subFilter: 'adbe.pkcs7.detached' });
    const result = await verifyPades(pdf, { at: new Date() });
    assert.equal(result.status, SignatureStatus.FIRMA_VALIDA, result.detail);
    assert.equal(result.signers[0]?.commonName, 'Anna Verdi');
  });

  it('reports FIRMA_NON_VALIDA when a byte in the covered range changes', async () => {
    const { pdf, cms } = signPdf(pki.valid, { pageText: '0 0 m 100 100 l S' });
    const at = pdf.indexOf('100 100 l');
    const tampered = Buffer.from(pdf);
    tampered.write('100 101 l', at, 'latin1');
    const result = await verifyPades(tampered, { at: new Date() });
    assert.equal(result.status, SignatureStatus.FIRMA_NON_VALIDA, result.detail);
    assert.equal(result.label, 'firma non valida');
    const [field] = findPdfSignatureFields(tampered).fields;
    assert.ok(field);
    const [, b, c, d] = field.byteRange;
    const ranges = Buffer.concat([tampered.subarray(0, b), tampered.subarray(c, c + d)]);
    assert.equal(opensslVerify(pki, cms, { content: ranges }).ok, false, 'openssl rejects it too');
  });

  it('reports FIRMA_MANCANTE for an unsigned PDF', async () => {
    const result = await verifyPades(buildPdf().bytes, { at: new Date() });
    assert.equal(result.status, SignatureStatus.FIRMA_MANCANTE, result.detail);
    assert.equal(result.label, 'firma mancante');
    assert.equal(result.kind, 'NONE');
    assert.deepEqual(result.signers, []);
  });

  it('uses the /M date when the CMS has no signingTime', async () => {
    const { pdf } = signPdf(pki.expired, { claimedSigningTime: "D:20200601120000+02'00'" }, ['-noattr']);
    const result = await verifyPades(pdf, { at: new Date() });
    assert.equal(result.status, SignatureStatus.FIRMA_VALIDA, result.detail);
    assert.deepEqual(result.signingTime, new Date('2020-06-01T10:00:00Z'));
    const late = signPdf(pki.expired, { claimedSigningTime: 'D:20230101000000Z' }, ['-noattr']);
    const expired = await verifyPades(late.pdf, { at: new Date() });
    assert.equal(expired.status, SignatureStatus.CERTIFICATO_SCADUTO, expired.detail);
  });

  it('still verifies a signature followed by an incremental update, and says so', async () => {
    const { pdf } = signPdf(pki.valid);
    const update = Buffer.from(
      '7 0 obj\n<< /Type /Annot /Subtype /Text /Contents (nota) >>\nendobj\n%%EOF\n',
    );
    const result = await verifyPades(Buffer.concat([pdf, update]), { at: new Date() });
    assert.equal(result.status, SignatureStatus.FIRMA_VALIDA, result.detail);
    assert.match(result.detail, /appended after the last signature/);
  });

  it(`over ${MAX_IN_MEMORY_SIGNED_BYTES} bytes: unsigned is still FIRMA_MANCANTE, signed is not verified`, async () => {
    const padding = Buffer.alloc(MAX_IN_MEMORY_SIGNED_BYTES, 0x20); // whitespace after %%EOF
    const unsigned = await verifyPades(Buffer.concat([buildPdf().bytes, padding]), { at: new Date() });
    assert.equal(unsigned.status, SignatureStatus.FIRMA_MANCANTE, unsigned.detail);
    const signed = await verifyPades(Buffer.concat([signPdf(pki.valid).pdf, padding]), { at: new Date() });
    assert.equal(signed.status, SignatureStatus.IMPOSSIBILE_EFFETTUARE_VERIFICA);
    assert.equal(signed.kind, 'PADES');
    assert.match(signed.detail, /larger than/);
  });

  it('gives IMPOSSIBILE_EFFETTUARE_VERIFICA for unreadable or unsupported signatures', async () => {
    const blank = buildPdf({ subFilter: 'ETSI.CAdES.detached' }).bytes; // /Contents all zeros
    const unsupported = signPdf(pki.valid, { subFilter: 'adbe.x509.rsa_sha1' }).pdf;
    const { pdf } = signPdf(pki.valid);
    const gapMoved = Buffer.from(pdf);
    const rangeAt = gapMoved.indexOf('/ByteRange [0 ') + '/ByteRange [0 '.length;
    gapMoved.write('10        ', rangeAt, 'latin1'); // the gap no longer starts at /Contents
    const notHex = Buffer.from(pdf);
    notHex.write('zz', notHex.indexOf('/Contents <') + '/Contents <'.length, 'latin1');
    const cases: Array<[string, Buffer, RegExp]> = [
      ['zeroed /Contents', blank, /not valid BER|malformed/],
      ['unsupported SubFilter', unsupported, /unsupported signature \/SubFilter adbe\.x509\.rsa_sha1/],
      ['gap not at /Contents', gapMoved, /not the \/Contents/],
      ['/Contents not hex', notHex, /not a hex string/],
    ];
    for (const [name, input, reason] of cases) {
      const result = await verifyPades(input, { at: new Date() });
      assert.equal(
        result.status,
        SignatureStatus.IMPOSSIBILE_EFFETTUARE_VERIFICA,
        `${name}: ${result.detail}`,
      );
      assert.match(result.detail, reason, name);
    }
  });
});

describe('PDF dates (ISO 32000-1 §7.9.4)', () => {
  it('parses full, partial and offset dates', () => {
    assert.deepEqual(parsePdfDate("D:20240131235959+01'00'"), new Date('2024-01-31T22:59:59Z'));
    assert.deepEqual(parsePdfDate("D:20240131235959-05'30"), new Date('2024-02-01T05:29:59Z'));
    assert.deepEqual(parsePdfDate('D:20240131235959Z'), new Date('2024-01-31T23:59:59Z'));
    assert.deepEqual(parsePdfDate('D:2024'), new Date('2024-01-01T00:00:00Z'));
    assert.equal(parsePdfDate('yesterday'), undefined);
  });
});
