import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import {
  canonicalElement,
  generateDevelopmentSeal,
  buildSegnatura,
  sealCanonical,
  sealSegnaturaXml,
  type SealKey,
} from '../../schema/segnatura/index.js';
import {
  checkInteropXml,
  confermaRequestedBy,
  findInteropAttachment,
  parseSegnatura,
  parseUntrustedXml,
  PEC_NS,
  PROT_NS,
  type InteropAttachment,
} from '../../plugins/pec/interop/index.js';
import { CORRESPONDENTS, segnaturaInput } from '../fixtures/segnatura-fixture.js';

/**
 * An incoming Segnatura.xml (Allegato 6): found among a message's attachments, validated
 * against the XSD of its namespace (both AgID namespaces accepted), its XAdES seal verified
 * against the trust anchors given, its facts read for the registration, its digests compared
 * with the attached files.
 */
/** A CA made by openssl and a seal certificate it issued (as a qualified trust service would). */
function caIssuedSeal(): { seal: SealKey; caDer: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'pec-interop-ca-'));
  try {
    const run = (args: string[]) => {
      const r = spawnSync('openssl', args, { cwd: dir });
      if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr.toString()}`);
    };
    run([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '3650',
      '-subj',
      '/CN=Test Qualified CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign',
    ]);
    run([
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'seal.key',
      '-out',
      'seal.csr',
      '-subj',
      '/CN=Sigillo AOO B/O=Comune B',
    ]);
    run([
      'x509',
      '-req',
      '-in',
      'seal.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'seal.pem',
      '-days',
      '3650',
    ]);
    return {
      seal: {
        privateKey: createPrivateKey(readFileSync(join(dir, 'seal.key'))),
        certificateDer: Buffer.from(new X509Certificate(readFileSync(join(dir, 'seal.pem'))).raw),
      },
      caDer: Buffer.from(new X509Certificate(readFileSync(join(dir, 'ca.pem'))).raw),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('pec interop: incoming Segnatura', () => {
  const now = new Date('2026-06-15T10:00:00Z');
  let key: SealKey;
  let otherKey: SealKey;
  let sealed: string;
  // The fixture's digests: SHA-256 of "" (richiesta.pdf, documento-identita.jpg) and of "test".
  const files: InteropAttachment[] = [
    { fileName: 'richiesta.pdf', mediaType: 'application/pdf', bytes: Buffer.alloc(0) },
    { fileName: 'planimetria.pdf', mediaType: 'application/pdf', bytes: Buffer.from('test') },
    { fileName: 'documento-identita.jpg', mediaType: 'image/jpeg', bytes: Buffer.alloc(0) },
  ];
  const segnatura = (xml: string, name = 'Segnatura.xml'): InteropAttachment => ({
    fileName: name,
    mediaType: 'application/xml',
    bytes: Buffer.from(xml, 'utf8'),
  });

  before(async () => {
    key = generateDevelopmentSeal('Sigillo A1B2C3D', 'Comune di Esempio', new Date('2026-01-01T00:00:00Z'));
    otherKey = generateDevelopmentSeal('Sigillo altro', 'Altro ente', new Date('2026-01-01T00:00:00Z'));
    sealed = await sealSegnaturaXml(
      buildSegnatura(segnaturaInput('PARTENZA', CORRESPONDENTS.amministrazione)),
      key,
      now,
    );
  });

  it('a Segnatura sealed by schema/segnatura: schema-valid, seal valid against its certificate, facts read, digests match', async () => {
    const check = await findInteropAttachment([...files, segnatura(sealed)], {
      trustAnchors: [key.certificateDer],
      at: now,
    });
    assert.ok(check);
    assert.equal(check.kind, 'segnatura');
    assert.equal(check.namespace, PROT_NS);
    assert.equal(check.schemaValid, true, check.schemaErrors.join('\n'));
    assert.equal(check.seal, 'valid', check.sealReason ?? '');
    assert.match(check.signer ?? '', /CN=Sigillo A1B2C3D/);
    assert.deepEqual(check.problems, []);
    const f = check.segnatura;
    assert.ok(f);
    assert.deepEqual(
      [f.codiceAmministrazione, f.codiceAOO, f.codiceRegistro, f.numero, f.data, f.ora],
      ['c_x000', 'A1B2C3D', 'PG', '0000042', '2026-06-15', '12:00:00'],
    );
    assert.equal(
      f.oggetto,
      'Richiesta di accesso agli atti — pratica edilizia n. 12/2026 «urgente» & riservata <cat. A>',
    );
    assert.equal(f.mittente?.tipo, 'amministrazione');
    assert.equal(f.mittente?.denominazione, 'Comune di Esempio');
    assert.equal(f.mittente?.codiceAmministrazione, 'c_x000');
    assert.equal(f.mittente?.codiceAOO, 'A1B2C3D');
    assert.equal(f.mittente?.pec, 'protocollo@pec.comune.esempio.it');
    assert.equal(f.destinatari.length, 2);
    assert.equal(f.destinatari[0].codiceAmministrazione, 'r_esemp');
    assert.equal(f.destinatari[0].confermaRicezione, true);
    assert.equal(f.destinatari[1].perConoscenza, true);
    assert.equal(f.confermaRichiesta, true);
    assert.deepEqual(f.classifica, {
      denominazione: 'Edilizia privata',
      codice: 'VI.3',
      livelli: ['VI', '3'],
    });
    assert.deepEqual(f.fascicolo, { denominazione: 'Pratica edilizia 12/2026', codice: '2026-VI.3.12' });
    assert.equal(f.riservato, true);
    assert.deepEqual(
      f.documenti.map((d) => [
        d.ruolo,
        d.nomeFile,
        d.mimeType,
        d.algoritmo,
        d.digestHex,
        d.firmatoDigitalmente,
      ]),
      [
        [
          'primario',
          'richiesta.pdf',
          'application/pdf',
          'SHA-256',
          'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
          true,
        ],
        [
          'allegato',
          'planimetria.pdf',
          'application/pdf',
          'SHA-256',
          '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
          false,
        ],
        [
          'allegato',
          'documento-identita.jpg',
          'image/jpeg',
          'SHA-256',
          'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
          false,
        ],
      ],
    );
    assert.deepEqual(
      check.documents?.map((d) => [d.nomeFile, d.attached, d.digestMatches]),
      [
        ['richiesta.pdf', true, true],
        ['planimetria.pdf', true, true],
        ['documento-identita.jpg', true, true],
      ],
    );
    // The recipient reads its own entry: Regione (r_esemp, AOO A9Z8Y7X) is asked; others are not named.
    assert.equal(confermaRequestedBy(f, { codiceAmministrazione: 'R_ESEMP', codiceAOO: 'A9Z8Y7X' }), true);
    assert.equal(confermaRequestedBy(f, { codiceAmministrazione: 'r_esemp', codiceAOO: 'OTHER01' }), null);
    assert.equal(confermaRequestedBy(f, { codiceAmministrazione: 'c_zzzz', codiceAOO: 'A9Z8Y7X' }), null);
    const declined = await sealSegnaturaXml(
      buildSegnatura(segnaturaInput('PARTENZA', CORRESPONDENTS.amministrazione)).replaceAll(
        'prot:perConoscenza="true"',
        'prot:perConoscenza="true" prot:confermaRicezione="false"',
      ),
      key,
      now,
    );
    const declinedFacts = parseSegnatura(declined);
    assert.deepEqual(
      declinedFacts.destinatari.map((d) => d.confermaRicezione),
      [true, false],
    );
    // parseSegnatura alone reads the same facts.
    assert.deepEqual(parseSegnatura(sealed), f);
  });

  it('no trust anchor → untrusted; a certificate not among the anchors → untrusted; expired at the given time → untrusted', async () => {
    const none = await checkInteropXml('Segnatura.xml', Buffer.from(sealed), 'segnatura');
    assert.equal(none.seal, 'untrusted');
    assert.match(none.sealReason ?? '', /no trust anchor/);
    const other = await checkInteropXml('Segnatura.xml', Buffer.from(sealed), 'segnatura', {
      trustAnchors: [otherKey.certificateDer],
    });
    assert.equal(other.seal, 'untrusted');
    assert.match(other.sealReason ?? '', /not issued by any trust anchor/);
    const late = await checkInteropXml('Segnatura.xml', Buffer.from(sealed), 'segnatura', {
      trustAnchors: [key.certificateDer],
      at: new Date('2035-01-01T00:00:00Z'),
    });
    assert.equal(late.seal, 'untrusted');
    assert.match(late.sealReason ?? '', /not valid at 2035/);
  });

  it('a seal issued by a CA given as anchor → valid; a seal certificate that is not a CA does not anchor others', async () => {
    const { seal, caDer } = caIssuedSeal();
    const xml = await sealSegnaturaXml(
      buildSegnatura(segnaturaInput('PARTENZA', CORRESPONDENTS.amministrazione)),
      seal,
      now,
    );
    const byCa = await checkInteropXml('Segnatura.xml', Buffer.from(xml), 'segnatura', {
      trustAnchors: [caDer],
    });
    assert.equal(byCa.seal, 'valid', byCa.sealReason ?? '');
    assert.match(byCa.signer ?? '', /CN=Sigillo AOO B/);
    const byOther = await checkInteropXml('Segnatura.xml', Buffer.from(xml), 'segnatura', {
      trustAnchors: [key.certificateDer, otherKey.certificateDer],
    });
    assert.equal(byOther.seal, 'untrusted');
  });

  it('a seal with an XPath transform is refused before verification', async () => {
    const xpath = sealed.replace(
      '<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"></ds:Transform>',
      '<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><ds:XPath>1</ds:XPath></ds:Transform>',
    );
    assert.notEqual(xpath, sealed);
    const check = await checkInteropXml('Segnatura.xml', Buffer.from(xpath), 'segnatura', {
      trustAnchors: [key.certificateDer],
    });
    assert.equal(check.seal, 'invalid');
    assert.match(
      check.sealReason ?? '',
      /transform http:\/\/www\.w3\.org\/TR\/1999\/REC-xpath-19991116, not accepted/,
    );
  });

  it('one byte changed after sealing → seal invalid (still schema-valid); the wrong digest of an attachment is named', async () => {
    const tampered = sealed.replace(
      '<prot:NumeroRegistrazione>0000042<',
      '<prot:NumeroRegistrazione>0000043<',
    );
    assert.notEqual(tampered, sealed);
    const check = await findInteropAttachment([...files, segnatura(tampered)], {
      trustAnchors: [key.certificateDer],
    });
    assert.ok(check);
    assert.equal(check.schemaValid, true);
    assert.equal(check.seal, 'invalid');
    assert.match(check.sealReason ?? '', /does not match the document/);
    assert.ok(check.problems.some((p) => /seal invalid/.test(p)));

    const wrongFile = await findInteropAttachment(
      [files[0], { ...files[1], bytes: Buffer.from('altered') }, segnatura(sealed)],
      { trustAnchors: [key.certificateDer] },
    );
    assert.ok(wrongFile);
    assert.equal(wrongFile.seal, 'valid');
    assert.deepEqual(
      wrongFile.documents?.map((d) => [d.nomeFile, d.attached, d.digestMatches]),
      [
        ['richiesta.pdf', true, true],
        ['planimetria.pdf', true, false],
        ['documento-identita.jpg', false, null],
      ],
    );
    assert.ok(wrongFile.problems.some((p) => /impronta of planimetria\.pdf does not match/.test(p)));
    assert.ok(
      wrongFile.problems.some((p) =>
        /documento-identita\.jpg listed in the Segnatura is not attached/.test(p),
      ),
    );
  });

  it('the …/protocollo/pec/ namespace variant (pec:SegnaturaInformatica, pec_message.xsd) is accepted and its seal verified', async () => {
    // As pec_message.xsd declares it: the root in the pec namespace, its content (of the prot
    // type) in the prot namespace. Sealed like ours, around the canonical form.
    const unsigned = buildSegnatura(segnaturaInput('PARTENZA', CORRESPONDENTS.amministrazione))
      .replace(
        `<prot:SegnaturaInformatica xmlns:prot="${PROT_NS}"`,
        `<pec:SegnaturaInformatica xmlns:pec="${PEC_NS}" xmlns:prot="${PROT_NS}"`,
      )
      .replace('</prot:SegnaturaInformatica>', '</pec:SegnaturaInformatica>');
    const parsed = parseUntrustedXml(unsigned);
    assert.ok(parsed.ok);
    const xml = sealCanonical(canonicalElement(parsed.doc.documentElement as never), key, now);
    const check = await findInteropAttachment([...files, segnatura(xml, 'segnatura.XML')], {
      trustAnchors: [key.certificateDer],
    });
    assert.ok(check);
    assert.equal(check.kind, 'segnatura');
    assert.equal(check.namespace, PEC_NS);
    assert.equal(check.schemaValid, true, check.schemaErrors.join('\n'));
    assert.equal(check.seal, 'valid', check.sealReason ?? '');
    assert.deepEqual(check.problems, []);
    assert.equal(check.segnatura?.numero, '0000042');

    // A sender that puts every element in the pec namespace: not valid against either XSD,
    // but still read (the message is registered, marked).
    const allPec = buildSegnatura(segnaturaInput('ARRIVO', CORRESPONDENTS.personaFisica))
      .replaceAll('prot:', 'pec:')
      .replace(`xmlns:prot="${PROT_NS}"`, `xmlns:pec="${PEC_NS}"`);
    const lenient = await findInteropAttachment([segnatura(allPec)]);
    assert.ok(lenient);
    assert.equal(lenient.namespace, PEC_NS);
    assert.equal(lenient.schemaValid, false);
    assert.equal(lenient.seal, 'unsigned');
    assert.equal(lenient.segnatura?.codiceAOO, 'A1B2C3D');
    assert.equal(lenient.segnatura?.mittente?.tipo, 'persona-fisica');
    assert.equal(lenient.segnatura?.mittente?.denominazione, 'Sig. Mario Rossi');
    assert.equal(lenient.segnatura?.mittente?.pec, 'mario.rossi@example.it');
  });

  it("a Segnatura that fails the XSD → schemaValid false with xmllint's reason; an unsealed one → unsigned, and the XSD wants the Signature", async () => {
    const bad = await sealSegnaturaXml(
      buildSegnatura(segnaturaInput('PARTENZA', CORRESPONDENTS.amministrazione)).replace(
        '<prot:NumeroRegistrazione>0000042<',
        '<prot:NumeroRegistrazione>42<',
      ),
      key,
      now,
    );
    const check = await findInteropAttachment([...files, segnatura(bad)], {
      trustAnchors: [key.certificateDer],
    });
    assert.ok(check);
    assert.equal(check.schemaValid, false);
    assert.match(
      check.schemaErrors.join('\n'),
      /NumeroRegistrazione.*'42'.*pattern|NumeroRegistrazione.*\[0-9\]\{7,\}/,
    );
    assert.ok(check.problems.some((p) => /does not validate against segnatura_protocollo\.xsd/.test(p)));
    assert.equal(check.seal, 'valid', 'the seal covers what was sealed, valid or not');
    assert.equal(check.segnatura?.numero, '42');

    const unsigned = await findInteropAttachment([
      ...files,
      segnatura(buildSegnatura(segnaturaInput('PARTENZA', CORRESPONDENTS.amministrazione))),
    ]);
    assert.ok(unsigned);
    assert.equal(unsigned.seal, 'unsigned');
    assert.equal(unsigned.schemaValid, false);
    assert.match(unsigned.schemaErrors.join('\n'), /Signature/);
    assert.ok(unsigned.problems.some((p) => /seal unsigned/.test(p)));
  });

  it('found by name (any case) or by root element; none → null; garbage named Segnatura.xml → a check with the reason, no throw', async () => {
    const byRoot = await findInteropAttachment([...files, segnatura(sealed, 'prot_2026_42.xml')]);
    assert.equal(byRoot?.kind, 'segnatura');
    assert.equal(byRoot?.fileName, 'prot_2026_42.xml');
    const byName = await findInteropAttachment([...files, segnatura(sealed, 'SEGNATURA.XML')]);
    assert.equal(byName?.kind, 'segnatura');
    assert.equal(await findInteropAttachment(files), null);
    assert.equal(
      await findInteropAttachment([{ fileName: 'other.xml', bytes: Buffer.from('<a xmlns="urn:x"/>') }]),
      null,
    );
    const garbage = await findInteropAttachment([
      { fileName: 'Segnatura.xml', bytes: Buffer.from([0xff, 0x00, 0x41, 0x3c]) },
    ]);
    assert.ok(garbage);
    assert.equal(garbage.kind, 'segnatura');
    assert.equal(garbage.schemaValid, false);
    assert.equal(garbage.seal, 'invalid');
    assert.match(garbage.problems[0], /Segnatura\.xml: the XML is not valid UTF-8 text/);
    const wrongRoot = await findInteropAttachment([segnatura('<x:Foo xmlns:x="urn:x"/>')]);
    assert.ok(wrongRoot);
    assert.equal(wrongRoot.schemaValid, false);
    assert.match(wrongRoot.problems[0], /root element \{urn:x\}Foo is not SegnaturaInformatica/);
  });
});
