import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { parsePecMessage } from '../../plugins/pec/message/index.js';
import {
  bustaEntity,
  createTestPki,
  mixLineEnds,
  signBusta,
  type TestPki,
} from '../harness/pec-message-fixtures.js';

const SIGNER = 'Posta Certificata Test <posta-certificata@pec.test>';

/** The base64 body of the signature part replaced (garbage p7s) or the whole part removed. */
function withSignaturePart(raw: Buffer, body: string | null): Buffer {
  const text = raw.toString('latin1');
  const boundary = /boundary="([^"]+)"/.exec(text)?.[1] as string;
  const parts = text.split(`--${boundary}`);
  // parts: preamble, signed entity, signature part, closing "--"
  assert.equal(parts.length, 4, 'openssl smime output has one entity and one signature part');
  if (body === null)
    return Buffer.from([parts[0], parts[1]].join(`--${boundary}`) + `--${boundary}--\n`, 'latin1');
  const header = parts[2].split(/\r?\n\r?\n/)[0];
  parts[2] = `${header}\n\n${body}\n\n`;
  return Buffer.from(parts.join(`--${boundary}`), 'latin1');
}

/** S/MIME on the exact signed bytes: real `openssl smime -sign` output, a test CA as anchor. */
describe('PEC S/MIME verification', () => {
  let pki: TestPki;
  let busta: Buffer;

  before(() => {
    pki = createTestPki();
    busta = signBusta(pki, bustaEntity());
  });
  after(() => pki.cleanup());

  it('openssl output mixes CRLF and LF (the shape the verifier must canonicalise)', () => {
    const text = busta.toString('latin1');
    assert.match(text, /[^\r]\n/);
    assert.match(text, /\r\n/);
  });

  it('valid when the signer chains to the configured CA', async () => {
    const m = await parsePecMessage(busta, { trustAnchors: [pki.caPem] });
    assert.deepEqual(m.signature, { outcome: 'valid', reason: null, signer: SIGNER });
    assert.deepEqual(m.problems, []);
    assert.equal(m.kind, 'busta');
    assert.equal(m.daticert?.identificativo, 'opec.20250603091500.1234@pec.test');
    assert.deepEqual(
      m.attachments.map((a) => a.fileName),
      ['delibera.pdf'],
    );
  });

  it('still valid after the message went through CRLF conversion or a CRLF/LF mix', async () => {
    const crlf = Buffer.from(busta.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
    for (const raw of [crlf, mixLineEnds(busta)]) {
      const m = await parsePecMessage(raw, { trustAnchors: [pki.caPem] });
      assert.equal(m.signature.outcome, 'valid', m.signature.reason ?? '');
    }
  });

  it("untrusted without anchors, and with an anchor that is not the signer's CA", async () => {
    const none = await parsePecMessage(busta);
    assert.equal(none.signature.outcome, 'untrusted');
    assert.match(none.signature.reason ?? '', /no trust anchors are configured/);
    assert.equal(none.signature.signer, SIGNER);
    assert.deepEqual(none.problems, []); // no anchors configured: not the message's fault
    const other = await parsePecMessage(busta, { trustAnchors: [pki.otherCaPem] });
    assert.equal(other.signature.outcome, 'untrusted');
    assert.match(other.signature.reason ?? '', /does not chain to a configured trust anchor/);
    assert.equal(other.problems.length, 1);
    assert.match(other.problems[0] ?? '', /^signature untrusted: /);
  });

  it('invalid after one byte of the signed content is flipped', async () => {
    const text = busta.toString('latin1');
    const at = text.indexOf('Si trasmette la delibera');
    assert.ok(at > 0);
    const flipped = Buffer.from(busta);
    flipped[at] = 's'.charCodeAt(0);
    const m = await parsePecMessage(flipped, { trustAnchors: [pki.caPem] });
    assert.equal(m.signature.outcome, 'invalid');
    assert.match(m.signature.reason ?? '', /altered after signing/);
    assert.equal(m.signature.signer, SIGNER);
    assert.match(m.problems.join('\n'), /signature invalid: the signed bytes were altered/);
    // Kept and read all the same.
    assert.equal(m.original?.messageId, '<original-1@comune-a.test>');
  });

  it('unsigned when the signature part is missing, invalid when the p7s is garbage', async () => {
    const missing = await parsePecMessage(withSignaturePart(busta, null), { trustAnchors: [pki.caPem] });
    assert.equal(missing.signature.outcome, 'unsigned');
    assert.equal(missing.signature.reason, 'multipart/signed without its signature part');
    assert.ok(missing.problems.includes('signature unsigned: multipart/signed without its signature part'));
    assert.equal(missing.daticert?.tipo, 'posta-certificata');

    const garbage = await parsePecMessage(withSignaturePart(busta, randomBytes(300).toString('base64')), {
      trustAnchors: [pki.caPem],
    });
    assert.equal(garbage.signature.outcome, 'invalid');
    assert.match(garbage.signature.reason ?? '', /not DER|not a CMS SignedData|is CMS/);
    const empty = await parsePecMessage(withSignaturePart(busta, ''), { trustAnchors: [pki.caPem] });
    assert.equal(empty.signature.outcome, 'invalid');
    assert.equal(empty.signature.reason, 'the signature part is empty');
  });

  it('a signature over another message does not verify this one', async () => {
    const other = signBusta(
      pki,
      bustaEntity({ postacert: 'From: x@y.test\nSubject: another\n\nanother body\n' }),
    );
    const otherSignature = /\n\n([A-Za-z0-9+/=\r\n]+)\n\n------[0-9A-F]+--/.exec(
      other.toString('latin1'),
    )?.[1];
    assert.ok(otherSignature);
    const m = await parsePecMessage(withSignaturePart(busta, otherSignature), { trustAnchors: [pki.caPem] });
    assert.equal(m.signature.outcome, 'invalid');
  });

  it('opaque S/MIME (application/pkcs7-mime): verified, its content read', async () => {
    const opaque = signBusta(pki, bustaEntity(), { opaque: true });
    assert.match(opaque.toString('latin1'), /application\/(x-)?pkcs7-mime/);
    const m = await parsePecMessage(opaque, { trustAnchors: [pki.caPem] });
    assert.deepEqual(m.signature, { outcome: 'valid', reason: null, signer: SIGNER });
    assert.equal(m.daticert?.tipo, 'posta-certificata');
    assert.deepEqual(
      m.attachments.map((a) => a.fileName),
      ['delibera.pdf'],
    );
  });
});
