import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { verifyCades } from './cades.js';
import { CmsFormatError, extractSignedContent, unwrapEnvelope } from './cms-parsing.js';
import { MAX_IN_MEMORY_SIGNED_BYTES } from './inspection-limits.js';
import { cmsSign, createTestPki, opensslVerify, type TestPki } from '../../../test/fixtures/pki-fixture.js';
import { SignatureStatus } from './signature-outcome.js';

const DOCUMENT = Buffer.from('%PDF-1.4\nDocumento di prova: richiesta di accesso agli atti.\n%%EOF\n');
const MINUTE = 60_000;

/** Flips one bit of the first occurrence of `inside` within `bytes` (at `skip` bytes into it). */
function flipInside(bytes: Buffer, inside: Buffer, skip = 10): Buffer {
  const at = bytes.indexOf(inside);
  assert.notEqual(at, -1, 'the bytes to tamper with must be present');
  const out = Buffer.from(bytes);
  out[at + skip] = (out[at + skip] ?? 0) ^ 0x01;
  return out;
}

describe('CAdES attached (.p7m) verification', () => {
  let pki: TestPki;
  before(async () => {
    pki = await createTestPki();
  });
  after(() => pki.cleanup());

  it('does not verify more signatures than the limit: the outcome says why, and no signer is listed', async () => {
    const p7m = cmsSign(pki, [pki.valid, pki.ecdsa], DOCUMENT);
    assert.equal(
      (await verifyCades(p7m, { at: new Date(), maxSignatures: 2 })).status,
      SignatureStatus.FIRMA_VALIDA,
    );
    const over = await verifyCades(p7m, { at: new Date(), maxSignatures: 1 });
    assert.equal(over.status, SignatureStatus.IMPOSSIBILE_EFFETTUARE_VERIFICA);
    assert.match(over.detail, /2 signatures: at most 1 are verified/);
    assert.deepEqual(over.signers, []);
  });

  it('accepts a valid signature, names the signer and returns the signed document', async () => {
    const p7m = cmsSign(pki, [pki.valid], DOCUMENT);
    const result = await verifyCades(p7m, { at: new Date() });
    assert.equal(result.status, SignatureStatus.FIRMA_VALIDA, result.detail);
    assert.equal(result.label, 'firma valida');
    assert.equal(result.kind, 'CADES');
    assert.equal(result.envelopeDepth, 1);
    assert.equal(result.signers.length, 1);
    const [signer] = result.signers;
    assert.equal(signer?.commonName, 'Mario Rossi');
    assert.equal(signer?.serialNumber, 'TINIT-RSSMRA80A01H501U');
    assert.equal(signer?.fiscalCode, 'RSSMRA80A01H501U');
    assert.match(signer?.issuer ?? '', /CN=Test Root CA/);
    assert.equal(signer?.certificateSerial, Buffer.from('valid').toString('hex'));
    assert.ok(result.signingTime && Math.abs(result.signingTime.getTime() - Date.now()) < 10 * MINUTE);
    assert.deepEqual(extractSignedContent(p7m), DOCUMENT);

    // openssl agrees: the chain verifies against the test CA and the content is the same.
    const check = opensslVerify(pki, p7m, { trust: true });
    assert.ok(check.ok, check.stderr);
    assert.deepEqual(check.stdout, DOCUMENT);
  });

  it('reads PEM and bare base64 envelopes like DER', async () => {
    const pemP7m = cmsSign(pki, [pki.valid], DOCUMENT, { extra: ['-outform', 'PEM'] });
    assert.match(pemP7m.toString('latin1'), /^-----BEGIN CMS-----/);
    const bare = Buffer.from(
      pemP7m
        .toString('latin1')
        .split('\n')
        .filter((line) => !line.startsWith('-----'))
        .join('\r\n'),
      'latin1',
    );
    for (const encoded of [pemP7m, bare]) {
      const result = await verifyCades(encoded, { at: new Date() });
      assert.equal(result.status, SignatureStatus.FIRMA_VALIDA, result.detail);
      assert.deepEqual(extractSignedContent(encoded), DOCUMENT);
    }
    assert.ok(opensslVerify(pki, pemP7m, { inform: 'PEM' }).ok);
  });

  it('reports FIRMA_NON_VALIDA when the encapsulated content was altered', async () => {
    const tampered = flipInside(cmsSign(pki, [pki.valid], DOCUMENT), DOCUMENT);
    const result = await verifyCades(tampered, { at: new Date() });
    assert.equal(result.status, SignatureStatus.FIRMA_NON_VALIDA, result.detail);
    assert.equal(result.label, 'firma non valida');
    assert.match(result.detail, /digest/);
    assert.equal(result.signers[0]?.commonName, 'Mario Rossi');
    const check = opensslVerify(pki, tampered);
    assert.equal(check.ok, false, 'openssl must reject the tampered envelope too');
    assert.match(check.stderr, /digest failure|verification failure/i);
  });

  it('reports FIRMA_NON_VALIDA when the signature value was altered', async () => {
    const p7m = cmsSign(pki, [pki.valid], DOCUMENT);
    // Without unsigned attributes, the SignerInfo's signature value ends the DER.
    const tampered = Buffer.from(p7m);
    tampered[tampered.length - 5] = (tampered[tampered.length - 5] ?? 0) ^ 0xff;
    const result = await verifyCades(tampered, { at: new Date() });
    assert.equal(result.status, SignatureStatus.FIRMA_NON_VALIDA, result.detail);
    assert.equal(opensslVerify(pki, tampered).ok, false);
  });

  it('reports CERTIFICATO_SCADUTO for a certificate expired at the signing time', async () => {
    const p7m = cmsSign(pki, [pki.expired], DOCUMENT);
    const result = await verifyCades(p7m, { at: new Date() });
    assert.equal(result.status, SignatureStatus.CERTIFICATO_SCADUTO, result.detail);
    assert.equal(result.label, 'certificato scaduto');
    assert.match(result.detail, /expired at the signing time/);
    assert.equal(result.signers[0]?.commonName, 'Luigi Bianchi');
    // openssl: the signature itself is intact, but the certificate does not verify.
    assert.ok(opensslVerify(pki, p7m).ok);
    const chained = opensslVerify(pki, p7m, { trust: true });
    assert.equal(chained.ok, false);
    assert.match(chained.stderr, /expired/);
  });

  it('reports CERTIFICATO_SCADUTO for a certificate not yet valid at the signing time', async () => {
    const result = await verifyCades(cmsSign(pki, [pki.notYetValid], DOCUMENT), { at: new Date() });
    assert.equal(result.status, SignatureStatus.CERTIFICATO_SCADUTO, result.detail);
    assert.match(result.detail, /not yet valid/);
  });

  it('without a signingTime attribute, checks validity at `at` (default now)', async () => {
    const p7m = cmsSign(pki, [pki.expired], DOCUMENT, { extra: ['-noattr'] });
    const back = await verifyCades(p7m, { at: new Date('2020-06-01T00:00:00Z') });
    assert.equal(back.status, SignatureStatus.FIRMA_VALIDA, back.detail);
    assert.equal(back.signingTime, undefined);
    const now = await verifyCades(p7m, { at: new Date() });
    assert.equal(now.status, SignatureStatus.CERTIFICATO_SCADUTO, now.detail);
    assert.match(now.detail, /verification time/);
    assert.ok(opensslVerify(pki, p7m).ok);
  });

  it('verifies ECDSA signatures and signers identified by subject key identifier', async () => {
    const ecdsa = await verifyCades(cmsSign(pki, [pki.ecdsa], DOCUMENT), { at: new Date() });
    assert.equal(ecdsa.status, SignatureStatus.FIRMA_VALIDA, ecdsa.detail);
    assert.equal(ecdsa.signers[0]?.commonName, 'Anna Verdi');
    const byKeyId = cmsSign(pki, [pki.valid], DOCUMENT, { extra: ['-keyid'] });
    const keyId = await verifyCades(byKeyId, { at: new Date() });
    assert.equal(keyId.status, SignatureStatus.FIRMA_VALIDA, keyId.detail);
    assert.equal(keyId.signers[0]?.commonName, 'Mario Rossi');
    assert.ok(opensslVerify(pki, byKeyId, { trust: true }).ok);
  });

  it('checks every co-signer and reports the worst finding', async () => {
    const both = await verifyCades(cmsSign(pki, [pki.valid, pki.ecdsa], DOCUMENT), { at: new Date() });
    assert.equal(both.status, SignatureStatus.FIRMA_VALIDA, both.detail);
    // SignerInfos is a DER SET OF: its order is the encoding's, not the signing order.
    assert.deepEqual(both.signers.map((s) => s.commonName).sort(), ['Anna Verdi', 'Mario Rossi']);
    const oneExpired = await verifyCades(cmsSign(pki, [pki.valid, pki.expired], DOCUMENT), {
      at: new Date(),
    });
    assert.equal(oneExpired.status, SignatureStatus.CERTIFICATO_SCADUTO, oneExpired.detail);
    assert.match(oneExpired.detail, /signer 2: .*expired/);
  });

  it('unwraps nested envelopes (.pdf.p7m.p7m) and verifies every layer', async () => {
    const inner = cmsSign(pki, [pki.valid], DOCUMENT);
    const outer = cmsSign(pki, [pki.ecdsa], inner);
    const unwrapped = unwrapEnvelope(outer);
    assert.equal(unwrapped.depth, 2);
    assert.deepEqual(unwrapped.content, DOCUMENT);
    assert.deepEqual(extractSignedContent(outer), DOCUMENT);
    const result = await verifyCades(outer, { at: new Date() });
    assert.equal(result.status, SignatureStatus.FIRMA_VALIDA, result.detail);
    assert.equal(result.envelopeDepth, 2);
    assert.deepEqual(
      result.signers.map((s) => s.commonName),
      ['Anna Verdi', 'Mario Rossi'],
    );
    // The outer signature covers the inner envelope as bytes, so tampering with the document
    // breaks both layers' digests; an outer envelope re-signed over a tampered inner one still
    // reveals the inner tampering.
    const resigned = cmsSign(pki, [pki.ecdsa], flipInside(inner, DOCUMENT));
    const layered = await verifyCades(resigned, { at: new Date() });
    assert.equal(layered.status, SignatureStatus.FIRMA_NON_VALIDA, layered.detail);
    assert.match(layered.detail, /envelope 1\/2: signature intact.*envelope 2\/2: .*digest/);
  });

  it('gives IMPOSSIBILE_EFFETTUARE_VERIFICA, never an exception, for what cannot be verified', async () => {
    const garbage = Buffer.from('this is not a p7m, just some text pretending to be one\n');
    const signed = cmsSign(pki, [pki.valid], DOCUMENT);
    const cases: Array<[string, Buffer]> = [
      ['garbage', garbage],
      ['empty', Buffer.alloc(0)],
      ['truncated DER', signed.subarray(0, Math.floor(signed.length / 2))],
      ['no certificates', cmsSign(pki, [pki.valid], DOCUMENT, { extra: ['-nocerts'] })],
      ['detached (.p7s)', cmsSign(pki, [pki.valid], DOCUMENT, { detached: true })],
      ['base64 that decodes to nothing useful', Buffer.from('MIIBIjANBgkqhkiG9w0BAQEFAAOC')],
    ];
    for (const [name, input] of cases) {
      const result = await verifyCades(input, { at: new Date() });
      assert.equal(
        result.status,
        SignatureStatus.IMPOSSIBILE_EFFETTUARE_VERIFICA,
        `${name}: ${result.detail}`,
      );
      assert.equal(result.label, 'impossibile effettuare verifica');
      assert.ok(result.detail.length > 0);
    }
    assert.equal(opensslVerify(pki, garbage).ok, false, 'openssl cannot verify garbage either');
    assert.throws(() => extractSignedContent(garbage), CmsFormatError);
  });

  it(`refuses inputs over ${MAX_IN_MEMORY_SIGNED_BYTES} bytes without parsing them`, async () => {
    const huge = Buffer.alloc(MAX_IN_MEMORY_SIGNED_BYTES + 1);
    cmsSign(pki, [pki.valid], DOCUMENT).copy(huge);
    const started = Date.now();
    const result = await verifyCades(huge, { at: new Date() });
    assert.equal(result.status, SignatureStatus.IMPOSSIBILE_EFFETTUARE_VERIFICA);
    assert.match(result.detail, /larger than/);
    assert.ok(Date.now() - started < 1000, 'refused before parsing');
    assert.throws(() => extractSignedContent(huge), /larger than/);
  });
});
