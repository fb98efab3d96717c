import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildPdf, embedSignature, signedRanges } from '../../../test/fixtures/pdf-fixture.js';
import { cmsSign, createTestPki, type TestPki } from '../../../test/fixtures/pki-fixture.js';
import { outcome, registrationNoteFor, SignatureStatus, worstStatus } from './signature-outcome.js';
import { detectSignatureKind, verifySignature } from './signature.js';

describe('verifySignature: one entry point for any document', () => {
  let pki: TestPki;
  let p7m: Buffer;
  let pades: Buffer;
  before(async () => {
    pki = await createTestPki();
    p7m = cmsSign(pki, [pki.valid], Buffer.from('contenuto firmato'));
    const prepared = buildPdf({ subFilter: 'ETSI.CAdES.detached' });
    pades = embedSignature(prepared, cmsSign(pki, [pki.valid], signedRanges(prepared), { detached: true }));
  });
  after(() => pki.cleanup());

  const SEGNATURA_WITH_SEAL = Buffer.from(
    '<?xml version="1.0"?><prot:Segnatura xmlns:prot="http://www.agid.gov.it/protocollo/">' +
      '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/></prot:Segnatura>',
  );

  it('detects the kind of signature from the structure', () => {
    assert.equal(detectSignatureKind(p7m), 'CADES');
    assert.equal(detectSignatureKind(pades), 'PADES');
    assert.equal(detectSignatureKind(buildPdf().bytes), 'NONE');
    assert.equal(detectSignatureKind(SEGNATURA_WITH_SEAL), 'XADES');
    assert.equal(detectSignatureKind(Buffer.from('testo semplice')), 'NONE');
  });

  it('dispatches to the right verifier', async () => {
    const cades = await verifySignature(p7m, { at: new Date() });
    assert.equal(cades.kind, 'CADES');
    assert.equal(cades.status, SignatureStatus.FIRMA_VALIDA, cades.detail);
    const pdf = await verifySignature(pades, { at: new Date() });
    assert.equal(pdf.kind, 'PADES');
    assert.equal(pdf.status, SignatureStatus.FIRMA_VALIDA, pdf.detail);
  });

  it('reports FIRMA_MANCANTE for unsigned PDFs and other unsigned files', async () => {
    for (const unsigned of [buildPdf().bytes, Buffer.from('testo semplice'), Buffer.alloc(0)]) {
      const result = await verifySignature(unsigned, { at: new Date() });
      assert.equal(result.status, SignatureStatus.FIRMA_MANCANTE, result.detail);
      assert.equal(result.label, 'firma mancante');
      assert.equal(result.kind, 'NONE');
    }
  });

  it('recognises an XML signature without claiming to verify it', async () => {
    const result = await verifySignature(SEGNATURA_WITH_SEAL, { at: new Date() });
    assert.equal(result.kind, 'XADES');
    assert.equal(result.status, SignatureStatus.IMPOSSIBILE_EFFETTUARE_VERIFICA);
  });
});

describe('signature outcomes for the registration record', () => {
  it('writes the 002 §4.1.2.1 note for negative outcomes and "firma mancante" for unsigned files', () => {
    const note = (status: SignatureStatus) => registrationNoteFor(outcome(status, 'CADES', 'x'));
    assert.equal(note(SignatureStatus.FIRMA_VALIDA), undefined);
    assert.equal(note(SignatureStatus.FIRMA_MANCANTE), 'firma mancante');
    assert.equal(
      note(SignatureStatus.CERTIFICATO_SCADUTO),
      'verifica firma digitale eseguita: certificato scaduto',
    );
    assert.equal(
      note(SignatureStatus.IMPOSSIBILE_EFFETTUARE_VERIFICA),
      'verifica firma digitale eseguita: impossibile effettuare verifica',
    );
    assert.equal(
      note(SignatureStatus.FIRMA_NON_VALIDA),
      'verifica firma digitale eseguita: firma non valida',
    );
  });

  it('ranks several findings: tampering over expiry over unverifiable over valid', () => {
    const { FIRMA_VALIDA, FIRMA_NON_VALIDA, CERTIFICATO_SCADUTO, IMPOSSIBILE_EFFETTUARE_VERIFICA } =
      SignatureStatus;
    assert.equal(worstStatus([FIRMA_VALIDA, CERTIFICATO_SCADUTO, FIRMA_VALIDA]), CERTIFICATO_SCADUTO);
    assert.equal(worstStatus([IMPOSSIBILE_EFFETTUARE_VERIFICA, FIRMA_NON_VALIDA]), FIRMA_NON_VALIDA);
    assert.equal(
      worstStatus([FIRMA_VALIDA, IMPOSSIBILE_EFFETTUARE_VERIFICA]),
      IMPOSSIBILE_EFFETTUARE_VERIFICA,
    );
    assert.equal(worstStatus([FIRMA_VALIDA]), FIRMA_VALIDA);
    assert.equal(worstStatus([]), SignatureStatus.FIRMA_MANCANTE);
  });
});
