import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { deflateRawSync, gzipSync } from 'node:zlib';
import { parsePecMessage } from '../../plugins/pec/message/index.js';
import {
  bustaEntity,
  BUSTA_HEADERS,
  mixLineEnds,
  originalMessage,
  SAMPLES,
} from '../harness/pec-message-fixtures.js';

const sample = (name: string): Buffer => readFileSync(path.join(SAMPLES, name));
const TRUNCATED = 'malformed MIME: multipart/signed never closes';

/** An unsigned busta: the provider's entity with the PEC headers, no S/MIME (what a forger sends). */
function unsignedBusta(entity = bustaEntity()): Buffer {
  return Buffer.from(`${BUSTA_HEADERS}\nMIME-Version: 1.0\n${entity}`);
}

/** A zip whose central directory declares `uncompressed` bytes for a `stored.length`-byte entry. */
function zipDeclaring(stored: Buffer, uncompressed: number, method = 0): Buffer {
  const name = Buffer.from('bomb.bin');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(method, 8);
  local.writeUInt32LE(stored.length, 18);
  local.writeUInt32LE(uncompressed, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(method, 10);
  central.writeUInt32LE(stored.length, 20);
  central.writeUInt32LE(uncompressed, 24);
  central.writeUInt16LE(name.length, 28);
  const directoryOffset = local.length + name.length + stored.length;
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(central.length + name.length, 12);
  eocd.writeUInt32LE(directoryOffset, 16);
  return Buffer.concat([local, name, stored, central, name, eocd]);
}

function peoWith(attachments: { name: string; type: string; bytes: Buffer }[]): Buffer {
  const parts = attachments.map((a) =>
    [
      '--P',
      `Content-Type: ${a.type}; name="${a.name}"`,
      `Content-Disposition: attachment; filename="${a.name}"`,
      'Content-Transfer-Encoding: base64',
      '',
      a.bytes.toString('base64').replace(/.{76}/g, '$&\n'),
    ].join('\n'),
  );
  return Buffer.from(
    [
      'From: cittadino@peo.test',
      'To: protocollo@comune.test',
      'Subject: Istanza',
      'Date: Mon, 02 Jun 2025 10:00:00 +0200',
      'Message-ID: <peo-1@peo.test>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="P"',
      '',
      '--P',
      'Content-Type: text/plain',
      '',
      'In allegato.',
      ...parts,
      '--P--',
      '',
    ].join('\n'),
  );
}

describe('PEC message parsing', () => {
  it('the anonymised accettazione receipt parses to the exact values', async () => {
    const m = await parsePecMessage(sample('accettazione.eml'));
    assert.equal(m.kind, 'receipt');
    assert.equal(m.receipt, 'accettazione');
    assert.equal(m.transport, null);
    assert.equal(m.messageId, '<opec210312.20241115182038.288127.606.1.771.53@fakepec.it>');
    assert.equal(m.riferimentoMessageId, '<SN05IE$951DEC16C1CFD3E4FD8FF1B1D24A99AE@fakepec.it>');
    assert.equal(m.from, 'posta-certificata@fakepec.it');
    assert.deepEqual(m.to, ['sender@fakepec.it']);
    assert.equal(m.subject, 'ACCETTAZIONE: Test PEC');
    assert.equal(m.date, '2024-11-15T18:20:38+01:00');
    assert.equal(m.daticert?.tipo, 'accettazione');
    assert.equal(m.daticert?.gestoreEmittente, 'FAKEPEC PEC S.p.A.');
    assert.equal(m.daticert?.dataOra, '2024-11-15T18:20:38+01:00');
    assert.equal(m.daticert?.msgid, '<SN05IE$951DEC16C1CFD3E4FD8FF1B1D24A99AE@fakepec.it>');
    assert.equal(m.original, null); // an accettazione carries no postacert.eml
    // The samples are truncated before smime.p7s: said, not hidden.
    assert.equal(m.signature.outcome, 'unsigned');
    assert.equal(m.signature.reason, 'multipart/signed without its signature part');
    assert.equal(m.problems.length, 2);
    assert.ok(m.problems[0]?.startsWith(TRUNCATED), m.problems[0]);
    assert.equal(m.problems[1], 'signature unsigned: multipart/signed without its signature part');
  });

  it('the anonymised errore-consegna receipt parses to the exact values', async () => {
    const m = await parsePecMessage(sample('consegna.eml'));
    assert.equal(m.kind, 'receipt');
    assert.equal(m.receipt, 'errore-consegna');
    assert.equal(m.riferimentoMessageId, '<SN05IE$951DEC16C1CFD3E4FD8FF1B1D24A99AE@pec.it>');
    assert.equal(m.date, '2024-11-15T18:21:03+01:00');
    assert.deepEqual(m.daticert, {
      tipo: 'errore-consegna',
      errore: 'no-dest',
      erroreEsteso: '5.1.1 - FAKE Pec S.p.A. - indirizzo non valido',
      mittente: 'sender@fakepec.it',
      destinatari: [{ address: 'rec@pec.it', tipo: 'certificato' }],
      risposte: 'sender@fakepec.it',
      oggetto: 'Test PEC',
      gestoreEmittente: 'FAKE PEC S.p.A.',
      dataOra: '2024-11-15T18:21:03+01:00',
      identificativo: 'opec210312.20241115182038.288127.606.1.53@fakepec.it',
      msgid: '<SN05IE$951DEC16C1CFD3E4FD8FF1B1D24A99AE@fakepec.it>',
      ricevuta: null,
      consegna: 'rec@fakepec.it',
      ricezione: [],
    });
  });

  it('line endings do not matter: the sample in CRLF and in a CRLF/LF mix reads the same', async () => {
    const lf = await parsePecMessage(sample('accettazione.eml'));
    const crlf = await parsePecMessage(
      Buffer.from(sample('accettazione.eml').toString('latin1').replace(/\n/g, '\r\n'), 'latin1'),
    );
    const mixed = await parsePecMessage(mixLineEnds(sample('accettazione.eml')));
    for (const other of [crlf, mixed]) {
      assert.deepEqual(other.daticert, lf.daticert);
      assert.equal(other.receipt, 'accettazione');
      assert.equal(other.riferimentoMessageId, lf.riferimentoMessageId);
    }
  });

  it('a busta: postacert.eml read again for the original headers, body and attachments', async () => {
    const m = await parsePecMessage(unsignedBusta());
    assert.equal(m.kind, 'busta');
    assert.equal(m.transport, 'posta-certificata');
    assert.equal(m.daticert?.tipo, 'posta-certificata');
    assert.deepEqual(m.daticert?.destinatari, [
      { address: 'protocollo@pec.comune-b.test', tipo: 'certificato' },
      { address: 'ufficio@comune-b.test', tipo: 'esterno' },
    ]);
    assert.equal(m.original?.messageId, '<original-1@comune-a.test>');
    assert.equal(m.original?.from, 'protocollo@pec.comune-a.test');
    assert.deepEqual(m.original?.to, ['protocollo@pec.comune-b.test']);
    assert.deepEqual(m.original?.cc, ['ufficio@comune-b.test']);
    assert.equal(m.original?.date, '2025-06-03T09:14:58+02:00');
    assert.match(m.original?.text ?? '', /Si trasmette la delibera/);
    assert.ok(m.original?.raw?.toString().startsWith('From: Comune A'));
    const pdf = Buffer.from('%PDF-1.4\n% a test document\n%%EOF\n');
    assert.deepEqual(
      m.attachments.map((a) => [a.fileName, a.mediaType, a.size, a.sha256]),
      [['delibera.pdf', 'application/pdf', pdf.length, createHash('sha256').update(pdf).digest('hex')]],
    );
    // Never the busta's own parts (daticert.xml, postacert.eml) among the attachments.
    assert.ok(!m.attachments.some((a) => /daticert|postacert/.test(a.fileName)));
    assert.deepEqual(m.problems, [
      'signature unsigned: a PEC provider message must be S/MIME signed; this one carries no signature',
    ]);
  });

  it('a busta di anomalia and an ordinary (PEO) message are told apart; PEO unsigned is no problem', async () => {
    const anomalia = await parsePecMessage(
      Buffer.from(
        unsignedBusta().toString().replace('X-Trasporto: posta-certificata', 'X-Trasporto: errore'),
      ),
    );
    assert.equal(anomalia.kind, 'anomalia');
    assert.equal(anomalia.transport, 'errore');
    // The anomalia wraps the original as a busta does; its daticert (when any) is not held to a tipo.
    assert.equal(anomalia.original?.messageId, '<original-1@comune-a.test>');
    assert.deepEqual(anomalia.problems, [
      'signature unsigned: a PEC provider message must be S/MIME signed; this one carries no signature',
    ]);
    const peo = await parsePecMessage(Buffer.from(originalMessage()));
    assert.equal(peo.kind, 'peo');
    assert.equal(peo.signature.outcome, 'unsigned');
    assert.equal(peo.signature.reason, null);
    assert.deepEqual(peo.problems, []);
    assert.equal(peo.original?.subject, 'Trasmissione delibera n. 12 & allegati');
    assert.deepEqual(
      peo.attachments.map((a) => a.fileName),
      ['delibera.pdf'],
    );
  });

  it('a receipt whose daticert tipo contradicts X-Ricevuta, or an unknown X-Ricevuta, is flagged', async () => {
    const lying = sample('accettazione.eml')
      .toString('latin1')
      .replace('X-Ricevuta: accettazione', 'X-Ricevuta: avvenuta-consegna');
    const m = await parsePecMessage(Buffer.from(lying, 'latin1'));
    assert.equal(m.receipt, 'avvenuta-consegna');
    assert.ok(
      m.problems.includes('daticert.xml says tipo "accettazione" but the headers say "avvenuta-consegna"'),
    );
    const odd = await parsePecMessage(
      Buffer.from(lying.replace('X-Ricevuta: avvenuta-consegna', 'X-Ricevuta: boh'), 'latin1'),
    );
    assert.equal(odd.kind, 'receipt');
    assert.equal(odd.receipt, null);
    assert.ok(odd.problems.includes('X-Ricevuta "boh" is not a PEC receipt kind'));
  });

  it('bad input never throws: 0 bytes, junk, a multipart without boundary, a header over the limit', async () => {
    const empty = await parsePecMessage(Buffer.alloc(0));
    assert.deepEqual(empty.problems, ['the message is empty (0 bytes)']);
    assert.equal(empty.kind, 'peo');
    const junk = await parsePecMessage(Buffer.from([0, 255, 1, 2, 0x0a, 0x0a, 3, 4, 5]));
    assert.ok(junk.problems.includes('malformed message: no From header'));
    const noBoundary = await parsePecMessage(
      Buffer.from(
        'From: a@b.test\nDate: Mon, 02 Jun 2025 10:00:00 +0200\nContent-Type: multipart/mixed\n\nx\n',
      ),
    );
    assert.ok(noBoundary.problems.includes('malformed MIME: multipart/mixed without a boundary parameter'));
    const hugeHeader = await parsePecMessage(
      Buffer.from(`From: a@b.test\nX-Pad: ${'a'.repeat(2_000_000)}\n\nbody`),
    );
    assert.ok(
      hugeHeader.problems.some((p) => p.startsWith('malformed MIME: ')),
      hugeHeader.problems.join('\n'),
    );
  });

  it('an oversize attachment is dropped from attachments, still named and measured, the rest kept', async () => {
    const big = Buffer.alloc(50_000, 7);
    const small = Buffer.from('small');
    const m = await parsePecMessage(
      peoWith([
        { name: 'big.bin', type: 'application/octet-stream', bytes: big },
        { name: 'small.txt', type: 'text/plain', bytes: small },
      ]),
      { maxAttachmentBytes: 10_000 },
    );
    assert.deepEqual(
      m.attachments.map((a) => a.fileName),
      ['small.txt'],
    );
    assert.equal(m.droppedAttachments.length, 1);
    assert.equal(m.droppedAttachments[0]?.fileName, 'big.bin');
    assert.equal(m.droppedAttachments[0]?.size, 50_000);
    assert.deepEqual(m.problems, ['attachment "big.bin" is 50000 bytes decoded (limit 10000): not kept']);
  });

  it('archive bombs are flagged from the zip central directory / gzip trailer, never expanded', async () => {
    // A declared 4 GiB entry in a 100-byte zip (the central directory lies: never decompressed).
    const liar = zipDeclaring(Buffer.from('tiny'), 0xfffffff0);
    // A real bomb: 32 MiB of zeros deflated to ~32 KiB.
    const zeros = Buffer.alloc(32 * 1024 * 1024);
    const real = zipDeclaring(deflateRawSync(zeros, { level: 9 }), zeros.length, 8);
    const gz = gzipSync(zeros, { level: 9 });
    const honest = zipDeclaring(Buffer.from('honest content'), 14);
    const m = await parsePecMessage(
      peoWith([
        { name: 'liar.zip', type: 'application/zip', bytes: liar },
        { name: 'real.zip', type: 'application/zip', bytes: real },
        { name: 'zeros.gz', type: 'application/gzip', bytes: gz },
        { name: 'honest.zip', type: 'application/zip', bytes: honest },
      ]),
    );
    // Kept (the message loses nothing), but each bomb named with its reason.
    assert.deepEqual(
      m.attachments.map((a) => a.fileName),
      ['liar.zip', 'real.zip', 'zeros.gz', 'honest.zip'],
    );
    const text = m.problems.join('\n');
    assert.match(text, /"liar\.zip": zip declares 4294967280 bytes uncompressed \(limit 2147483648\)/);
    assert.match(text, /"liar\.zip": zip expands \d+:1/);
    assert.match(text, /"real\.zip": zip expands \d+:1 .* possible archive bomb, not expanded/);
    assert.match(text, /"zeros\.gz": gzip expands \d+:1/);
    assert.doesNotMatch(text, /honest\.zip/);
  });

  it('a zip declaring too many entries is flagged without walking them', async () => {
    const zip = zipDeclaring(Buffer.from('x'), 1);
    zip.writeUInt16LE(60_000, zip.length - 22 + 10);
    const m = await parsePecMessage(peoWith([{ name: 'many.zip', type: 'application/zip', bytes: zip }]));
    assert.ok(
      m.problems.some((p) => p.includes('"many.zip": zip declares 60000 entries (limit 10000)')),
      m.problems.join('\n'),
    );
  });

  it('deep message/rfc822 nesting is refused past the limit; the headers are still read', async () => {
    let message = originalMessage();
    for (let level = 0; level < 12; level++) {
      message = [
        `From: level${level}@peo.test`,
        'Date: Mon, 02 Jun 2025 10:00:00 +0200',
        `Subject: level ${level}`,
        'Content-Type: multipart/mixed; boundary="L' + level + '"',
        '',
        `--L${level}`,
        'Content-Type: message/rfc822; name="inner.eml"',
        'Content-Disposition: attachment; filename="inner.eml"',
        '',
        message,
        `--L${level}--`,
        '',
      ].join('\n');
    }
    const m = await parsePecMessage(Buffer.from(message), { maxMessageDepth: 5 });
    assert.equal(m.subject, 'level 11');
    assert.deepEqual(m.problems, [
      'message/rfc822 nested more than 5 levels deep: the content is not parsed (the message is kept)',
    ]);
    assert.deepEqual(m.attachments, []);
    const within = await parsePecMessage(Buffer.from(message), { maxMessageDepth: 20 });
    assert.deepEqual(within.problems, []);
    assert.equal(within.attachments[0]?.fileName, 'inner.eml');
  });

  it('too many MIME parts and an oversize message: the content is not parsed, the headers are', async () => {
    const many = peoWith(
      Array.from({ length: 30 }, (_, i) => ({
        name: `f${i}.txt`,
        type: 'text/plain',
        bytes: Buffer.from(`${i}`),
      })),
    );
    const m = await parsePecMessage(many, { maxParts: 10 });
    assert.deepEqual(m.problems, [
      'more than 10 MIME parts: the content is not parsed (the message is kept)',
    ]);
    assert.equal(m.subject, 'Istanza');
    assert.deepEqual(m.attachments, []);
    const big = await parsePecMessage(unsignedBusta(), { maxMessageBytes: 1000 });
    assert.equal(big.kind, 'busta');
    assert.equal(big.messageId, '<opec.20250603091500.1234@pec.test>');
    assert.equal(big.daticert, null);
    assert.ok(
      big.problems[0]?.match(/^the message is \d+ bytes \(limit 1000\): only its headers are read$/),
      big.problems[0],
    );
  });
});
